package world

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// flowEndPanics is a planted bug in code an actor runs on its coroutine:
// the flow oracles run inside the hypervisor's body when its program ends.
type flowEndPanics struct{}

func (flowEndPanics) Info() observe.OracleInfo       { return observe.OracleInfo{Name: "flow-end-panics"} }
func (flowEndPanics) CheckFlowEnd(*observe.FlowPass) { brokenFlowCheck() }
func brokenFlowCheck()                               { panic("planted: flow check broke") }

var _ observe.FlowOracle = flowEndPanics{}

// TestActorPanicStack: a panic in an actor's body is a panic finding whose
// stack shows where the body broke, the actor's frames up to its body
// function, and the world step that resumed the actor with the frames on
// the scheduler's side, not the coroutine's machinery.
func TestActorPanicStack(t *testing.T) {
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			f, _ := runProbed(t, ed, nil, flowEndPanics{})
			require.NotNil(t, f)
			assert.Equal(t, engine.OraclePanic, f.Oracle)
			assert.Equal(t, "planted: flow check broke", f.Message)
			t.Logf("stack:\n%s", f.Stack)
			frames := strings.Split(f.Stack, "\n")
			require.NotEmpty(t, frames)
			want := []string{
				"github.com/migsim/migsim/world.brokenFlowCheck",
				"github.com/migsim/migsim/world.flowEndPanics.CheckFlowEnd",
				"github.com/migsim/migsim/world/hv.(*Hypervisor).flowEnd",
				"github.com/migsim/migsim/world/hv.(*Hypervisor).runProgram",
				"github.com/migsim/migsim/world/hv.(*Hypervisor).Run",
			}
			var at []int
			for _, w := range want {
				i := indexOf(frames, w)
				assert.GreaterOrEqual(t, i, 0, "frame %s in\n%s", w, f.Stack)
				at = append(at, i)
			}
			assert.IsIncreasing(t, at, "innermost first:\n%s", f.Stack)
			resumed := indexWithPrefix(frames, "resumed by step ")
			require.GreaterOrEqual(t, resumed, 0, f.Stack)
			assert.True(t, strings.HasPrefix(frames[resumed], fmt.Sprintf("resumed by step %d (hv:", engine.ShownStep(f.Step))),
				"the step of the finding, the hypervisor's, resumed it: %s", frames[resumed])
			assert.Greater(t, resumed, at[len(at)-1], "the resuming step after the body's frames")
			assert.Equal(t, "github.com/migsim/migsim/world.(*World).addHypervisor.func1", frames[resumed-1], "the body function last")
			assert.Contains(t, frames[resumed+1:], "github.com/migsim/migsim/world.(*actor).run", f.Stack)
			assert.NotContains(t, f.Stack, "engine/coro.", "the coroutine's machinery is left out")
			assert.NotContains(t, f.Stack, "iter.Pull")
			assert.NotContains(t, f.Stack, "goroutine")
		})
	}
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

func indexWithPrefix(s []string, p string) int {
	for i, x := range s {
		if strings.HasPrefix(x, p) {
			return i
		}
	}
	return -1
}
