package observe

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type eventOnly struct{ name string }

func (e eventOnly) Info() OracleInfo    { return OracleInfo{Name: e.name} }
func (eventOnly) CheckEvent(*EventPass) {}

type flowFinish struct{}

func (flowFinish) Info() OracleInfo {
	return OracleInfo{Name: "flow-finish", Reqs: []string{"DRAFT-FRZ-02"}}
}
func (flowFinish) CheckFlowEnd(*FlowPass)  {}
func (flowFinish) CheckFinish(*FinishPass) {}

type noHook struct{}

func (noHook) Info() OracleInfo { return OracleInfo{Name: "no-hook"} }

// TestNewSet: a set runs at exactly the hooks of its oracles; a nil
// oracle, one without a name or a hook, a name given twice, and an oracle
// that keeps state but says it judges every event on its own are errors
// that name it.
func TestNewSet(t *testing.T) {
	cases := []struct {
		name    string
		oracles []Oracle
		runs    []Hook
		err     string
	}{
		{"none", nil, nil, ""},
		{"event", []Oracle{eventOnly{"e"}}, []Hook{HookEvent}, ""},
		{"two", []Oracle{eventOnly{"e"}, flowFinish{}}, []Hook{HookEvent, HookFlowEnd, HookFinish}, ""},
		{"nil", []Oracle{eventOnly{"e"}, nil}, nil, "observe: oracle 1 is nil"},
		{"no name", []Oracle{eventOnly{}}, nil, "observe: oracle 0 (observe.eventOnly) has no name"},
		{"twice", []Oracle{eventOnly{"x"}, eventOnly{"x"}}, nil, "observe: oracle x given twice"},
		{"no hook", []Oracle{noHook{}}, nil, "observe: oracle no-hook runs at no hook"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSet(nil, c.oracles)
			if c.err != "" {
				require.EqualError(t, err, c.err)
				return
			}
			require.NoError(t, err)
			var runs []Hook
			for _, h := range Hooks {
				if s.Runs(h) {
					runs = append(runs, h)
				}
			}
			assert.Equal(t, c.runs, runs)
		})
	}
	var n uint64
	_, err := NewSet(nil, []Oracle{keepingPerEvent{keeping{&n}}})
	require.EqualError(t, err, "observe: oracle keeping keeps state (StateHasher) and says it judges every event on its own (PerEventOracle)")
	var zero Set
	for _, h := range Hooks {
		assert.False(t, zero.Runs(h), "the zero set runs nothing at %s", h)
	}
}

// TestHooksOf: an oracle's hooks, in the order a run reaches them; every
// hook has a doc.
func TestHooksOf(t *testing.T) {
	assert.Equal(t, []Hook{HookFlowEnd, HookFinish}, HooksOf(flowFinish{}))
	assert.Equal(t, []Hook{HookEvent}, HooksOf(eventOnly{}))
	assert.Empty(t, HooksOf(noHook{}))
	for _, h := range Hooks {
		assert.NotEqual(t, string(h), h.Doc(), "hook %s has a doc", h)
	}
}

// keeping is an event oracle that keeps a count and hashes it.
type keeping struct{ n *uint64 }

func (keeping) Info() OracleInfo                { return OracleInfo{Name: "keeping"} }
func (k keeping) CheckEvent(*EventPass)         { *k.n++ }
func (k keeping) StateHash() uint64             { return *k.n }
func (*pointerToNothing) Info() OracleInfo      { return OracleInfo{Name: "pointer"} }
func (*pointerToNothing) CheckEvent(*EventPass) {}

// keepingPerEvent keeps state and says it keeps nothing between events.
type keepingPerEvent struct{ keeping }

func (keepingPerEvent) PerEvent() {}

// pointerToNothing is an oracle whose value is a pointer to a struct
// without fields.
type pointerToNothing struct{}

// TestSetStateHash: a set's oracle hash is there when every oracle holds
// nothing (a struct without fields, or a pointer to one) or hashes what it
// keeps, and follows what they keep; an oracle that holds something it
// does not hash (a field) leaves the set without one.
func TestSetStateHash(t *testing.T) {
	var n uint64
	cases := []struct {
		name    string
		oracles []Oracle
		ok      bool
		follows bool // the hash changes with n
	}{
		{"none", nil, true, false},
		{"hold nothing", []Oracle{flowFinish{}, &pointerToNothing{}}, true, false},
		{"hashes what it keeps", []Oracle{flowFinish{}, keeping{&n}}, true, true},
		{"holds a field", []Oracle{flowFinish{}, eventOnly{"e"}}, false, false},
		{"holds a field beside one that hashes", []Oracle{keeping{&n}, eventOnly{"e"}}, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSet(nil, c.oracles)
			require.NoError(t, err)
			n = 1
			h1, ok := s.StateHash()
			require.Equal(t, c.ok, ok)
			if !ok {
				return
			}
			n = 2
			h2, _ := s.StateHash()
			assert.Equal(t, c.follows, h1 != h2)
		})
	}
}
