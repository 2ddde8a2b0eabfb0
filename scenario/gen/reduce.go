package gen

import "github.com/migsim/migsim/scenario"

// Reduce shrinks s while holds keeps reporting true: it drops whole
// actors, then single operations, then settings and expectations, one at a
// time, keeping each drop that holds, until none does. holds must reject a
// candidate that is not a valid scenario (scenario.Check) and must not
// modify it. s itself is not changed.
func Reduce(s *scenario.Scenario, holds func(*scenario.Scenario) bool) *scenario.Scenario {
	cur := s.Clone()
	for changed := true; changed; {
		changed = false
		for _, cand := range candidates(cur) {
			if holds(cand) {
				cand.Hash = scenario.CanonicalHash(cand)
				cur, changed = cand, true
				break
			}
		}
	}
	return cur
}

// candidates are the scenarios one drop away from s, biggest drops first.
func candidates(s *scenario.Scenario) []*scenario.Scenario {
	var out []*scenario.Scenario
	for i := range s.Actors {
		c := s.Clone()
		c.Actors = append(c.Actors[:i], c.Actors[i+1:]...)
		out = append(out, c)
	}
	for i, a := range s.Actors {
		if len(a.Ops) <= 1 {
			continue
		}
		for j := range a.Ops {
			c := s.Clone()
			p := c.Actors[i]
			p.Ops = append(p.Ops[:j], p.Ops[j+1:]...)
			out = append(out, c)
		}
	}
	for i := range s.Settings {
		c := s.Clone()
		c.Settings = append(c.Settings[:i], c.Settings[i+1:]...)
		out = append(out, c)
	}
	if len(s.Expect) > 1 {
		for i := range s.Expect {
			c := s.Clone()
			c.Expect = append(c.Expect[:i], c.Expect[i+1:]...)
			out = append(out, c)
		}
	}
	return out
}
