package explain

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// The lost update's causal slice leaves the noise out and passes the
// check; a slice without a step whose place decides the finding fails it
// (the check has teeth), one without a step its actor runs ahead of a
// slice step anyway passes, having pulled that step in.
func TestCheckSlice_LostUpdate(t *testing.T) {
	f, res := lostUpdateRun(t)
	full := engine.CausalSlice(res)
	require.Equal(t, []int{0, 2, 4, 5}, full, "racer0:read, racer1:read, racer1:write, racer0:write")
	for _, tc := range []struct {
		name   string
		slice  []int
		kept   bool
		lost   string
		oracle string
		pulled int
	}{
		{name: "causal slice", slice: full, kept: true, oracle: "lost-update"},
		// racer0 writes over nothing; racer1's held-back write then loses
		// racer0's update: the oracle again, at another step.
		{name: "without racer1's write", slice: []int{0, 2, 5}, lost: "recorded", oracle: "lost-update"},
		// racer0's read, pulled ahead of its write, reads racer1's.
		{name: "without racer0's read", slice: []int{2, 4, 5}, lost: "recorded", oracle: "", pulled: 1},
		{name: "without racer1's read, pulled ahead of its write", slice: []int{0, 4, 5}, kept: true, oracle: "lost-update", pulled: 1},
		{name: "every step", slice: []int{0, 1, 2, 3, 4, 5}, kept: true, oracle: "lost-update"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := CheckSlice(f, 1, res, tc.slice, 0)
			require.NoError(t, err)
			assert.Equal(t, tc.kept, got.Kept)
			assert.Equal(t, tc.lost, got.Lost)
			assert.Equal(t, tc.oracle, got.Oracle)
			assert.Equal(t, tc.pulled, got.Pulled)
		})
	}
}

func TestCheckSlice_Errors(t *testing.T) {
	f, res := lostUpdateRun(t)
	_, err := CheckSlice(f, 1, res, []int{7}, 0)
	assert.ErrorContains(t, err, "slice step 7 outside the run's 6 steps")
	res.Finding = nil
	_, err = CheckSlice(f, 1, res, nil, 0)
	assert.ErrorContains(t, err, "no finding")
}

// Narrowed by running, the lost update's slice keeps racer0's read,
// racer1's write and the finding's write: racer1's read is its program's
// step ahead of its write, pulled in there, and the noise was never in.
func TestNarrowSlice_LostUpdate(t *testing.T) {
	f, res := lostUpdateRun(t)
	for _, tc := range []struct {
		name    string
		maxRuns int
		slice   []int
		cut     bool
	}{
		{name: "budget enough", slice: []int{0, 4, 5}},
		{name: "one run: the slice's own check", maxRuns: 1, slice: []int{0, 2, 4, 5}, cut: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			n, err := NarrowSlice(f, 1, res, engine.CausalSlice(res), 0, tc.maxRuns)
			require.NoError(t, err)
			assert.Equal(t, tc.slice, n.Slice)
			assert.Equal(t, tc.cut, n.Cut)
			assert.False(t, n.Interrupted)
			assert.True(t, n.Check.Kept)
			// The narrowed slice passes the check on its own.
			c, err := CheckSlice(f, 1, res, n.Slice, 0)
			require.NoError(t, err)
			assert.Equal(t, n.Check, c)
		})
	}
}

// A context that is done stops the narrowing after the slice's own check:
// the slice is the footprint slice, which that check kept, with Cut and
// Interrupted set; the same narrowing with a live context drops steps.
func TestNarrowSliceContext_Interrupted(t *testing.T) {
	f, res := lostUpdateRun(t)
	slice := engine.CausalSlice(res)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err := NarrowSliceContext(ctx, f, 1, res, slice, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, slice, n.Slice)
	assert.True(t, n.Check.Kept)
	assert.True(t, n.Cut)
	assert.True(t, n.Interrupted)
	assert.Equal(t, 1, n.Runs, "the slice's own check only")
	assert.Contains(t, n.Text(len(res.Choices)), "(1 check, interrupted before every step was tried)")

	live, err := NarrowSliceContext(context.Background(), f, 1, res, slice, 0, 0)
	require.NoError(t, err)
	assert.Less(t, len(live.Slice), len(slice))
	assert.False(t, live.Interrupted)
}

func TestNarrowed_Text(t *testing.T) {
	for _, tc := range []struct {
		n    Narrowed
		want string
	}{
		{Narrowed{Slice: []int{0, 4, 5}, Check: SliceCheck{Kept: true}, Runs: 9},
			"3 of 6 steps placed: run first in their recorded order, every other step held back as long as the run allows (in its recorded order, and reversed), the finding stays; a step left out runs where its actor's program and waits put it, its actor's earlier steps ahead of a placed one (an ordering replay --explain names may be of such a step) (9 checks)"},
		{Narrowed{Slice: []int{5}, Check: SliceCheck{Kept: true}, Runs: 1, Cut: true},
			"1 of 6 steps placed, the finding's own: no other step needs its place (its actor's program and waits order the rest): run first in their recorded order, every other step held back as long as the run allows (in its recorded order, and reversed), the finding stays (1 check, budget spent before every step was tried)"},
		{Narrowed{Slice: []int{2, 5}, Check: SliceCheck{Lost: "reversed"}, Runs: 1},
			"not narrowed: the slice of 2 of 6 steps, run first with the rest held back, lost the finding (reversed run: none)"},
	} {
		assert.Equal(t, tc.want, tc.n.Text(6))
	}
}

// A finding before any step has an empty slice, which keeps it.
func TestCheckSlice_BeforeAnyStep(t *testing.T) {
	f := toyFactory(true, nil)
	res, err := engine.Run(f, 1, engine.NewLenientReplay(nil), engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Empty(t, res.Choices)
	got, err := CheckSlice(f, 1, res, engine.CausalSlice(res), 0)
	require.NoError(t, err)
	assert.Equal(t, SliceCheck{Kept: true, Oracle: "end"}, got)
	n, err := NarrowSlice(f, 1, res, nil, 0, 0)
	require.NoError(t, err)
	assert.Empty(t, n.Slice)
	assert.True(t, n.Check.Kept)
}
