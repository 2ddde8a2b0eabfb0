package observe

import (
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
)

// Set is a world's oracles sorted by hook, in the order given, each with
// its info read once, and the World their passes read. The zero Set runs
// no oracle.
type Set struct {
	w      World
	event  []hooked[EventOracle]
	recv   []hooked[ReceivedOracle]
	load   []hooked[LoadOracle]
	flow   []hooked[FlowOracle]
	finish []hooked[FinishOracle]
	// kept are the oracles that hash what they keep; unhashed is set when
	// an oracle holds something and does not hash it (StateHash).
	kept     []StateHasher
	unhashed bool
}

type hooked[T any] struct {
	o    T
	info *OracleInfo
}

// NewSet sorts os by hook; their passes read w. An oracle without a name
// or a hook, or a name given twice, is an error.
//
// A world is built per run, and the worlds of an exploration share one
// list of oracles: the set built last is kept (lastSet) and handed out
// again, with its own w, for a list of the same oracles. Sets share their
// hook lists, which nothing changes once built, and the infos read when
// the set was built: an oracle's Info must not change while it is in use.
func NewSet(w World, os []Oracle) (Set, error) {
	lastSet.Lock()
	s, ok := lastSet.s, sameOracles(lastSet.os, os)
	lastSet.Unlock()
	if !ok {
		var err error
		if s, err = newSet(os); err != nil {
			return Set{}, err
		}
		lastSet.Lock()
		lastSet.os, lastSet.s = slices.Clone(os), s
		lastSet.Unlock()
	}
	s.w = w
	return s, nil
}

// lastSet is the set NewSet built last, for the oracles os.
var lastSet struct {
	sync.Mutex
	os []Oracle
	s  Set
}

// sameOracles reports whether a and b hold the same oracles in the same
// order: the same dynamic types, comparable, and equal (a pointer the same
// pointer). An oracle that cannot be compared — of such a type, or holding
// such a value in an interface field — is never the same.
func sameOracles(a, b []Oracle) (same bool) {
	if a == nil || len(a) != len(b) {
		return false
	}
	defer func() {
		if recover() != nil { // == met a value it cannot compare
			same = false
		}
	}()
	for i := range a {
		t := reflect.TypeOf(a[i])
		if t != reflect.TypeOf(b[i]) || !t.Comparable() || a[i] != b[i] {
			return false
		}
	}
	return true
}

// newSet builds the set of os, without a world.
func newSet(os []Oracle) (Set, error) {
	var s Set
	// The infos share one array, and each hook's list is allocated once,
	// at its size.
	infos := make([]OracleInfo, len(os))
	var n [6]int // event, recv, load, flow, finish, kept
	for i, o := range os {
		if o == nil {
			return Set{}, fmt.Errorf("observe: oracle %d is nil", i)
		}
		info := o.Info()
		info.Reqs = slices.Clone(info.Reqs)
		switch {
		case info.Name == "":
			return Set{}, fmt.Errorf("observe: oracle %d (%T) has no name", i, o)
		case slices.ContainsFunc(infos[:i], func(x OracleInfo) bool { return x.Name == info.Name }):
			return Set{}, fmt.Errorf("observe: oracle %s given twice", info.Name)
		case !hasHook(o):
			return Set{}, fmt.Errorf("observe: oracle %s runs at no hook", info.Name)
		}
		infos[i] = info
		if _, ok := o.(StateHasher); ok {
			if _, ok := o.(PerEventOracle); ok {
				// A search leaves a per-event oracle out of the steps it
				// replays, and what this one keeps would then depend on it.
				return Set{}, fmt.Errorf("observe: oracle %s keeps state (StateHasher) and says it judges every event on its own (PerEventOracle)", info.Name)
			}
			n[5]++
		} else if !holdsNothing(o) {
			s.unhashed = true
		}
		for h, ok := range hookKinds(o) {
			if ok {
				n[h]++
			}
		}
	}
	s.event, s.recv, s.load = make([]hooked[EventOracle], 0, n[0]), make([]hooked[ReceivedOracle], 0, n[1]), make([]hooked[LoadOracle], 0, n[2])
	s.flow, s.finish, s.kept = make([]hooked[FlowOracle], 0, n[3]), make([]hooked[FinishOracle], 0, n[4]), make([]StateHasher, 0, n[5])
	for i, o := range os {
		info := &infos[i]
		if x, ok := o.(StateHasher); ok {
			s.kept = append(s.kept, x)
		}
		if x, ok := o.(EventOracle); ok {
			s.event = append(s.event, hooked[EventOracle]{x, info})
		}
		if x, ok := o.(ReceivedOracle); ok {
			s.recv = append(s.recv, hooked[ReceivedOracle]{x, info})
		}
		if x, ok := o.(LoadOracle); ok {
			s.load = append(s.load, hooked[LoadOracle]{x, info})
		}
		if x, ok := o.(FlowOracle); ok {
			s.flow = append(s.flow, hooked[FlowOracle]{x, info})
		}
		if x, ok := o.(FinishOracle); ok {
			s.finish = append(s.finish, hooked[FinishOracle]{x, info})
		}
	}
	return s, nil
}

// Runs reports whether any oracle of the set runs at hook h: the world
// gathers a hook's observations only then.
func (s *Set) Runs(h Hook) bool {
	switch h {
	case HookEvent:
		return len(s.event) > 0
	case HookReceived:
		return len(s.recv) > 0
	case HookRejectedLoad:
		return len(s.load) > 0
	case HookFlowEnd:
		return len(s.flow) > 0
	case HookFinish:
		return len(s.finish) > 0
	}
	return false
}

// EventsPerEvent reports whether every event oracle of the set is a
// PerEventOracle (true when there are none).
func (s *Set) EventsPerEvent() bool {
	for _, o := range s.event {
		if _, ok := o.o.(PerEventOracle); !ok {
			return false
		}
	}
	return true
}

// EventsMemberwise reports whether every event oracle of the set is a
// MemberwiseOracle (true when there are none).
func (s *Set) EventsMemberwise() bool {
	for _, o := range s.event {
		if _, ok := o.o.(MemberwiseOracle); !ok {
			return false
		}
	}
	return true
}

// holdsNothing reports whether o's value can hold no state: a struct
// without fields (or another type of size zero), or a pointer to one.
func holdsNothing(o Oracle) bool {
	t := reflect.TypeOf(o)
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Size() == 0
}

// StateHash hashes what the set's oracles keep of their own from one hook
// to the next: nothing for an oracle that holds nothing, its StateHash for
// a StateHasher. ok is false when an oracle holds something it does not
// hash: then two worlds in the same state may judge a step differently.
func (s *Set) StateHash() (uint64, bool) {
	if s.unhashed {
		return 0, false
	}
	h := deephash.Mix(0, uint64(len(s.kept)))
	for _, o := range s.kept {
		h = deephash.Mix(h, o.StateHash())
	}
	return h, true
}

// MemberView returns the view of member vf of the named host; dev is the
// member (nil when absent).
func (s *Set) MemberView(host string, vf int, dev member.Device) MemberView {
	return MemberView{Host: host, VF: vf, dev: dev, w: s.w}
}

// MemberChange records member vf of the named host before an event: its
// status and, when capture is set, its context digest (a digest is costly:
// the world captures it only where an oracle may compare it).
func (s *Set) MemberChange(host string, vf int, dev member.Device, capture bool) MemberChange {
	c := MemberChange{MemberView: s.MemberView(host, vf, dev), Before: dev.Status()}
	if capture {
		c.before, c.captured = dev.ContextDigest(), true
	}
	return c
}

// Event runs the event oracles on p, in the order the set was given them.
func (s *Set) Event(p *EventPass) {
	p.w = s.w
	for _, o := range s.event {
		p.info = o.info
		o.o.CheckEvent(p)
	}
}

// Received runs the received oracles on p.
func (s *Set) Received(p *ReceivedPass) {
	p.w = s.w
	for _, o := range s.recv {
		p.info = o.info
		o.o.CheckReceived(p)
	}
}

// RejectedLoad runs the load oracles on p.
func (s *Set) RejectedLoad(p *LoadPass) {
	p.w = s.w
	for _, o := range s.load {
		p.info = o.info
		o.o.CheckRejectedLoad(p)
	}
}

// FlowEnd runs the flow oracles on p.
func (s *Set) FlowEnd(p *FlowPass) {
	p.w = s.w
	for _, o := range s.flow {
		p.info = o.info
		o.o.CheckFlowEnd(p)
	}
}

// Finish runs the finish oracles on p.
func (s *Set) Finish(p *FinishPass) {
	p.w = s.w
	for _, o := range s.finish {
		p.info = o.info
		o.o.CheckFinish(p)
	}
}
