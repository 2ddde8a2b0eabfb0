package catalog

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
)

// TestCausalSlice_RegressSound runs the slice check (explain.CheckSlice:
// the slice's steps first, in their recorded order, every other step held
// back as long as the run allows) on every regression schedule's causal
// slice: each keeps its finding at its step. As a control, the slice of
// the finding's actor's own steps alone (every other actor's step held
// back) must lose some findings: a check that passed every slice would
// say nothing. Each slice narrowed by explain.NarrowSlice passes the check
// again. `go test ./catalog -run TestCausalSlice -v` logs both sizes per
// schedule (docs/engine.md, "Explaining").
func TestCausalSlice_RegressSound(t *testing.T) {
	files := regressFiles(t)
	require.NotEmpty(t, files)
	lost := 0
	for _, f := range files {
		// The replay is ReplaySchedule's (replayedRegress, shared with
		// the other tests of the regression files), on the target and
		// step bound the factory below builds.
		sc, res := replayed(t, f)
		tg, err := TargetOf(sc)
		require.NoError(t, err)
		tg.MaxSteps = DefaultJudgeMaxSteps
		fac, err := tg.Factory(sc.Seed)
		require.NoError(t, err)
		require.NotNil(t, res.Finding, f)
		slice := engine.CausalSlice(res)
		got, err := explain.CheckSlice(fac, sc.Seed, res, slice, DefaultJudgeMaxSteps)
		require.NoError(t, err, f)
		assert.True(t, got.Kept, "%s: the run of the slice first (%d of %d steps) has %q, want %q at step %d",
			f, len(slice), len(res.Choices), got.Oracle, res.Finding.Oracle, engine.ShownStep(res.Finding.Step))
		n, err := explain.NarrowSlice(fac, sc.Seed, res, slice, DefaultJudgeMaxSteps, 0)
		require.NoError(t, err, f)
		again, err := explain.CheckSlice(fac, sc.Seed, res, n.Slice, DefaultJudgeMaxSteps)
		require.NoError(t, err, f)
		assert.True(t, again.Kept, "%s: the narrowed slice loses the finding", f)
		t.Logf("%s (%s): footprints %d of %d, narrowed %d (%d runs%s)", filepath.Base(f), res.Finding.Oracle,
			len(slice), len(res.Choices), len(n.Slice), n.Runs, map[bool]string{true: ", cut"}[n.Cut])

		if len(slice) == 0 {
			continue // a flow error of the program's start: no step to keep
		}
		end := slice[len(slice)-1]
		var own []int
		for _, i := range slice {
			if res.Choices[i].Actor == res.Choices[end].Actor {
				own = append(own, i)
			}
		}
		ctl, err := explain.CheckSlice(fac, sc.Seed, res, own, DefaultJudgeMaxSteps)
		require.NoError(t, err, f)
		if !ctl.Kept {
			lost++
		}
	}
	t.Logf("the finding's actor's own steps alone lose %d of %d findings", lost, len(files))
	assert.Positive(t, lost, "no finding needs another actor's step: the check has no teeth")
}

// TestCausalSlice_FlowErrorFromTheHypervisorsStep: a flow error is
// reported when the run ends, at whichever actor's step is last; its
// causal slice starts from the hypervisor's step that got the error
// (engine.Finding.From), or is empty when the hypervisor's program got it
// as the world was built, and its narrowed slice ends there too. Sliced
// from the reported step, a 72-step pf-flr-with-admin-outstanding
// finding's slice was vcpu0's last read, "the finding's own".
func TestCausalSlice_FlowErrorFromTheHypervisorsStep(t *testing.T) {
	n := 0
	for _, f := range regressFiles(t) {
		sc, res := replayed(t, f)
		if res.Finding == nil || !isFlowError(res.Finding.Oracle) {
			continue
		}
		n++
		fd := res.Finding
		require.True(t, fd.Caused, "%s: the flow error has no cause step", f)
		from := fd.From()
		slice := engine.CausalSlice(res)
		if from < 0 {
			// Only a program that got its error as the world was built,
			// before any step of its own.
			assert.Empty(t, slice, f)
			for _, c := range res.Choices {
				assert.False(t, strings.HasPrefix(c.Label, "hv:"), "%s: the hypervisor took step %q, yet the error came before the first step", f, c.Label)
			}
			continue
		}
		require.LessOrEqual(t, from, fd.Step, f)
		assert.True(t, strings.HasPrefix(res.Choices[from].Label, "hv:"), "%s: the flow error's step %d is %q, not the hypervisor's",
			f, engine.ShownStep(from), res.Choices[from].Label)
		require.NotEmpty(t, slice, f)
		assert.Equal(t, from, slice[len(slice)-1], f)
		tg, err := TargetOf(sc)
		require.NoError(t, err)
		tg.MaxSteps = DefaultJudgeMaxSteps
		fac, err := tg.Factory(sc.Seed)
		require.NoError(t, err)
		nw, err := explain.NarrowSlice(fac, sc.Seed, res, slice, DefaultJudgeMaxSteps, 0)
		require.NoError(t, err, f)
		require.True(t, nw.Check.Kept, f)
		assert.Equal(t, from, nw.Slice[len(nw.Slice)-1], f)
	}
	assert.Positive(t, n, "no flow error among the regression schedules")
}
