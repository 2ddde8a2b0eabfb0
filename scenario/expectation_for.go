package scenario

import (
	"slices"

	"github.com/migsim/migsim/spec"
)

// ExpectationFor returns the expect line of s that judges a run under
// edition ed with the rules its knobs give and settings (key=value, in any
// order): the line of that edition whose knobs give the same
// rules (defaults spelled out or not) and whose settings are the same. nil
// when no line does.
func (s *Scenario) ExpectationFor(ed spec.Edition, want spec.Rules, settings []string) *Expectation {
	if s == nil {
		return nil
	}
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
		if slices.Equal(slices.Sorted(slices.Values(set)), slices.Sorted(slices.Values(settings))) {
			return e
		}
	}
	return nil
}
