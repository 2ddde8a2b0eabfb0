package engine_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
)

// On generated systems, every order Explain reports is shown by its two
// runs, replayed strictly: in the kept run the Before step runs before
// the After step and the finding stays; in the gone run the After step
// runs first and the finding goes (none, or one for another reason:
// explain.SameReason). Orders pair steps of different actors
// at or before the finding, none is implied by another through program
// order, and the explanation is the same twice.
func TestExplain_OrdersShownByTheirRuns(t *testing.T) {
	explained, orders := 0, 0
	wide, narrow := engine.PropSystemsShaped(600, 4, 5, 2, 14), engine.PropSystemsShaped(600, 3, 6, 3, 12)
	for sys := range 600 {
		f := wide[sys].Factory
		if sys%2 == 1 {
			f = narrow[sys].Factory
		}
		seed := engine.ScheduleSeed(uint64(sys), 0)
		res, err := engine.Run(f, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{MaxSteps: 1000})
		require.NoError(t, err)
		if res.Finding == nil {
			continue
		}
		explained++
		ex, err := explain.Explain(context.Background(), f, seed, res, explain.Config{MaxSteps: 1000})
		require.NoError(t, err)
		again, err := explain.Explain(context.Background(), f, seed, res, explain.Config{MaxSteps: 1000})
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
			kept, gone := o.Runs()
			for _, w := range []struct {
				run  []engine.Choice
				kept bool
			}{{kept, true}, {gone, false}} {
				got, err := engine.Run(f, seed, engine.NewReplay(w.run), engine.RunConfig{MaxSteps: 1000})
				require.NoError(t, err, "system %d", sys)
				b := nthStep(got.Choices, cs, o.Before)
				a := nthStep(got.Choices, cs, o.After)
				has := explain.SameReason(got.Finding, res.Finding)
				assert.Equal(t, w.kept, has, "system %d order %d<%d: the finding stays only in the kept run", sys, o.Before, o.After)
				require.True(t, a >= 0 && b >= 0, "system %d: both steps run in both runs", sys)
				assert.Equal(t, w.kept, b < a, "system %d: the kept run runs step %d first, the gone run step %d", sys, o.Before, o.After)
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
func nthStep(cs, rec []engine.Choice, i int) int {
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

// A run that reaches its step bound ends with a finding StepBound
// recognises; other findings are not the step bound.
func TestFinding_StepBound(t *testing.T) {
	res, err := engine.Run(engine.LostUpdateFactory(), 1, engine.NewLenientReplay(nil), engine.RunConfig{MaxSteps: 2})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.True(t, res.Finding.StepBound(), res.Finding.Message)
	assert.False(t, (&engine.Finding{Oracle: engine.OracleLive, Message: "deadlock: nothing enabled"}).StepBound())
	assert.False(t, (&engine.Finding{Oracle: "transparent", Message: "step bound 2 exceeded"}).StepBound())
	assert.False(t, (*engine.Finding)(nil).StepBound())
}
