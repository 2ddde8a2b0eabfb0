package explain

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// orderSys: two writers and a checker that runs once both wrote and
// always fails, its message saying which write came first, as the
// transparent oracle reports whichever entry of the guest's log differs.
type orderSys struct {
	first   string
	a, b, c bool
}

func orderFactory(engine.Streams) (engine.System, error) { return &orderSys{}, nil }

func (s *orderSys) Enabled(buf []engine.Step) []engine.Step {
	if !s.a {
		buf = append(buf, engine.Step{Actor: 0, Label: "a:write x", Footprint: engine.Writes(0)})
	}
	if !s.b {
		buf = append(buf, engine.Step{Actor: 1, Label: "b:write y", Footprint: engine.Writes(0)})
	}
	if s.a && s.b && !s.c {
		buf = append(buf, engine.Step{Actor: 2, Label: "c:check", Footprint: engine.Reads(0)})
	}
	return buf
}

func (s *orderSys) Execute(st engine.Step) *engine.Finding {
	switch st.Actor {
	case 0:
		s.a = true
		if s.first == "" {
			s.first = "x"
		}
	case 1:
		s.b = true
		if s.first == "" {
			s.first = "y"
		}
	case 2:
		s.c = true
		return &engine.Finding{Oracle: "order", Message: s.first + " written first"}
	}
	return nil
}

func (s *orderSys) NextTimer() (engine.VTime, bool) { return 0, false }
func (s *orderSys) Advance(engine.VTime)            {}
func (s *orderSys) ActorName(a int) string          { return []string{"a", "b", "c"}[a] }
func (s *orderSys) Done() bool                      { return s.c }
func (s *orderSys) Finish() *engine.Finding         { return nil }

// orderRun records a's write, b's write and the check: "x written
// first".
func orderRun(t *testing.T) engine.Result {
	t.Helper()
	var sched []engine.Choice
	for _, l := range []string{"a:write x", "b:write y", "c:check"} {
		sched = append(sched, engine.Choice{Index: 9, Label: l})
	}
	res, err := engine.Run(orderFactory, 1, engine.NewLenientReplay(sched), engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, "x written first", res.Finding.Message)
	return res
}

// The narrowing keeps a finding only for the recorded run's reason: with
// a's write held back, the check still fails, but because y was written
// first. Accepting any message of the oracle, the narrowing dropped both
// writes and called the check "the finding's own", and the slice left
// out the write whose place the finding (x written first) needs.
func TestNarrowSlice_KeepsTheFindingsReason(t *testing.T) {
	res := orderRun(t)
	n, err := NarrowSlice(orderFactory, 1, res, []int{0, 1, 2}, 0, 0)
	require.NoError(t, err)
	assert.Equal(t, []int{0, 2}, n.Slice, "a:write x, c:check")
	c, err := CheckSlice(orderFactory, 1, res, []int{2}, 0)
	require.NoError(t, err)
	assert.False(t, c.Kept, "the check alone: reversed, y is written first")
	assert.Equal(t, "reversed", c.Lost)
}

// SameReason: the same oracle and message, step numbers, hex values and
// the place of a differing line in the guest's log aside.
func TestSameReason(t *testing.T) {
	f := func(oracle, msg string) *engine.Finding { return &engine.Finding{Oracle: oracle, Message: msg} }
	flow := func(oracle, msg string) *engine.Finding {
		return &engine.Finding{Oracle: oracle, Message: msg, Caused: true, CauseStep: 3, Step: 9}
	}
	for _, tc := range []struct {
		name     string
		got, rec *engine.Finding
		want     bool
	}{
		{"same", f("t", "entry 5 differs"), f("t", "entry 5 differs"), true},
		{"another entry", f("t", "entry 4 differs"), f("t", "entry 5 differs"), false},
		{"the same line at another entry of the log", f("t", `the guest can tell it moved: entry 5 of its log is "a=1", without migration "a=0"`),
			f("t", `the guest can tell it moved: entry 8 of its log is "a=1", without migration "a=0"`), true},
		{"a peer's line at another entry", f("t", `peer p can tell it moved: entry 2 of the guest log is "x", without migration "y"`),
			f("t", `peer p can tell it moved: entry 3 of the guest log is "x", without migration "y"`), true},
		{"another line of the log", f("t", `the guest can tell it moved: entry 3 of its log is "wce=1", without migration "wce=0"`),
			f("t", `the guest can tell it moved: entry 8 of its log is "a=1", without migration "a=0"`), false},
		{"another step cited", f("t", "vcpu0 ran flr at step 86"), f("t", "vcpu0 ran flr at step 90"), true},
		{"steps cited", f("t", "held steps 3 to 9"), f("t", "held steps 4 to 9"), true},
		{"another checksum", f("t", "corrupt crc32c: byte 16: crc32c 0x5b9d3c12, payload has 0xf6e06f43"),
			f("t", "corrupt crc32c: byte 16: crc32c 0x8166f843, payload has 0x2c1bab12"), true},
		{"another byte", f("t", "corrupt crc32c: byte 17: crc32c 0x5b9d3c12"), f("t", "corrupt crc32c: byte 16: crc32c 0x5b9d3c12"), false},
		{"a flow error annotated since", f("e", "DEV_MODE_SET: EINVAL/INVALID_FIELD"), flow("e", "DEV_MODE_SET: EINVAL/INVALID_FIELD (dst.vf1: transition not allowed)"), true},
		{"a flow error's other status", f("e", "DEV_MODE_SET: EINVAL/INVALID_FIELD"), flow("e", "DEV_MODE_SET: EINVAL/INVALID_GROUP (dst.vf1: no group)"), false},
		{"no annotation but a flow error's", f("t", "X"), f("t", "X (the reason)"), false},
		{"without the blame", f("t", "entry 4 differs"), f("t", "entry 4 differs; blamed on the hypervisor"), false},
		{"a longer number", f("t", "entry 4"), f("t", "entry 42"), false},
		{"another oracle", f("u", "entry 5 differs"), f("t", "entry 5 differs"), false},
		{"none", nil, f("t", "entry 5 differs"), false},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, SameReason(tc.got, tc.rec)) })
	}
}
