package catalog

import (
	"fmt"
	"path"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// Expectation returns the scenario's expect line that judges t (its
// edition, the rules its knobs give and its settings), nil when there is
// none (knobs or settings no line names).
func (t Target) Expectation() *scenario.Expectation {
	return t.Scenario.ExpectationFor(t.Edition, t.Rules, t.settingTexts())
}

// settingTexts are t's settings as key=value.
func (t Target) settingTexts() []string {
	out := make([]string, 0, len(t.Settings))
	for _, a := range t.Settings {
		out = append(out, a.Key+"="+a.Value)
	}
	return out
}

// ExpectationNote says how finding f, found exploring t, stands to the
// scenario's expect line for t: it is the line's verdict (a row `migsim
// run` judges a match: the finding is the one the scenario documents, not
// a new bug), another verdict, a finding where the line expects pass, or
// there is no line to compare with. The line is named as file:line and as
// written ("expect virtio-1.4 n/a freeze"). "" without a finding.
func (t Target) ExpectationNote(f *engine.Finding) string {
	if f == nil || t.Scenario == nil {
		return ""
	}
	e := t.Expectation()
	if e == nil {
		return fmt.Sprintf("the scenario has no expect line for %s with these knobs and settings: nothing says whether this finding is expected", t.Edition)
	}
	where := fmt.Sprintf("%s:%d (%s)", t.expectFile(), e.Line, expectLineText(e))
	switch {
	case expectedFinding(e, f):
		return "this finding is what the scenario expects for this edition and knobs: " + where
	case e.Verdict == scenario.VerdictPass:
		return "the scenario expects pass for this edition and knobs: " + where + "; this finding contradicts it"
	}
	return "this finding is not what the scenario expects for this edition and knobs: " + where
}

// expectedFinding reports whether f is the verdict e expects: its oracle
// for a violation, its error for an error, the flow stopping on the
// operation the edition lacks (error:n/a:WORD) for `n/a WORD`. A defect
// never is.
func expectedFinding(e *scenario.Expectation, f *engine.Finding) bool {
	if defect(f) != "" {
		return false
	}
	v, name := VerdictOf(f)
	if e.Verdict == scenario.VerdictNA {
		w, ok := strings.CutPrefix(name, "n/a:")
		return v == scenario.VerdictError && ok && (e.Oracle == "" || w == e.Oracle)
	}
	return v == e.Verdict && name == e.Oracle
}

// expectFile is the file of t's scenario as a user finds it: the embedded
// catalog's under catalog/ in the repository, another as it was read.
func (t Target) expectFile() string {
	f := t.Scenario.File
	if Embedded(t.Scenario) && !strings.HasPrefix(f, "catalog/") {
		return path.Join("catalog", f)
	}
	return f
}

// expectLineText renders an expect line without its note: "expect
// virtio-1.4 flr-vs-mode=defer-flr error vf-reset".
func expectLineText(e *scenario.Expectation) string {
	parts := append([]string{"expect", e.Edition.String()}, e.Knobs...)
	for _, a := range e.Settings {
		parts = append(parts, "set:"+a.Key+"="+a.Value)
	}
	return strings.Join(append(parts, VerdictText(e.Verdict, e.Oracle)), " ")
}
