package engine

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// lostUpdateRun is a lost update with noise between the racers' steps:
// racer0:read, noise, racer1:read, noise, racer1:write, racer0:write (the
// finding, racer0 writing 1 over 1).
func lostUpdateRun(t *testing.T) (Factory, Result) {
	t.Helper()
	f := toyConfig{racers: 2, incs: 1, noise: 2}.factory()
	sched := []Choice{{Actor: 0, Label: "racer0:read counter"}, {Actor: 2, Label: "noise:poke"},
		{Actor: 1, Label: "racer1:read counter"}, {Actor: 2, Label: "noise:poke"},
		{Actor: 1, Label: "racer1:write counter"}, {Actor: 0, Label: "racer0:write counter"}}
	for i := range sched {
		sched[i].Index = 9 // no index: the label is looked up
	}
	res, err := Run(f, 1, NewLenientReplay(sched), RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, "lost-update", res.Finding.Oracle)
	require.Equal(t, 5, res.Finding.Step, choiceLabels(res.Choices))
	return f, res
}

// The lost update needs both reads before both writes: racer0's read
// before racer1's write (delay the read past it and racer0 reads 1) and
// racer1's read before racer0's write (found both by delaying racer1's
// read and by hastening racer0's write; reported once). The noise and the
// order of the two writes or of the two reads do not matter.
func TestExplain_LostUpdate(t *testing.T) {
	f, res := lostUpdateRun(t)
	ex, err := Explain(context.Background(), f, 1, res, ExplainConfig{})
	require.NoError(t, err)
	assert.Equal(t, []Order{{Before: 0, After: 4, Moved: 0}, {Before: 2, After: 5, Moved: 5}}, exported(ex.Orders))
	assert.Equal(t, 6, ex.Steps)
	assert.Equal(t, 6, ex.Checked)
	assert.False(t, ex.Interrupted)
	assert.Contains(t, ex.Text(), "the finding needs 2 orderings")

	// Each order reversed by hand: the finding goes.
	for _, labels := range [][]string{
		{"noise:poke", "racer1:read counter", "noise:poke", "racer1:write counter", "racer0:read counter", "racer0:write counter"},
		{"racer0:read counter", "noise:poke", "noise:poke", "racer0:write counter", "racer1:read counter", "racer1:write counter"},
	} {
		var sched []Choice
		for _, l := range labels {
			sched = append(sched, Choice{Index: 9, Label: l})
		}
		got, err := Run(f, 1, NewLenientReplay(sched), RunConfig{})
		require.NoError(t, err)
		require.Equal(t, labels, choiceLabelList(got.Choices))
		assert.Nil(t, got.Finding)
	}
}

func choiceLabelList(cs []Choice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Label)
	}
	return out
}

// Without a move the order replay reproduces the recording.
func TestExplain_OrderReplayReproduces(t *testing.T) {
	f, res := lostUpdateRun(t)
	x := &explainer{ctx: context.Background(), f: f, seed: 1, oracle: "lost-update", max: 10, r: NewRunner(RunConfig{}), cs: res.Choices}
	x.index()
	// A hastening that starts after the end changes nothing.
	o, err := x.run(move{target: 3, hasten: true, at: 99})
	require.NoError(t, err)
	assert.True(t, o.kept)
	assert.Equal(t, 3, o.placed)
	assert.Equal(t, choiceLabels(res.Choices), choiceLabels(o.cs))
}

// The budget bounds the runs, the steps nearest the finding first, and a
// step whose moves were cut short is not counted; a cancelled context
// checks nothing and says so.
func TestExplain_Budget(t *testing.T) {
	f, res := lostUpdateRun(t)
	ex, err := Explain(context.Background(), f, 1, res, ExplainConfig{MaxRuns: 3})
	require.NoError(t, err)
	assert.LessOrEqual(t, ex.Runs, 3)
	assert.Less(t, ex.Checked, ex.Steps)
	assert.Contains(t, ex.Text(), "of 6 steps moved both ways, nearest the finding first")

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	ex, err = Explain(ctx, f, 1, res, ExplainConfig{})
	require.NoError(t, err)
	assert.Zero(t, ex.Checked)
	assert.Zero(t, ex.Runs)
	assert.True(t, ex.Interrupted)
}

// A finding no order decides (every schedule reaches it) gets no order.
func TestExplain_NoOrderDecides(t *testing.T) {
	f := func(st Streams) (System, error) {
		sys := newToy(toyConfig{racers: 2, incs: 2, locked: true, noise: 2}, st)
		sys.failAtEnd = true
		return sys, nil
	}
	res, err := Run(f, 1, NewLenientReplay(nil), RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	ex, err := Explain(context.Background(), f, 1, res, ExplainConfig{})
	require.NoError(t, err)
	assert.Empty(t, ex.Orders)
	assert.Equal(t, ex.Steps, ex.Checked)
	assert.Contains(t, ex.Text(), "no ordering of two steps found: every move kept the finding (each of")
}

// Without a finding there is nothing to explain.
func TestExplain_NoFinding(t *testing.T) {
	_, err := Explain(context.Background(), lostUpdate.factory(), 1, Result{}, ExplainConfig{})
	assert.ErrorContains(t, err, "no finding")
}

// exported drops the orders' witness runs.
func exported(os []Order) []Order {
	out := make([]Order, len(os))
	for i, o := range os {
		out[i] = Order{Before: o.Before, After: o.After, Moved: o.Moved, Instead: o.Instead}
	}
	return out
}

// On generated systems, every order Explain reports is shown by its two
// runs, replayed strictly: in the kept run the Before step runs before
// the After step and the finding stays; in the gone run the After step
// runs first and the finding goes. Orders pair steps of different actors
// at or before the finding, none is implied by another through program
// order, and the explanation is the same twice.
func TestExplain_OrdersShownByTheirRuns(t *testing.T) {
	gen := propGen{actors: 4, instrs: 5, vars: 2, total: 14}
	explained, orders := 0, 0
	for sys := range 300 {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		f := propFactory(progs, gen.vars)
		seed := ScheduleSeed(uint64(sys), 0)
		res, err := Run(f, seed, NewRandom(NewStream(seed, StreamSchedule)), RunConfig{MaxSteps: 1000})
		require.NoError(t, err)
		if res.Finding == nil || res.Finding.Oracle == OracleLive {
			continue
		}
		explained++
		ex, err := Explain(context.Background(), f, seed, res, ExplainConfig{MaxSteps: 1000})
		require.NoError(t, err)
		again, err := Explain(context.Background(), f, seed, res, ExplainConfig{MaxSteps: 1000})
		require.NoError(t, err)
		assert.Equal(t, ex, again, "system %d", sys)
		assert.Equal(t, ex.Steps, ex.Checked, "system %d", sys)
		cs := res.Choices
		for _, o := range ex.Orders {
			orders++
			assert.Less(t, o.Before, o.After, "system %d", sys)
			assert.LessOrEqual(t, o.After, res.Finding.Step, "system %d", sys)
			assert.NotEqual(t, cs[o.Before].Actor, cs[o.After].Actor, "system %d", sys)
			assert.Contains(t, []int{o.Before, o.After}, o.Moved, "system %d", sys)
			for _, w := range []struct {
				run  []Choice
				kept bool
			}{{o.kept, true}, {o.gone, false}} {
				got, err := Run(f, seed, NewReplay(w.run), RunConfig{MaxSteps: 1000})
				require.NoError(t, err, "system %d", sys)
				b := nthStep(got.Choices, cs, o.Before)
				a := nthStep(got.Choices, cs, o.After)
				has := got.Finding != nil && got.Finding.Oracle == res.Finding.Oracle
				assert.Equal(t, w.kept, has, "system %d order %+v: the finding stays only in the kept run", sys, exported([]Order{o}))
				if w.kept {
					assert.True(t, b >= 0 && (a < 0 || b < a), "system %d: kept run runs step %d before step %d", sys, o.Before, o.After)
				} else {
					assert.True(t, a >= 0 && (b < 0 || a < b), "system %d: gone run runs step %d before step %d", sys, o.After, o.Before)
				}
			}
			for _, p := range ex.Orders {
				if (p.Before != o.Before || p.After != o.After) && cs[p.Before].Actor == cs[o.Before].Actor && cs[p.After].Actor == cs[o.After].Actor {
					assert.False(t, p.Before >= o.Before && p.After <= o.After, "system %d: %+v implies %+v", sys, p, o)
				}
			}
		}
	}
	t.Logf("%d failing runs explained, %d orders", explained, orders)
	assert.Greater(t, explained, 20)
	assert.Greater(t, orders, 20)
}

// nthStep returns where run cs ran step i of the recording rec (the same
// actor's step with the same ordinal and label), or -1.
func nthStep(cs, rec []Choice, i int) int {
	n := 0
	for _, c := range rec[:i] {
		if c.Actor == rec[i].Actor {
			n++
		}
	}
	for k, c := range cs {
		if c.Actor != rec[i].Actor {
			continue
		}
		if n == 0 {
			if c.Label == rec[i].Label {
				return k
			}
			return -1
		}
		n--
	}
	return -1
}
