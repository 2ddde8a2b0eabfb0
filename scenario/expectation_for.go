package scenario

import (
	"math"
	"slices"
	"strings"

	"github.com/migsim/migsim/spec"
)

// ExpectationFor returns the expect line of s that judges a run under
// edition ed with the rules its knobs give and settings (key=value, in any
// order): the line of that edition whose knobs give the same
// rules (defaults spelled out or not) and whose settings are the same once
// those that restate the scenario's own `set` values are left out
// (Scenario.Overrides). nil when no line does.
func (s *Scenario) ExpectationFor(ed spec.Edition, want spec.Rules, settings []string) *Expectation {
	if s == nil {
		return nil
	}
	settings = slices.Sorted(slices.Values(s.Overrides(settings)))
	for i := range s.Expect {
		e := &s.Expect[i]
		if e.Edition != ed {
			continue
		}
		r, err := spec.ParseRules(ed, e.Knobs)
		if err != nil || r != want {
			continue
		}
		set := make([]string, 0, len(e.Settings))
		for _, a := range e.Settings {
			set = append(set, a.Key+"="+a.Value)
		}
		if slices.Equal(slices.Sorted(slices.Values(s.Overrides(set))), settings) {
			return e
		}
	}
	return nil
}

// Overrides returns the entries of settings (key=value: an expectation's
// set:, the command line's --set) that change the scenario's world, in
// their order: an entry that restates the scenario's own `set` value for
// its key (the same text, or the same number written another way) changes
// nothing and names no other row, as a knob at its edition's default
// names the default row.
func (s *Scenario) Overrides(settings []string) []string {
	out := make([]string, 0, len(settings))
	for _, kv := range settings {
		if !s.restates(kv) {
			out = append(out, kv)
		}
	}
	return out
}

// restates reports whether kv (key=value) is one of the scenario's own
// settings.
func (s *Scenario) restates(kv string) bool {
	for _, a := range s.Settings {
		v, ok := strings.CutPrefix(kv, a.Key+"=")
		if !ok {
			continue
		}
		if v == a.Value {
			return true
		}
		x, okX := ReadNumber(v, math.MinInt64, math.MaxInt64)
		y, okY := ReadNumber(a.Value, math.MinInt64, math.MaxInt64)
		return okX && okY && x == y
	}
	return false
}
