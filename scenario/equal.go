package scenario

import (
	"reflect"
	"slices"
)

// Clone returns a deep copy of s: programs, operations and arguments are
// new slices, so the copy can be edited (a scenario reducer drops actors
// and operations from it) without touching s.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Explain = slices.Clone(s.Explain)
	c.Requirements = slices.Clone(s.Requirements)
	c.RequirementPos = slices.Clone(s.RequirementPos)
	c.Settings = slices.Clone(s.Settings)
	c.Actors = make([]*Program, len(s.Actors))
	for i, a := range s.Actors {
		p := *a
		p.Args = slices.Clone(a.Args)
		p.Ops = make([]Op, len(a.Ops))
		for j, op := range a.Ops {
			op.Args = slices.Clone(op.Args)
			p.Ops[j] = op
		}
		c.Actors[i] = &p
	}
	c.Expect = make([]Expectation, len(s.Expect))
	for i, e := range s.Expect {
		e.Knobs = slices.Clone(e.Knobs)
		e.KnobCols = slices.Clone(e.KnobCols)
		e.Settings = slices.Clone(e.Settings)
		c.Expect[i] = e
	}
	c.Explore = slices.Clone(s.Explore)
	return &c
}

// stripped is a copy of s without what a print and parse changes: where it
// was read from, its bytes and every position.
func (s *Scenario) stripped() *Scenario {
	c := s.Clone()
	c.File, c.Source, c.SourceHash, c.Hash = "", "", "", ""
	c.RequirementPos = nil
	stripArgs(c.Settings)
	for _, a := range c.Actors {
		a.Line, a.NameCol = 0, 0
		stripArgs(a.Args)
		for j := range a.Ops {
			a.Ops[j].Line, a.Ops[j].Col = 0, 0
			stripArgs(a.Ops[j].Args)
		}
	}
	for i := range c.Expect {
		c.Expect[i].Line, c.Expect[i].OracleCol, c.Expect[i].ProofCol, c.Expect[i].KnobCols = 0, 0, 0, nil
		stripArgs(c.Expect[i].Settings)
	}
	for i := range c.Explore {
		c.Explore[i].Line = 0
	}
	normalizeEmpty(c)
	return c
}

func stripArgs(args []Arg) {
	for i := range args {
		args[i].Pos = Pos{}
	}
}

// normalizeEmpty makes empty slices nil, so a scenario built in code
// compares equal to its parsed print.
func normalizeEmpty(c *Scenario) {
	if len(c.Explain) == 0 {
		c.Explain = nil
	}
	if len(c.Requirements) == 0 {
		c.Requirements = nil
	}
	if len(c.Settings) == 0 {
		c.Settings = nil
	}
	for _, a := range c.Actors {
		if len(a.Args) == 0 {
			a.Args = nil
		}
		for j := range a.Ops {
			if len(a.Ops[j].Args) == 0 {
				a.Ops[j].Args = nil
			}
		}
	}
	for i := range c.Expect {
		if len(c.Expect[i].Knobs) == 0 {
			c.Expect[i].Knobs = nil
		}
		if len(c.Expect[i].Settings) == 0 {
			c.Expect[i].Settings = nil
		}
	}
	if len(c.Expect) == 0 {
		c.Expect = nil
	}
	if len(c.Explore) == 0 {
		c.Explore = nil
	}
}

// Equal reports whether a and b are the same scenario: equal in every
// field but where they were read from (File, Source, SourceHash) and the
// positions of their lines and words. A scenario and the parse of its
// Format output are Equal.
func Equal(a, b *Scenario) bool {
	return reflect.DeepEqual(a.stripped(), b.stripped())
}
