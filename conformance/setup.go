package conformance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest"
)

// checkSetUp is the check of a device test's set-up failure: the device
// failed a step the test needs but does not judge (package devicetest,
// setup.go), so the test's requirement was not reached.
const checkSetUp = devicetest.CheckSetUp

// notReached begins the reason of a requirement whose units could not be
// set up: they never reached it (Judged.NotReached).
const notReached = "not reached: "

// setUpIfOnly gives a failed unit whose every failure is of its set-up
// the verdict "set-up failed": it judged nothing, and says so apart from
// the units that failed a requirement.
func setUpIfOnly(u *Unit) {
	if u.Verdict == verdictFail && len(u.Failures) > 0 &&
		!slices.ContainsFunc(u.Failures, func(f Failure) bool { return f.Check != checkSetUp }) {
		u.Verdict = verdictSetUp
	}
}

// notReachedWhy is why a requirement a unit whose set-up failed exercises
// is not judged: "not reached: UNIT could not be set up (STEP failed)".
func notReachedWhy(u *Unit) string {
	var steps []string
	for _, f := range u.Failures {
		if f.Step != "" && !slices.Contains(steps, f.Step) {
			steps = append(steps, f.Step)
		}
	}
	return fmt.Sprintf("%s%s could not be set up (%s failed)", notReached, u.Name, strings.Join(steps, ", "))
}
