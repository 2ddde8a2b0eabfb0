package catalog

import (
	"slices"

	"github.com/migsim/migsim/engine"
)

// FirstUnexpected returns the first finding of the row's explorations
// (the scenario's own first) whose oracle is not want, or nil.
func (o Outcome) FirstUnexpected(want string) *engine.Report {
	for i := range o.Runs {
		for _, rep := range o.Runs[i].Explored.Findings {
			if rep.Finding.Oracle != want {
				r := rep
				return &r
			}
		}
	}
	return nil
}

// FoundBy reports whether some exploration of the row found want.
func (o Outcome) FoundBy(want string) bool {
	for i := range o.Runs {
		if slices.Contains(o.Runs[i].Verdicts(), want) {
			return true
		}
	}
	return false
}
