package explain

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// tailSys: a flow error and the run's tail after it. The hypervisor
// sends an admin command, waits for it (the error, when a fault reset
// the owner device first) and rolls back; once it is done a vCPU reads
// and a peer writes, and a read after the peer's write fails the "stale"
// oracle at once. The flow error is reported when the run ends, at the
// peer's step, with the wait as its cause (Finding.CauseStep), as the
// world reports one.
type tailSys struct {
	pc                [4]int
	step, failed      int
	reset, peerWroteY bool
}

var tailProgs = [4][]string{{"hv:send", "hv:wait-admin", "hv:rollback"}, {"fault:flr"}, {"vcpu:read"}, {"peer:write"}}

func tailFactory(engine.Streams) (engine.System, error) { return &tailSys{failed: -1}, nil }

func (s *tailSys) Enabled(buf []engine.Step) []engine.Step {
	for a, p := range tailProgs {
		if s.pc[a] >= len(p) || a >= 2 && s.pc[0] < len(tailProgs[0]) {
			continue // the vCPU and the peer run once the hypervisor is done
		}
		buf = append(buf, engine.Step{Actor: a, Label: p[s.pc[a]], Footprint: engine.Writes(0)})
	}
	return buf
}

func (s *tailSys) Execute(st engine.Step) *engine.Finding {
	s.pc[st.Actor]++
	s.step++
	switch st.Label {
	case "fault:flr":
		s.reset = true
	case "hv:wait-admin":
		if s.reset {
			s.failed = s.step - 1
		}
	case "peer:write":
		s.peerWroteY = true
	case "vcpu:read":
		if s.peerWroteY {
			return &engine.Finding{Oracle: "stale", Message: "vcpu read the peer's write"}
		}
	}
	return nil
}

func (s *tailSys) NextTimer() (engine.VTime, bool) { return 0, false }
func (s *tailSys) Advance(engine.VTime)            {}
func (s *tailSys) ActorName(a int) string          { return []string{"hv", "fault", "vcpu", "peer"}[a] }

func (s *tailSys) Done() bool {
	for a, p := range tailProgs {
		if s.pc[a] < len(p) {
			return false
		}
	}
	return true
}

func (s *tailSys) Finish() *engine.Finding {
	if s.failed < 0 {
		return nil
	}
	return &engine.Finding{Oracle: "error:owner-reset", Message: "hv: wait-admin: owner device reset", CauseStep: s.failed, Caused: true}
}

// tailRun records send (0), flr (1), wait (2: the error), rollback (3),
// the vCPU's read (4) and the peer's write (5), where the run's end
// reports the error.
func tailRun(t *testing.T) engine.Result {
	t.Helper()
	var sched []engine.Choice
	for _, l := range []string{"hv:send", "fault:flr", "hv:wait-admin", "hv:rollback", "vcpu:read", "peer:write"} {
		sched = append(sched, engine.Choice{Index: 9, Label: l})
	}
	res, err := engine.Run(tailFactory, 1, engine.NewLenientReplay(sched), engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, "error:owner-reset", res.Finding.Oracle)
	require.Equal(t, 5, res.Finding.Step, choiceLabels(res.Choices))
	require.Equal(t, 2, res.Finding.From())
	return res
}

// A flow error is explained by moving the steps up to the one that got
// it (Finding.From), not up to the step the run's end reports it at: the
// error needs the fault before the wait, and nothing after the wait. Moved
// up to the reported step, the peer's write, hastened ahead of the vCPU's
// read, fired "stale" before the run's end, and the explanation named
// that ordering of the run's tail as one the flow error needs.
func TestExplain_FlowErrorFromItsCause(t *testing.T) {
	res := tailRun(t)
	ex, err := Explain(context.Background(), tailFactory, 1, res, Config{})
	require.NoError(t, err)
	assert.Equal(t, []Order{{Before: 1, After: 2, Moved: 2}}, exported(ex.Orders), "fault:flr before hv:wait-admin")
	assert.Equal(t, 3, ex.Steps, "send, flr, wait")
	assert.Equal(t, 3, ex.Checked)
	assert.True(t, ex.Cause)
	assert.Equal(t, "1 ordering decides it: with the two steps reversed (the others in their recorded order as far as the run allows), "+
		"the finding goes (each of 3 steps up to the one that got the flow error moved both ways, "+plural(ex.Runs, "run")+")", ex.Text())

	cut, err := Explain(context.Background(), tailFactory, 1, res, Config{MaxRuns: 1})
	require.NoError(t, err)
	assert.Equal(t, "1 ordering decides it: with the two steps reversed (the others in their recorded order as far as the run allows), "+
		"the finding goes (0 of 3 steps up to the one that got the flow error moved both ways, nearest it first, before the run budget ran out, 1 run)",
		cut.Text(), "hastening the wait, the step that got the error, is the first move")
}

// A flow error that came before the first step is not explained: no step
// of the run is its cause.
func TestExplain_FlowErrorBeforeTheFirstStep(t *testing.T) {
	res := tailRun(t)
	f := *res.Finding
	f.CauseStep = -1
	res.Finding = &f
	ex, err := Explain(context.Background(), tailFactory, 1, res, Config{})
	require.NoError(t, err)
	assert.Zero(t, ex.Runs)
	assert.Empty(t, ex.Orders)
	assert.Equal(t, "not explained: the flow error came before the first step (the hypervisor's program got it as the world was built): no step of the run is its cause", ex.Text())
}
