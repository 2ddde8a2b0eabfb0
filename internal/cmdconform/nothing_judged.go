package cmdconform

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/internal/plural"
)

// nothingJudged says why the report judged no requirement (none has the
// verdict pass, fail or warn), or "" when it judged one: the selection has
// no unit, every unit was skipped (with the reasons), or the units that
// ran exercise no requirement, or none that could be judged, which it
// says per --scenario (scenarios) when there are any. A run that judges
// nothing is not a pass: migsim conform exits 2 on it, as migsim run does
// on a selection with nothing to judge.
func nothingJudged(rep *conformance.Report, scenarios []conformance.SelectedScenario) string {
	if rep.Judged.Judged > 0 {
		return ""
	}
	var reasons []string
	var ran []string
	for _, u := range rep.Units {
		if u.Verdict != "skip" {
			ran = append(ran, u.Name)
			continue
		}
		if !slices.Contains(reasons, u.Reason) {
			reasons = append(reasons, u.Reason)
		}
	}
	switch {
	case len(rep.Units) == 0:
		return "the selection (--parts, --scenario, --spec) has no unit for " + rep.Device
	case len(ran) == 0:
		return fmt.Sprintf("every unit (%d) was skipped: %s", len(rep.Units), strings.Join(reasons, "; "))
	}
	var whys []string
	for _, n := range scenarios {
		whys = append(whys, fmt.Sprintf("--scenario %s: %s", n.Arg, scenarioUnjudged(rep, n.Scenario.Name)))
	}
	if len(whys) == 0 {
		could, why := unjudged(rep, func(*conformance.Unit) bool { return true })
		if len(could) == 0 {
			why = "they exercise no requirement"
		}
		whys = append(whys, why)
	}
	return fmt.Sprintf("%s ran (%s) and judged no requirement; %s", plural.Count(len(ran), "unit"), strings.Join(ran, ", "), strings.Join(whys, "; "))
}

// scenarioUnjudged says, for a scenario (of the catalog or a file) whose rows the run
// selected, which requirements its rows could judge (those they exercise)
// and why none was judged, or "" when one was.
func scenarioUnjudged(rep *conformance.Report, name string) string {
	could, why := unjudged(rep, func(u *conformance.Unit) bool {
		return u.Kind == "row" && strings.HasPrefix(u.Name, name+"/")
	})
	switch {
	case len(could) == 0:
		return "its rows exercise no requirement: a row judges the requirements its scenario's requirements line names " +
			"and those of the oracle of the violation it expects, and " + name + " names none and expects no violation that names one"
	case why != "":
		return "its rows could judge " + strings.Join(could, " ") + ", and none was: " + why
	}
	return ""
}

// unjudged returns the requirements the units of the report that of
// picks exercise and, when none of them was judged, the verdict and
// reason of each ("" when one was judged, or there are none).
func unjudged(rep *conformance.Report, of func(*conformance.Unit) bool) (could []string, why string) {
	var exercised []string
	for _, u := range rep.Units {
		if of(u) {
			exercised = append(exercised, u.Requirements...)
		}
	}
	judged := false
	var whys []string
	for _, q := range rep.Requirements { // in the spec catalog's order
		if !slices.Contains(exercised, q.ID) {
			continue
		}
		could = append(could, q.ID)
		switch q.Verdict {
		case "pass", "fail", "warn":
			judged = true
		}
		whys = append(whys, fmt.Sprintf("%s %s (%s)", q.ID, q.Verdict, q.Why))
	}
	if judged {
		return could, ""
	}
	return could, strings.Join(whys, "; ")
}
