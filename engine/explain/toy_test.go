package explain

import (
	"github.com/migsim/migsim/engine"
)

// toyInstr is one step of a toy actor: 'r' reads variable v, 'w' writes
// what it read plus one to v (a lost update when v changed since the
// read), 'n' is noise that touches nothing shared, 'c' offers two steps
// at once (labels[0] and labels[1]), each writing v.
type toyInstr struct {
	op     byte
	v      engine.Resource
	labels [2]string
}

// toySys runs toy actors over shared variables; with end set, every run
// that completes fails the "end" oracle.
type toySys struct {
	names []string
	progs [][]toyInstr
	pc    []int
	local []int
	vars  map[engine.Resource]int
	end   bool
}

// toyFactory builds fresh toy systems of the named programs.
func toyFactory(end bool, names []string, progs ...[]toyInstr) engine.Factory {
	return func(engine.Streams) (engine.System, error) {
		return &toySys{names: names, progs: progs, pc: make([]int, len(progs)), local: make([]int, len(progs)),
			vars: map[engine.Resource]int{}, end: end}, nil
	}
}

func (s *toySys) Enabled(buf []engine.Step) []engine.Step {
	for a, p := range s.progs {
		if s.pc[a] >= len(p) {
			continue
		}
		in := p[s.pc[a]]
		var fp engine.Footprint
		switch in.op {
		case 'r':
			fp = engine.Reads(in.v)
		case 'w', 'c':
			fp = engine.Writes(in.v)
		}
		buf = append(buf, engine.Step{Actor: a, ID: 0, Label: in.labels[0], Footprint: fp})
		if in.op == 'c' {
			buf = append(buf, engine.Step{Actor: a, ID: 1, Label: in.labels[1], Footprint: fp})
		}
	}
	return buf
}

func (s *toySys) Execute(st engine.Step) *engine.Finding {
	a := st.Actor
	in := s.progs[a][s.pc[a]]
	s.pc[a]++
	switch in.op {
	case 'r':
		s.local[a] = s.vars[in.v]
	case 'w':
		old := s.vars[in.v]
		s.vars[in.v] = s.local[a] + 1
		if old != s.local[a] {
			return &engine.Finding{Oracle: "lost-update", Message: s.names[a] + " wrote over an update"}
		}
	case 'c':
		s.vars[in.v] = 10 + st.ID
	}
	return nil
}

func (s *toySys) NextTimer() (engine.VTime, bool) { return 0, false }
func (s *toySys) Advance(engine.VTime)            {}
func (s *toySys) ActorName(a int) string          { return s.names[a] }

func (s *toySys) Done() bool {
	for a, p := range s.progs {
		if s.pc[a] < len(p) {
			return false
		}
	}
	return true
}

func (s *toySys) Finish() *engine.Finding {
	if s.end {
		return &engine.Finding{Oracle: "end", Message: "toy: reached the end"}
	}
	return nil
}

// racer reads and writes the counter; noise pokes n times.
func racer(name string) []toyInstr {
	return []toyInstr{{op: 'r', labels: [2]string{name + ":read counter"}}, {op: 'w', labels: [2]string{name + ":write counter"}}}
}

func noise(n int) []toyInstr {
	var p []toyInstr
	for range n {
		p = append(p, toyInstr{op: 'n', labels: [2]string{"noise:poke"}})
	}
	return p
}

// lostUpdate is two racers and a noise actor of two pokes.
var lostUpdate = toyFactory(false, []string{"racer0", "racer1", "noise"}, racer("racer0"), racer("racer1"), noise(2))

// choiceLabels lists cs's labels.
func choiceLabels(cs []engine.Choice) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.Label)
	}
	return out
}
