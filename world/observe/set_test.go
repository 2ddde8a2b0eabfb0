package observe

import (
	"fmt"
	"slices"
	"sync"
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

// uncomparable is an oracle whose type cannot be compared with ==;
// holding compares by type but not always by value (== panics on a slice
// in its field).
type (
	uncomparable struct{ names []string }
	holding      struct{ v any }
)

func (u uncomparable) Info() OracleInfo    { return OracleInfo{Name: u.names[0]} }
func (uncomparable) CheckEvent(*EventPass) {}
func (h holding) Info() OracleInfo         { return OracleInfo{Name: fmt.Sprint(h.v)} }
func (holding) CheckEvent(*EventPass)      {}

// TestNewSet_Shared: sets built for the same oracles share their hook
// lists and keep their own world, whichever lists alternate and from how
// many goroutines; oracles that differ (another value, another pointer, a
// type == cannot compare) get their own set.
func TestNewSet_Shared(t *testing.T) {
	var n1, n2 uint64
	lists := [][]Oracle{
		{eventOnly{"e"}, flowFinish{}},
		{eventOnly{"f"}, flowFinish{}},
		{keeping{&n1}},
		{keeping{&n2}},
		{uncomparable{[]string{"u"}}},
		{uncomparable{[]string{"v"}}, flowFinish{}},
		{holding{[]int{1}}},
		{holding{[]int{2}}},
	}
	names := func(s Set) []string {
		var out []string
		for _, h := range s.event {
			out = append(out, h.info.Name)
		}
		for _, h := range s.finish {
			out = append(out, h.info.Name)
		}
		return out
	}
	want := [][]string{{"e", "flow-finish"}, {"f", "flow-finish"}, {"keeping"}, {"keeping"}, {"u"}, {"v", "flow-finish"}, {"[1]"}, {"[2]"}}
	type world struct{ World }
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				k := (g + i) % len(lists)
				w := &world{}
				s, err := NewSet(w, append([]Oracle(nil), lists[k]...)) // equal oracles, another slice
				if !assert.NoError(t, err) {
					return
				}
				assert.Same(t, w, s.w.(*world), "each set keeps its own world")
				assert.Equal(t, want[k], names(s), "list %d", k)
				if k == 2 || k == 3 {
					assert.Equal(t, lists[k][0], s.kept[0], "the kept oracle is the list's own")
				}
			}
		}()
	}
	wg.Wait()
	a, err := NewSet(nil, lists[0])
	require.NoError(t, err)
	b, err := NewSet(nil, slices.Clone(lists[0]))
	require.NoError(t, err)
	assert.Same(t, &a.event[0], &b.event[0], "the same oracles share one set's lists")
}

// memberwise is an event oracle that judges each member on its own.
type memberwise struct{ eventOnly }

func (memberwise) Memberwise() {}

// TestEventsMemberwise: a set's event oracles are memberwise when each is
// a MemberwiseOracle; oracles of other hooks do not count.
func TestEventsMemberwise(t *testing.T) {
	for _, c := range []struct {
		name    string
		oracles []Oracle
		want    bool
	}{
		{"none", nil, true},
		{"no event oracle", []Oracle{flowFinish{}}, true},
		{"memberwise", []Oracle{memberwise{eventOnly{"a"}}, flowFinish{}}, true},
		{"one is not", []Oracle{memberwise{eventOnly{"a"}}, eventOnly{"b"}}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s, err := NewSet(nil, c.oracles)
			require.NoError(t, err)
			assert.Equal(t, c.want, s.EventsMemberwise())
		})
	}
}
