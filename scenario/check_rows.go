package scenario

import (
	"slices"
	"strings"

	"github.com/migsim/migsim/spec"
)

// sameRows reports an expectation that states a row an earlier line
// states already: the same edition, the same knob values once the
// edition's defaults are applied (a knob set to its default names no
// other row) and the same set: settings, leaving out those that restate
// the scenario's own `set` values (Scenario.Overrides). Two such lines judge one
// configuration; one of them is redundant, or, with another verdict,
// always a mismatch, and both would write one regression file.
func (c *checker) sameRows() {
	first := map[string]int{}
	for _, e := range c.s.Expect {
		key, ok := rowKey(c.s, e)
		if !ok {
			continue // a broken line is reported on its own
		}
		if line, dup := first[key]; dup {
			c.addf(Pos{Line: e.Line, Col: 1}, "expect: the row %s is expected already at line %d (each edition, knob set and set: settings once)", rowText(e), line)
			continue
		}
		first[key] = e.Line
	}
}

// sameExplores reports an explore line that gives the budget of an
// edition an earlier line gives already (the same edition=, or none on
// both). BudgetFor takes the first, so the second would never run and the
// scenario would read as explored by both.
func (c *checker) sameExplores() {
	first := map[spec.Edition]int{}
	for _, b := range c.s.Explore {
		if line, dup := first[b.Edition]; dup {
			which := "every edition"
			if b.Edition != 0 {
				which = b.Edition.String()
			}
			c.addf(Pos{Line: b.Line, Col: 1}, "explore: the line for %s is given already at line %d, and only that one runs (one explore line per edition, and one for every edition)", which, line)
			continue
		}
		first[b.Edition] = b.Line
	}
}

// rowKey identifies the configuration an expectation of s judges; false
// when its edition or a knob is unknown.
func rowKey(s *Scenario, e Expectation) (string, bool) {
	if e.Edition == 0 {
		return "", false
	}
	rules, err := spec.ParseRules(e.Edition, e.Knobs)
	if err != nil {
		return "", false
	}
	sets := make([]string, 0, len(e.Settings))
	for _, a := range e.Settings {
		sets = append(sets, a.Key+"="+a.Value)
	}
	sets = s.Overrides(sets)
	slices.Sort(sets)
	return e.Edition.String() + " " + strings.Join(rules.Diff(e.Edition), " ") + " set:" + strings.Join(sets, " set:"), true
}

// rowText names an expectation's row as its line gives it.
func rowText(e Expectation) string {
	parts := append([]string{e.Edition.String()}, e.Knobs...)
	for _, a := range e.Settings {
		parts = append(parts, "set:"+a.Key+"="+a.Value)
	}
	return strings.Join(parts, " ")
}
