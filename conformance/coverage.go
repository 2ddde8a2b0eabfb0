package conformance

import (
	"github.com/migsim/migsim/conformance/coverage"
	"github.com/migsim/migsim/conformance/devicetest"
	"github.com/migsim/migsim/spec"
)

// Coverage is which units of the kit exercise which requirement (package
// conformance/coverage).
type Coverage = coverage.Coverage

// StaticCoverage computes the coverage from the device test table and the
// embedded catalog, without running anything.
func StaticCoverage() (Coverage, error) {
	cov := Coverage{Tests: map[string][]string{}, Rows: map[string][]string{}}
	for _, e := range spec.Editions {
		for _, dt := range devicetest.All() {
			if !dt.AppliesTo(e) {
				continue
			}
			for _, id := range applying(dt.Requirements(), e) {
				cov.Tests[id] = append(cov.Tests[id], dt.Unit(e))
			}
		}
	}
	rows, err := catalogRows()
	if err != nil {
		return Coverage{}, err
	}
	for _, r := range rows {
		for _, id := range r.requirements() {
			cov.Rows[id] = append(cov.Rows[id], r.name())
		}
	}
	return cov, nil
}

// CoverageDoc renders the requirement coverage matrix of
// docs/conformance.md (coverage.Doc).
func CoverageDoc(c Coverage) string { return coverage.Doc(c) }
