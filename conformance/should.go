package conformance

import (
	"slices"

	"github.com/migsim/migsim/spec"
)

// SHOULD statements the device does not follow: warnings, not failures.
// A SHOULD leaves the device a choice the spec recommends against (the
// device parts text: a device SHOULD refuse DEV_PARTS_SET while it is not
// stopped, DP-DEV-04), so a unit whose every failure breaks only SHOULD
// requirements has verdict warn, as has such a requirement: the report
// shows them (a warnings section, "Warn" in the requirement table), and
// Report.Failed ignores them. A failure that names a MUST, or names no
// requirement (the device broke the protocol, the contract, or ran
// differently on the same choices), still fails its unit. A warned row's
// run ended at the SHOULD's finding, so, as a failed unit, it is no
// evidence for the other requirements it exercises (notJudged).

// shouldOnly reports whether a failure breaks requirements and all of them
// are SHOULD statements. A failure whose requirements are the row's
// because no check names the one broken (byRow: a deadlock, a device's
// report about itself) is not: nothing says the device broke a SHOULD.
func shouldOnly(f Failure) bool {
	return len(f.Requirements) > 0 && !guessed(f) && !slices.ContainsFunc(f.Requirements, func(id string) bool {
		r, ok := spec.LookupRequirement(id)
		return !ok || r.Level != spec.LevelShould
	})
}

// warnIfShould turns a failed unit whose failures all break only SHOULD
// statements into a warned one.
func warnIfShould(u *Unit) {
	if u.Verdict == verdictFail && len(u.Failures) > 0 && !slices.ContainsFunc(u.Failures, func(f Failure) bool { return !shouldOnly(f) }) {
		u.Verdict = verdictWarn
	}
}

// unmet reports whether a unit's result is a failure or a warning: its
// failures are what it found.
func unmet(v string) bool { return v == verdictFail || v == verdictWarn || v == verdictSetUp }

// guessed reports whether f's requirements are the row's because no check
// names the one broken (byRow): such a failure fails a SHOULD requirement
// it is charged to rather than warning on it.
func guessed(f Failure) bool { return f.Charged == byRow }
