package explain

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// lostUpdateRun is a lost update with noise between the racers' steps:
// racer0:read, noise, racer1:read, noise, racer1:write, racer0:write (the
// finding, racer0 writing 1 over 1).
func lostUpdateRun(t *testing.T) (engine.Factory, engine.Result) {
	t.Helper()
	f := lostUpdate
	sched := []engine.Choice{{Actor: 0, Label: "racer0:read counter"}, {Actor: 2, Label: "noise:poke"},
		{Actor: 1, Label: "racer1:read counter"}, {Actor: 2, Label: "noise:poke"},
		{Actor: 1, Label: "racer1:write counter"}, {Actor: 0, Label: "racer0:write counter"}}
	for i := range sched {
		sched[i].Index = 9 // no index: the label is looked up
	}
	res, err := engine.Run(f, 1, engine.NewLenientReplay(sched), engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, "lost-update", res.Finding.Oracle)
	require.Equal(t, 5, res.Finding.Step, choiceLabels(res.Choices))
	return f, res
}

// The lost update reported, racer0 writing over racer1's update, needs
// racer0's read before racer1's write (delay the read past it and racer0
// reads 1) and racer1's write before racer0's (hasten racer0's write past
// it and racer1 writes over racer0's update: a lost update, for another
// reason; this order implies racer1's read before racer0's write, which
// delaying racer1's read finds). The noise and the order of the two reads
// do not matter.
func TestExplain_LostUpdate(t *testing.T) {
	f, res := lostUpdateRun(t)
	ex, err := Explain(context.Background(), f, 1, res, Config{})
	require.NoError(t, err)
	assert.Equal(t, []Order{{Before: 0, After: 4, Moved: 0},
		{Before: 4, After: 5, Moved: 5, Instead: "lost-update", InsteadMessage: "racer1 wrote over an update"}}, exported(ex.Orders))
	assert.Equal(t, 6, ex.Steps)
	assert.Equal(t, 6, ex.Checked)
	assert.False(t, ex.Interrupted)
	assert.Equal(t, "2 orderings decide it: with any one reversed (the others in their recorded order as far as the run allows), the finding goes (each of 6 steps moved both ways, 17 runs)", ex.Text())

	// Each order reversed by hand: the finding goes, the second time for
	// racer1's lost update.
	for _, tc := range []struct {
		labels []string
		other  string
	}{
		{[]string{"noise:poke", "racer1:read counter", "noise:poke", "racer1:write counter", "racer0:read counter", "racer0:write counter"}, ""},
		{[]string{"racer0:read counter", "noise:poke", "racer1:read counter", "noise:poke", "racer0:write counter", "racer1:write counter"}, "racer1 wrote over an update"},
	} {
		var sched []engine.Choice
		for _, l := range tc.labels {
			sched = append(sched, engine.Choice{Index: 9, Label: l})
		}
		got, err := engine.Run(f, 1, engine.NewLenientReplay(sched), engine.RunConfig{})
		require.NoError(t, err)
		require.Equal(t, tc.labels, choiceLabels(got.Choices))
		assert.False(t, SameReason(got.Finding, res.Finding))
		if tc.other == "" {
			assert.Nil(t, got.Finding)
		} else if assert.NotNil(t, got.Finding) {
			assert.Equal(t, tc.other, got.Finding.Message)
		}
	}
}

// Without a move the order replay reproduces the recording.
func TestExplain_OrderReplayReproduces(t *testing.T) {
	f, res := lostUpdateRun(t)
	x := &explainer{ctx: context.Background(), f: f, seed: 1, finding: res.Finding, max: 10, r: engine.NewRunner(engine.RunConfig{}), cs: res.Choices}
	x.index()
	// A hastening that starts after the end changes nothing.
	o, err := x.run(move{target: 3, hasten: true, at: 99})
	require.NoError(t, err)
	assert.True(t, o.kept)
	assert.Equal(t, 3, o.placed)
	assert.Equal(t, choiceLabels(res.Choices), choiceLabels(o.cs))
}

// The budget bounds the runs, the steps nearest the finding first; an
// order a move showed is kept when the step's other move is cut short,
// and the step is not counted; a cancelled context moves nothing and says
// so.
func TestExplain_Budget(t *testing.T) {
	f, res := lostUpdateRun(t)
	ex, err := Explain(context.Background(), f, 1, res, Config{MaxRuns: 3})
	require.NoError(t, err)
	assert.Equal(t, 3, ex.Runs)
	assert.Zero(t, ex.Checked, "step 5's delay was cut")
	assert.Equal(t, []Order{{Before: 4, After: 5, Moved: 5, Instead: "lost-update", InsteadMessage: "racer1 wrote over an update"}}, exported(ex.Orders),
		"hastening step 5 showed its order in 3 runs")
	assert.Equal(t, "1 ordering decides it: with the two steps reversed (the others in their recorded order as far as the run allows), the finding goes (0 of 6 steps moved both ways, nearest the finding first, before the run budget ran out, 3 runs)", ex.Text())

	ex, err = Explain(context.Background(), f, 1, res, Config{MaxRuns: 1})
	require.NoError(t, err)
	assert.Equal(t, "not explained: the run budget was spent before one step was moved both ways (1 run)", ex.Text())

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ex, err = Explain(ctx, f, 1, res, Config{})
	require.NoError(t, err)
	assert.Zero(t, ex.Checked)
	assert.Zero(t, ex.Runs)
	assert.True(t, ex.Interrupted)
	assert.Equal(t, "not explained: interrupted before one step was moved both ways (0 runs)", ex.Text())
}

// A finding at the step bound is not explained (every moved run would run
// to the bound), nor is its slice narrowed; nor one before any step.
func TestExplain_Skipped(t *testing.T) {
	f := lostUpdate
	res, err := engine.Run(f, 1, engine.NewLenientReplay(nil), engine.RunConfig{MaxSteps: 3})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, engine.OracleLive, res.Finding.Oracle)
	ex, err := Explain(context.Background(), f, 1, res, Config{MaxSteps: 3})
	require.NoError(t, err)
	assert.Zero(t, ex.Runs)
	assert.Equal(t, "not explained: the finding is the step bound, which every moved run would run to", ex.Text())

	n, err := NarrowSlice(f, 1, res, engine.CausalSlice(res), 3, 0)
	require.NoError(t, err)
	assert.Zero(t, n.Runs, "nor is its slice narrowed")
	assert.Equal(t, engine.CausalSlice(res), n.Slice)
	assert.Equal(t, fmt.Sprintf("not narrowed: the finding is the step bound, which a run that holds steps back runs to as well (the footprint slice's %d of %d steps)",
		len(n.Slice), len(res.Choices)), n.Text(len(res.Choices)))

	ex, err = Explain(context.Background(), f, 1, engine.Result{Finding: &engine.Finding{Oracle: "x", Step: -1}}, Config{})
	require.NoError(t, err)
	assert.Zero(t, ex.Runs)
	assert.Equal(t, "not explained: the finding came before any step", ex.Text())
}

// Delaying a step of an actor that offers two steps at once holds back
// both, not only the recorded one: otherwise the other alternative runs
// in its place and the move is no move.
func TestExplain_DelayHoldsBackTheActor(t *testing.T) {
	f := toyFactory(false, []string{"a0", "a1"},
		[]toyInstr{{op: 'c', labels: [2]string{"a0 choice v0", "a0 choice v1"}}},
		[]toyInstr{{op: 'n', labels: [2]string{"a1 nop"}}})
	x := &explainer{ctx: context.Background(), f: f, seed: 1, finding: &engine.Finding{Oracle: "end"}, max: 10, r: engine.NewRunner(engine.RunConfig{}),
		cs: []engine.Choice{{Actor: 0, Label: "a0 choice v0"}, {Actor: 1, Label: "a1 nop"}}}
	x.index()
	o, err := x.run(move{target: 0, at: 5})
	require.NoError(t, err)
	assert.Equal(t, []string{"a1 nop", "a0 choice v0"}, choiceLabels(o.cs))
	assert.Equal(t, 1, o.placed)
}

// strongest drops an order that another implies through program order
// and keeps the rest; tightest drops an order whose reversed run also
// reverses another whose own reversed run leaves it in place.
func TestExplain_Pruning(t *testing.T) {
	x := &explainer{cs: []engine.Choice{
		{Actor: 0, Label: "g0"}, {Actor: 0, Label: "g1"}, // 0, 1: a guest
		{Actor: 1, Label: "h0"}, {Actor: 1, Label: "h1"}, // 2, 3: the hypervisor
		{Actor: 2, Label: "p0"}, // 4: a peer
	}}
	x.index()
	g0p, g1p, h1p, g0h1 := Order{Before: 0, After: 4}, Order{Before: 1, After: 4}, Order{Before: 3, After: 4}, Order{Before: 0, After: 3}
	assert.Equal(t, []Order{g1p, h1p, g0h1}, x.strongest([]Order{g0p, g1p, h1p, g0h1}), "g0 before p0 follows from g1 before p0")
	assert.Equal(t, []Order{g1p}, x.strongest([]Order{g1p, g1p}), "one of two equal orders")

	// p0 hastened past h1 lands before g1 too; p0 hastened past g1 alone
	// stays after h1: g1 before p0 names the cause, h1 before p0 does not.
	run := func(labels ...string) []engine.Choice {
		var cs []engine.Choice
		for _, l := range labels {
			for _, c := range x.cs {
				if c.Label == l {
					cs = append(cs, c)
				}
			}
		}
		return cs
	}
	g1p.gone = run("g0", "h0", "h1", "p0", "g1")
	h1p.gone = run("g0", "h0", "p0", "g1", "h1")
	assert.Equal(t, []Order{g1p}, x.tightest([]Order{h1p, g1p}))
	// Orders whose reversals reverse each other both stay.
	h1p.gone = run("g0", "h0", "p0", "h1", "g1")
	g1p.gone = h1p.gone
	assert.Len(t, x.tightest([]Order{h1p, g1p}), 2)
	assert.Equal(t, []Order{g1p}, x.dedupe([]Order{g1p, {Before: 1, After: 4}}))
}

// tightest does not depend on the order the orders were found in: in a
// chain where o's reversed run also reverses p, p's also reverses q, and
// q's reverses only q, p goes (q names its cause) and o stays (the order
// it was confounded with is gone).
func TestExplain_TightestChain(t *testing.T) {
	x := &explainer{}
	for i := range 6 {
		x.cs = append(x.cs, engine.Choice{Actor: i, Label: fmt.Sprintf("s%d", i)})
	}
	x.index()
	run := func(idx ...int) []engine.Choice {
		var cs []engine.Choice
		for _, i := range idx {
			cs = append(cs, x.cs[i])
		}
		return cs
	}
	o := Order{Before: 0, After: 1, gone: run(1, 0, 3, 2, 4, 5)}
	p := Order{Before: 2, After: 3, gone: run(0, 1, 3, 2, 5, 4)}
	q := Order{Before: 4, After: 5, gone: run(0, 1, 2, 3, 5, 4)}
	want := []string{"0<1", "4<5"}
	for _, in := range [][]Order{{o, p, q}, {q, p, o}, {p, o, q}} {
		var got []string
		for _, r := range x.tightest(in) {
			got = append(got, fmt.Sprintf("%d<%d", r.Before, r.After))
		}
		slices.Sort(got)
		assert.Equal(t, want, got)
	}
}

// A deadlock is not found again by a run that reaches the step bound:
// both are the live oracle, but a move that trades one for the other
// loses the finding.
func TestExplain_DeadlockIsNotTheStepBound(t *testing.T) {
	deadlock := &engine.Finding{Oracle: engine.OracleLive, Message: "deadlock: nothing enabled, no timer pending, system not done"}
	bound := &engine.Finding{Oracle: engine.OracleLive, Message: "step bound 200 exceeded"}
	assert.True(t, sameFinding(deadlock, deadlock))
	assert.False(t, sameFinding(bound, deadlock))
	assert.False(t, sameFinding(deadlock, bound))
	assert.True(t, sameFinding(&engine.Finding{Oracle: "x", Message: "other words"}, &engine.Finding{Oracle: "x"}))
	assert.False(t, sameFinding(nil, deadlock))
}

// A finding no order decides (every schedule reaches it) gets no order.
func TestExplain_NoOrderDecides(t *testing.T) {
	f := toyFactory(true, []string{"a0", "a1", "noise"}, noise(2), noise(2), noise(2))
	res, err := engine.Run(f, 1, engine.NewLenientReplay(nil), engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	ex, err := Explain(context.Background(), f, 1, res, Config{})
	require.NoError(t, err)
	assert.Empty(t, ex.Orders)
	assert.Equal(t, ex.Steps, ex.Checked)
	assert.Contains(t, ex.Text(), "the finding does not depend on the interleaving, as far as moving one step tells: "+
		"every step, moved as early and as late as it can run, kept it, so no ordering of two steps decides it (each of")
}

// Without a finding there is nothing to explain.
func TestExplain_NoFinding(t *testing.T) {
	_, err := Explain(context.Background(), lostUpdate, 1, engine.Result{}, Config{})
	assert.ErrorContains(t, err, "no finding")
}

// exported drops the orders' witness runs.
func exported(os []Order) []Order {
	out := make([]Order, len(os))
	for i, o := range os {
		out[i] = Order{Before: o.Before, After: o.After, Moved: o.Moved, Instead: o.Instead, InsteadMessage: o.InsteadMessage}
	}
	return out
}

// TestExplanation_Text: a summary that found nothing says whether every
// step was moved or the budget (or an interruption) cut it short.
func TestExplanation_Text(t *testing.T) {
	cases := []struct {
		ex   Explanation
		want string
	}{
		{Explanation{Steps: 9, Checked: 9, Runs: 20},
			"the finding does not depend on the interleaving, as far as moving one step tells: every step, moved as early and as late as it can run, kept it, so no ordering of two steps decides it (each of 9 steps moved both ways, 20 runs)"},
		{Explanation{Steps: 171, Checked: 2, Runs: 5},
			"no ordering of two steps found so far: every move kept the finding (2 of 171 steps moved both ways, nearest the finding first, before the run budget ran out, 5 runs)"},
		{Explanation{Steps: 171, Checked: 2, Runs: 5, Interrupted: true},
			"no ordering of two steps found so far: every move kept the finding (2 of 171 steps moved both ways, nearest the finding first, before it was interrupted, 5 runs)"},
		{Explanation{Steps: 9, Checked: 4, Runs: 7, Unpinned: 2},
			"no ordering of two steps found so far: 2 moves lost the finding without naming one step to blame (4 of 9 steps moved both ways, nearest the finding first, before the run budget ran out, 7 runs)"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, c.ex.Text())
	}
}
