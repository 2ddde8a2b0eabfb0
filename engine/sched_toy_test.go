package engine

import (
	"fmt"
	"strings"
)

// Toy systems for the engine's tests: actors run straight-line programs of
// reads, writes, local computation and sleeps on a shared counter.

type toyOp uint8

const (
	opRead    toyOp = iota + 1 // local ← counter
	opCompute                  // local work, touches nothing shared
	opWrite                    // counter ← local+1; checks for a lost update
	opInc                      // counter++ atomically
	opSleep                    // arm a timer and wait for it
	opNoise                    // touch the actor's own resource
)

const (
	resCounter Resource = 0
)

type toyInstr struct {
	op    toyOp
	label string
	fp    Footprint
	d     VTime
}

type toyActor struct {
	name     string
	prog     []toyInstr
	pc       int
	local    int
	sleeping bool
	wake     VTime
}

type toySys struct {
	actors  []*toyActor
	counter int
	now     VTime
	// panicLabel makes Execute panic when it runs that step while the
	// counter is still zero.
	panicLabel string
	// carried: the panic carries the frames it was raised in, as an
	// actor's body on a coroutine does (carriedPanic).
	carried bool
	// breach: the panic's value is a member's breach (toyBreach).
	breach bool
	// device: the panic's value is a device's failure of this kind
	// (toyDeviceFailure), when set.
	device string
	// advances records, per Advance, how many steps were enabled just
	// before it (the scheduler must only advance when none are).
	advances []int
	// failAtEnd makes Finish report an "end" finding.
	failAtEnd bool
}

// toyConfig describes a toy system.
type toyConfig struct {
	racers   int  // actors doing read-compute-write increments
	incs     int  // increments per racer
	computes int  // compute steps between read and write
	locked   bool // increments are one atomic step (no race)
	noise    int  // steps of an independent noise actor
	sleepers int  // actors alternating work and 10ms sleeps
	sleeps   int  // sleeps per sleeper
	// workload draws the compute count per increment from the workload
	// stream (1..computes) instead of a fixed count.
	workload bool
}

func (c toyConfig) factory() Factory {
	return func(st Streams) (System, error) { return newToy(c, st), nil }
}

func newToy(c toyConfig, st Streams) *toySys {
	s := &toySys{}
	for a := 0; a < c.racers; a++ {
		name := fmt.Sprintf("racer%d", a)
		act := &toyActor{name: name}
		for i := 0; i < c.incs; i++ {
			if c.locked {
				act.prog = append(act.prog, toyInstr{op: opInc, label: name + ":inc counter",
					fp: NewFootprint([]Resource{resCounter}, []Resource{resCounter})})
				continue
			}
			act.prog = append(act.prog, toyInstr{op: opRead, label: name + ":read counter", fp: Reads(resCounter)})
			n := c.computes
			if c.workload && n > 0 {
				n = 1 + st.Workload.IntN(n)
			}
			for j := 0; j < n; j++ {
				act.prog = append(act.prog, toyInstr{op: opCompute, label: name + ":compute"})
			}
			act.prog = append(act.prog, toyInstr{op: opWrite, label: name + ":write counter", fp: Writes(resCounter)})
		}
		s.actors = append(s.actors, act)
	}
	for a := 0; a < c.sleepers; a++ {
		name := fmt.Sprintf("sleeper%d", a)
		act := &toyActor{name: name}
		for i := 0; i < c.sleeps; i++ {
			act.prog = append(act.prog,
				toyInstr{op: opCompute, label: name + ":work"},
				toyInstr{op: opSleep, label: name + ":sleep 10ms", d: VTime(10_000_000 * (a + 1))})
		}
		s.actors = append(s.actors, act)
	}
	if c.noise > 0 {
		name := "noise"
		act := &toyActor{name: name}
		for i := 0; i < c.noise; i++ {
			act.prog = append(act.prog, toyInstr{op: opNoise, label: name + ":poke", fp: Writes(8)})
		}
		s.actors = append(s.actors, act)
	}
	return s
}

func (s *toySys) Enabled(buf []Step) []Step {
	for i, a := range s.actors {
		if a.pc < len(a.prog) && !a.sleeping {
			in := &a.prog[a.pc]
			buf = append(buf, Step{Actor: i, ID: a.pc, Label: in.label, Footprint: in.fp})
		}
	}
	return buf
}

func (s *toySys) Execute(st Step) *Finding {
	a := s.actors[st.Actor]
	in := a.prog[a.pc]
	if in.label == s.panicLabel && s.counter == 0 {
		var v any = "toy: " + in.label + " ran first"
		if s.breach {
			v = toyBreach("toy: " + in.label + " ran first")
		}
		if s.device != "" {
			v = toyDeviceFailure{"toy: " + in.label + " ran first", s.device}
		}
		if s.carried {
			panic(carriedPanic{v})
		}
		panic(v)
	}
	a.pc++
	switch in.op {
	case opRead:
		a.local = s.counter
	case opWrite:
		if old := s.counter; old != a.local {
			s.counter = a.local + 1
			return &Finding{Oracle: "lost-update", Reqs: []string{"TOY-01"}, Actors: []string{a.name},
				Message: fmt.Sprintf("%s wrote %d over %d", a.name, a.local+1, old)}
		}
		s.counter = a.local + 1
	case opInc:
		s.counter++
	case opSleep:
		a.sleeping, a.wake = true, s.now+in.d
	}
	return nil
}

func (s *toySys) NextTimer() (VTime, bool) {
	var t VTime
	ok := false
	for _, a := range s.actors {
		if a.sleeping && (!ok || a.wake < t) {
			t, ok = a.wake, true
		}
	}
	return t, ok
}

func (s *toySys) Advance(now VTime) {
	s.advances = append(s.advances, len(s.Enabled(nil)))
	s.now = now
	for _, a := range s.actors {
		if a.sleeping && a.wake <= now {
			a.sleeping = false
		}
	}
}

func (s *toySys) Done() bool {
	for _, a := range s.actors {
		if a.pc < len(a.prog) || a.sleeping {
			return false
		}
	}
	return true
}

// Finished implements Finisher: the actor ran its whole program.
func (s *toySys) Finished(a int) bool {
	return a < len(s.actors) && s.actors[a].pc >= len(s.actors[a].prog) && !s.actors[a].sleeping
}

func (s *toySys) Finish() *Finding {
	if s.failAtEnd {
		return &Finding{Oracle: "end", Message: "toy: reached the end"}
	}
	return nil
}

func (s *toySys) ActorName(i int) string { return s.actors[i].name }

// lostUpdate is the canonical toy race: two racers, one increment each,
// two compute steps between read and write, and a noise actor.
var lostUpdate = toyConfig{racers: 2, incs: 1, computes: 2, noise: 3}

// choiceLabels renders a choice list for failure messages.
func choiceLabels(cs []Choice) string {
	var b strings.Builder
	for i, c := range cs {
		fmt.Fprintf(&b, "%d:%d %s\n", i, c.Index, c.Label)
	}
	return b.String()
}

// carriedPanic is a panic value that carries the frames it was raised in
// (the engine's stackCarrier), as engine/coro.Panic does.
type carriedPanic struct{ msg any }

func (p carriedPanic) PanicValue() any    { return p.msg }
func (p carriedPanic) PanicStack() string { return "toy.body.helper\ntoy.body" }

// toyBreach is a panic value that says a member broke its contract
// (MemberBreach), as world/guard.ContractError does.
type toyBreach string

func (b toyBreach) Error() string      { return string(b) }
func (toyBreach) BrokeMemberContract() {}

// toyDeviceFailure is a panic value that is a device's failure of a kind
// (DeviceFailure), as conformance/extdevice.Error is.
type toyDeviceFailure struct{ msg, kind string }

func (d toyDeviceFailure) Error() string           { return d.msg }
func (d toyDeviceFailure) DeviceErrorKind() string { return d.kind }
