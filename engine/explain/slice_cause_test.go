package explain

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// flowSys: a flow error reported when the run ends. The hypervisor sends
// an admin command, waits for it and rolls back; a fault resets the owner
// device, which fails the wait when it comes first; a vCPU settles and
// reads after. The finding ("error:owner-reset") is reported by Finish,
// at the run's last step, a vCPU's, with the wait as its cause
// (Finding.CauseStep), as the world reports a flow error.
type flowSys struct {
	pc           [3]int
	step         int
	reset, ended bool
	// failed is the index of the step that got the error, -1 for none.
	failed int
}

var flowProgs = [3][]string{{"hv:send", "hv:wait-admin", "hv:rollback"}, {"fault:flr"}, {"vcpu:settle", "vcpu:read"}}

func flowFactory(engine.Streams) (engine.System, error) { return &flowSys{failed: -1}, nil }

func (s *flowSys) Enabled(buf []engine.Step) []engine.Step {
	for a, p := range flowProgs {
		if s.pc[a] >= len(p) || a == 2 && s.pc[0] < len(flowProgs[0]) {
			continue // the vCPU runs once the hypervisor is done
		}
		fp := engine.Writes(0)
		if a == 2 {
			fp = engine.Reads(0)
		}
		buf = append(buf, engine.Step{Actor: a, Label: p[s.pc[a]], Footprint: fp})
	}
	return buf
}

func (s *flowSys) Execute(st engine.Step) *engine.Finding {
	switch st.Label {
	case "fault:flr":
		s.reset = true
	case "hv:wait-admin":
		if s.reset {
			s.failed = s.step
		}
	}
	s.pc[st.Actor]++
	s.step++
	return nil
}

func (s *flowSys) NextTimer() (engine.VTime, bool) { return 0, false }
func (s *flowSys) Advance(engine.VTime)            {}
func (s *flowSys) ActorName(a int) string          { return []string{"hv", "fault", "vcpu"}[a] }

func (s *flowSys) Done() bool {
	for a, p := range flowProgs {
		if s.pc[a] < len(p) {
			return false
		}
	}
	return true
}

func (s *flowSys) Finish() *engine.Finding {
	if s.failed < 0 {
		return nil
	}
	return &engine.Finding{Oracle: "error:owner-reset", Message: "hv: wait-admin: owner device reset",
		CauseStep: s.failed, Caused: true}
}

// flowRun records the fault before the wait: send (0), flr (1), wait (2),
// rollback (3), settle (4), read (5); the finding is reported at 5.
func flowRun(t *testing.T) engine.Result {
	t.Helper()
	var sched []engine.Choice
	for _, l := range []string{"hv:send", "fault:flr", "hv:wait-admin", "hv:rollback", "vcpu:settle", "vcpu:read"} {
		sched = append(sched, engine.Choice{Index: 9, Label: l})
	}
	res, err := engine.Run(flowFactory, 1, engine.NewLenientReplay(sched), engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, 5, res.Finding.Step, choiceLabels(res.Choices))
	require.Equal(t, 2, res.Finding.From())
	return res
}

// A flow error's slice starts from the hypervisor's step that got the
// error, not from the vCPU's read the run's end reports it at: the
// footprint slice is the steps up to the wait, and the narrowing keeps
// the fault, whose place ahead of the wait the error needs, and the wait,
// and accepts the same flow error at the run's end, got by the same wait,
// as the finding staying. Sliced from the reported step, the slice was the
// vCPU's read alone, "the finding's own".
func TestNarrowSlice_FlowErrorFromItsCause(t *testing.T) {
	res := flowRun(t)
	slice := engine.CausalSlice(res)
	assert.Equal(t, []int{0, 1, 2}, slice, "the steps up to hv:wait-admin")
	c, err := CheckSlice(flowFactory, 1, res, slice, 0)
	require.NoError(t, err)
	assert.True(t, c.Kept, "%+v", c)
	n, err := NarrowSlice(flowFactory, 1, res, slice, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{1, 2}, n.Slice, "fault:flr, hv:wait-admin")
	assert.True(t, n.Check.Kept)
	assert.True(t, n.Cause)
	assert.Contains(t, n.Text(len(res.Choices)), "2 of 6 steps placed, the last of them the step that got the flow error (the run's end reports it)")

	// The wait alone loses the error: the fault, held back, runs after it.
	c, err = CheckSlice(flowFactory, 1, res, []int{2}, 0)
	require.NoError(t, err)
	assert.False(t, c.Kept)
}

// From is the step a finding's slice starts from: the cause's when set
// and no later than the reported step, else the reported step.
func TestFinding_From(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    engine.Finding
		want int
	}{
		{name: "no cause", f: engine.Finding{Step: 7, CauseStep: 3}, want: 7},
		{name: "a cause", f: engine.Finding{Step: 7, CauseStep: 3, Caused: true}, want: 3},
		{name: "before the first step", f: engine.Finding{Step: 7, CauseStep: -1, Caused: true}, want: -1},
		{name: "a cause past the step", f: engine.Finding{Step: 7, CauseStep: 9, Caused: true}, want: 7},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.f.From()) })
	}
}

// A flow error that came before the first step has an empty slice, which
// the narrowing does not run.
func TestNarrowSlice_FlowErrorBeforeTheFirstStep(t *testing.T) {
	res := flowRun(t)
	f := *res.Finding
	f.CauseStep = -1
	res.Finding = &f
	assert.Equal(t, []int{}, engine.CausalSlice(res))
	n, err := NarrowSlice(flowFactory, 1, res, engine.CausalSlice(res), 0, 0)
	require.NoError(t, err)
	assert.Equal(t, SkippedBeforeSteps, n.Skipped)
	assert.Zero(t, n.Runs)
	assert.Empty(t, n.Slice)
	assert.Contains(t, n.Text(len(res.Choices)), "not narrowed: the flow error came before the first step")
}
