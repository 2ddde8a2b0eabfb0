package engine

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/migsim/migsim/internal/runtrace"
)

// Randomly generated toy systems for property tests: a few actors run
// short programs over a few shared variables. Steps read, write, increment
// or check a variable, wait until a variable is non-zero (a step whose
// enabledness depends on shared state), sleep (a timer), or offer two
// alternative steps at once. Every run ends in a finding: "hit" when a
// check sees its target value, "live" on a deadlock, else "end" with the
// final state, so the set of findings of an exploration is the set of
// outcomes it reached.

type propOp uint8

const (
	pRead propOp = iota
	pWrite
	pInc
	pCheck
	pNop
	pSleep
	pWait
	pChoice
	numPropOps
)

type propInstr struct {
	op     propOp
	v, w   int // variables (w: the choice's second target)
	k      int // constant
	labels [2]string
	fps    [2]Footprint
}

type propSys struct {
	progs    [][]propInstr
	names    []string
	pc       []int
	local    []int
	sleeping []bool
	wake     []VTime
	vars     []int
	now      VTime
}

// propGen describes generated systems.
type propGen struct {
	actors, instrs, vars int
	// total bounds the instructions of all actors together (0: 8).
	total int
}

// genProp draws a system description from rng.
func genProp(rng *rand.Rand, g propGen) [][]propInstr {
	res := func(v int) Resource { return Resource(v) }
	progs := make([][]propInstr, 2+rng.IntN(g.actors-1))
	total, most := 0, g.total
	if most == 0 {
		most = 8
	}
	for a := range progs {
		n := 1 + rng.IntN(g.instrs)
		for i := 0; i < n && total < most; i++ {
			total++
			in := propInstr{op: propOp(rng.IntN(int(numPropOps))), v: rng.IntN(g.vars), w: rng.IntN(g.vars), k: 1 + rng.IntN(3)}
			name := fmt.Sprintf("a%d:%d", a, i)
			switch in.op {
			case pRead, pCheck, pWait:
				in.fps[0] = Reads(res(in.v))
			case pWrite:
				in.fps[0] = Writes(res(in.v))
			case pInc:
				in.fps[0] = NewFootprint([]Resource{res(in.v)}, []Resource{res(in.v)})
			case pChoice:
				in.fps[0], in.fps[1] = Writes(res(in.v)), Writes(res(in.w))
				in.labels[1] = fmt.Sprintf("%s choice v%d", name, in.w)
			}
			in.labels[0] = fmt.Sprintf("%s op%d v%d k%d", name, in.op, in.v, in.k)
			progs[a] = append(progs[a], in)
		}
	}
	return progs
}

func newPropSys(progs [][]propInstr, vars int) *propSys {
	s := &propSys{progs: progs, pc: make([]int, len(progs)), local: make([]int, len(progs)),
		sleeping: make([]bool, len(progs)), wake: make([]VTime, len(progs)), vars: make([]int, vars)}
	for a := range progs {
		s.names = append(s.names, fmt.Sprintf("a%d", a))
	}
	return s
}

func propFactory(progs [][]propInstr, vars int) Factory {
	return func(Streams) (System, error) { return newPropSys(progs, vars), nil }
}

func (s *propSys) Enabled(buf []Step) []Step {
	for a, p := range s.progs {
		if s.pc[a] >= len(p) || s.sleeping[a] {
			continue
		}
		in := &p[s.pc[a]]
		if in.op == pWait && s.vars[in.v] == 0 {
			continue
		}
		buf = append(buf, Step{Actor: a, ID: 0, Label: in.labels[0], Footprint: in.fps[0]})
		if in.op == pChoice {
			buf = append(buf, Step{Actor: a, ID: 1, Label: in.labels[1], Footprint: in.fps[1]})
		}
	}
	return buf
}

func (s *propSys) Execute(st Step) *Finding {
	a := st.Actor
	in := &s.progs[a][s.pc[a]]
	s.pc[a]++
	switch in.op {
	case pRead:
		s.local[a] = s.vars[in.v]
	case pWrite:
		s.vars[in.v] = s.local[a]*3 + in.k
	case pInc:
		s.vars[in.v]++
	case pCheck:
		if s.vars[in.v] == in.k {
			return &Finding{Oracle: "hit", Message: fmt.Sprintf("%s saw v%d=%d", s.names[a], in.v, in.k)}
		}
	case pSleep:
		s.sleeping[a], s.wake[a] = true, s.now+VTime(in.k)*1000
	case pChoice:
		v := in.v
		if st.ID == 1 {
			v = in.w
		}
		s.vars[v] = 10 + in.k + st.ID
	}
	return nil
}

func (s *propSys) NextTimer() (VTime, bool) {
	var t VTime
	ok := false
	for a := range s.progs {
		if s.sleeping[a] && (!ok || s.wake[a] < t) {
			t, ok = s.wake[a], true
		}
	}
	return t, ok
}

func (s *propSys) Advance(now VTime) {
	s.now = now
	for a := range s.progs {
		if s.sleeping[a] && s.wake[a] <= now {
			s.sleeping[a] = false
		}
	}
}

// Finished implements Finisher: the actor ran its whole program.
func (s *propSys) Finished(a int) bool { return s.pc[a] >= len(s.progs[a]) && !s.sleeping[a] }

func (s *propSys) Done() bool {
	for a, p := range s.progs {
		if s.pc[a] < len(p) || s.sleeping[a] {
			return false
		}
	}
	return true
}

func (s *propSys) Finish() *Finding {
	return &Finding{Oracle: "end", Message: fmt.Sprintf("vars %v locals %v", s.vars, s.local)}
}

func (s *propSys) ActorName(a int) string { return s.names[a] }

// StateHash hashes everything that decides what the system does next.
func (s *propSys) StateHash() (uint64, bool) {
	h := runtrace.Seed
	for a := range s.progs {
		h = runtrace.Mix(runtrace.Mix(runtrace.Mix(h, uint64(s.pc[a])), uint64(s.local[a])), uint64(s.wake[a]))
		if s.sleeping[a] {
			h = runtrace.Mix(h, 1)
		}
	}
	for _, v := range s.vars {
		h = runtrace.Mix(h, uint64(v))
	}
	return runtrace.Mix(h, uint64(s.now)), true
}

// propString renders a system for failure messages.
func propString(progs [][]propInstr) string {
	var b strings.Builder
	for a, p := range progs {
		fmt.Fprintf(&b, "actor %d:", a)
		for _, in := range p {
			fmt.Fprintf(&b, " [%s %s]", in.labels[0], in.fps[0])
			if in.op == pChoice {
				fmt.Fprintf(&b, "|[%s %s]", in.labels[1], in.fps[1])
			}
		}
		b.WriteByte('\n')
	}
	return b.String()
}
