package schedfile

import "github.com/migsim/migsim/engine"

// race is a toy system: two actors each read a shared counter and write it
// back incremented; a lost update is a finding at the end. prefix names
// its steps, so systems with different prefixes diverge at step 0.
type race struct {
	prefix  string
	pc, tmp [2]int
	counter int
	labels  [2][2]string
}

func newRace(prefix string) engine.Factory {
	return func(engine.Streams) (engine.System, error) {
		r := &race{prefix: prefix}
		for a := range r.labels {
			r.labels[a] = [2]string{prefix + string(rune('0'+a)) + ":read", prefix + string(rune('0'+a)) + ":write"}
		}
		return r, nil
	}
}

// lostUpdate is the system the schedules of these tests record;
// otherSystem names its steps differently.
var (
	lostUpdate  = newRace("racer")
	otherSystem = newRace("other")
)

func (r *race) Enabled(buf []engine.Step) []engine.Step {
	for a := range r.pc {
		if r.pc[a] < 2 {
			buf = append(buf, engine.Step{Actor: a, ID: a, Label: r.labels[a][r.pc[a]], Footprint: engine.Writes(0)})
		}
	}
	return buf
}

func (r *race) Execute(s engine.Step) *engine.Finding {
	a := s.ID
	if r.pc[a] == 0 {
		r.tmp[a] = r.counter
	} else {
		r.counter = r.tmp[a] + 1
	}
	r.pc[a]++
	return nil
}

func (r *race) NextTimer() (engine.VTime, bool) { return 0, false }
func (r *race) Advance(engine.VTime)            {}
func (r *race) Done() bool                      { return r.pc == [2]int{2, 2} }
func (r *race) ActorName(a int) string          { return r.prefix + string(rune('0'+a)) }

func (r *race) Finish() *engine.Finding {
	if r.counter != 2 {
		return &engine.Finding{Oracle: "lost-update", Message: "toy: an increment was lost"}
	}
	return nil
}
