package conformance

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/conformance/devicetest"
	"github.com/migsim/migsim/internal/junit"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/oracle"
)

// Failures that charge no requirement. A unit can fail on what no
// requirement of the catalog states: a device that fails every FLUSH
// makes the guest give up with and without migration alike, which breaks
// basic virtio-blk, not a requirement of the migration (troubleReqs); a
// device that breaks the protocol, faults, is not deterministic or
// changes its own mode was judged on nothing (rows.go); a device test
// whose set-up failed never reached its requirement; a member's EINVAL
// qualifier is bound by none. Such a failure fails the unit and the run
// (Report.Failed), but no requirement's verdict shows it, so every view
// of the report lists it apart, with why it charges none: the text
// report's summary line counts them and its requirement table ends with
// a line of them, the JSON report has them as "uncharged" (and each as
// its failure's "uncharged" reason), JUnit as a failed testcase of the
// requirements suite, and a Go test (Run) as a failed subtest
// "uncharged".

// unchargedName is the requirement table's and JUnit's name of the line
// of failures that charge no requirement: no requirement ID of the
// catalog.
const unchargedName = "(none)"

// unchargedWhy says why f, a failure of a failed unit that names no
// requirement, charges none: the charge's own reason for a catalog row's
// finding (Charge.None), else its check's.
func unchargedWhy(f Failure) string {
	if f.Uncharged != "" {
		return f.Uncharged
	}
	switch f.Check {
	case checkProtocol:
		return "the device broke the protocol: its run was judged on no requirement"
	case checkFault:
		return "the device faulted (it asked for what no device may do): its run was judged on no requirement"
	case checkDeterminism:
		return "the device is not deterministic: a finding of its runs says nothing of the spec"
	case checkContract:
		return noneContract
	case checkOpen:
		return "the device could not be opened: nothing of the unit was judged"
	case checkSetUp:
		return fmt.Sprintf("the test could not be set up (%s failed): its requirement was not reached", f.Step)
	case devicetest.CheckQualifier:
		return "an EINVAL qualifier outside EINVAL's: no requirement binds a member's qualifier"
	case checkGaveUp:
		return "the device fails the guest without any migration: behaviour outside the catalog's requirements"
	}
	if f.Oracle == oracle.GaveUp.Info().Name {
		return noneOutsideCatalog
	}
	return fmt.Sprintf("no requirement of the catalog binds what %s saw", f.Check)
}

// uncharged sets the Uncharged reason of every failure of units' failed
// units (verdict fail or set-up failed) that names no requirement, and
// returns those failures in unit order. Call it once the verdicts are
// final.
func uncharged(units []*Unit) []Failure {
	var out []Failure
	for _, u := range units {
		if !unmet(u.Verdict) || u.Verdict == verdictWarn {
			continue
		}
		for i := range u.Failures {
			f := &u.Failures[i]
			if len(f.Requirements) > 0 {
				f.Uncharged = ""
				continue
			}
			f.Uncharged = unchargedWhy(*f)
			out = append(out, *f)
		}
	}
	return out
}

// unchargedSummary counts the report's failures that charge no
// requirement: "6 failures of 6 units charge no requirement of the
// catalog"; "" when there is none.
func (r *Report) unchargedSummary() string {
	if len(r.Uncharged) == 0 {
		return ""
	}
	var units []string
	for _, f := range r.Uncharged {
		if !slices.Contains(units, f.Row) {
			units = append(units, f.Row)
		}
	}
	verb := "charge"
	if len(r.Uncharged) == 1 {
		verb = "charges"
	}
	return fmt.Sprintf("%s of %s %s no requirement of the catalog",
		plural.Count(len(r.Uncharged), "failure"), plural.Count(len(units), "unit"), verb)
}

// writeUnchargedLine ends the text report's requirement table with the
// failures that charge no requirement: a Fail line named unchargedName
// that counts them, then one line per failure, its unit and why.
func (r *Report) writeUnchargedLine(b *strings.Builder) {
	if len(r.Uncharged) == 0 {
		return
	}
	fmt.Fprintf(b, "%-14s %-6s %-11s %s:\n", unchargedName, "-", "Fail", r.unchargedSummary())
	for _, f := range r.Uncharged {
		fmt.Fprintf(b, "  %s: %s\n", f.Row, f.Uncharged)
	}
}

// junitUncharged is the requirements suite's testcase of the failures
// that charge no requirement (nil when there is none): failed, its
// message the count, its text each failure after why it charges none.
func (r *Report) junitUncharged() *junit.Case {
	if len(r.Uncharged) == 0 {
		return nil
	}
	var text []string
	for _, f := range r.Uncharged {
		text = append(text, "charges no requirement: "+f.Uncharged+"\n"+f.String())
	}
	fl := junit.NewFailure(r.Uncharged[0].Check, text)
	fl.Message = r.unchargedSummary()
	return &junit.Case{Classname: "requirements", Name: unchargedName, Failure: fl,
		SystemOut: "failures of failed units that no requirement of the catalog states; they fail the run all the same"}
}

// reportUncharged tells t the failures that charge no requirement.
func reportUncharged[X T[X]](t X, fs []Failure) {
	t.Helper()
	for _, f := range fs {
		t.Errorf("charges no requirement (%s): %s", f.Uncharged, f)
	}
}
