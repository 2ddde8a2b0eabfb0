package report

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// TargetExpectation returns the scenario's expect line that judges t (its
// edition, the rules its knobs give and its settings), nil when there is
// none (knobs or settings no line names).
func TargetExpectation(t catalog.Target) *scenario.Expectation {
	set := make([]string, 0, len(t.Settings))
	for _, a := range t.Settings {
		set = append(set, a.Key+"="+a.Value)
	}
	return t.Scenario.ExpectationFor(t.Edition, t.Rules, set)
}

// ExpectationNote says how finding f, found exploring t, stands to the
// scenario's expect line for t: it is the line's verdict (a row `migsim
// run` judges a match: the finding is the one the scenario documents, not
// a new bug), another verdict, a finding where the line expects pass, or
// there is no line to compare with. The line is named as file:line and as
// written ("expect virtio-1.4 n/a freeze"). "" without a finding.
func ExpectationNote(t catalog.Target, f *engine.Finding) string {
	if f == nil || t.Scenario == nil {
		return ""
	}
	e := TargetExpectation(t)
	if e == nil {
		return fmt.Sprintf("the scenario has no expect line for %s with these knobs and settings: nothing says whether this finding is expected", t.Edition)
	}
	where := fmt.Sprintf("%s:%d (%s)", t.Scenario.File, e.Line, expectLineText(e))
	switch {
	case expectedFinding(e, f):
		return "this finding is what the scenario expects for this edition and knobs: " + where
	case e.Verdict == scenario.VerdictPass:
		return "the scenario expects pass for this edition and knobs: " + where + "; this finding contradicts it"
	}
	return "this finding is not what the scenario expects for this edition and knobs: " + where
}

// NoFindingNote says how an exploration of t that found nothing stands to
// the scenario's expect line for t: the line expects pass, or it expects a
// verdict this exploration did not find (whether that search was a sample
// or exhaustive, the "no findings" line above it says), or there is no line
// to compare with (an edition, knobs or settings the scenario never
// expects). "" without a scenario.
func NoFindingNote(t catalog.Target) string {
	return noFindingNote(t, "this exploration did not find it")
}

// ShardNoFindingNote is NoFindingNote for a shard of an exploration (of
// more than one): it says what the shard did not find, which another
// shard may have. A shard's summary keeps NoFindingNote's, which the
// merged report prints when no shard found anything.
func ShardNoFindingNote(t catalog.Target) string {
	return noFindingNote(t, "this shard did not find it (another shard may have: migsim merge gives the exploration's answer)")
}

// noFindingNote is NoFindingNote, notFound saying what did not find the
// expected verdict.
func noFindingNote(t catalog.Target, notFound string) string {
	if t.Scenario == nil {
		return ""
	}
	e := TargetExpectation(t)
	if e == nil {
		return fmt.Sprintf("the scenario has no expect line for %s with these knobs and settings: nothing says what this exploration should find", t.Edition)
	}
	where := fmt.Sprintf("%s:%d (%s)", t.Scenario.File, e.Line, expectLineText(e))
	if e.Verdict == scenario.VerdictPass {
		return "the scenario expects pass for this edition and knobs: " + where
	}
	return fmt.Sprintf("the scenario expects %s for this edition and knobs: %s; %s",
		catalog.VerdictText(e.Verdict, e.Oracle), where, notFound)
}

// expectedFinding reports whether f is the verdict e expects: its oracle
// for a violation, its error for an error, the flow stopping on the
// operation the edition lacks (error:n/a:WORD) for `n/a WORD`. A defect
// never is.
func expectedFinding(e *scenario.Expectation, f *engine.Finding) bool {
	switch f.Oracle {
	case catalog.OracleScenario, catalog.OracleReference, engine.OraclePanic:
		return false
	}
	v, name := catalog.VerdictOf(f)
	if e.Verdict == scenario.VerdictNA {
		w, ok := strings.CutPrefix(name, "n/a:")
		return v == scenario.VerdictError && ok && (e.Oracle == "" || w == e.Oracle)
	}
	return v == e.Verdict && name == e.Oracle
}

// expectLineText renders an expect line without its note: "expect
// virtio-1.4 flr-vs-mode=defer-flr error vf-reset".
func expectLineText(e *scenario.Expectation) string {
	parts := append([]string{"expect", e.Edition.String()}, e.Knobs...)
	for _, a := range e.Settings {
		parts = append(parts, "set:"+a.Key+"="+a.Value)
	}
	return strings.Join(append(parts, catalog.VerdictText(e.Verdict, e.Oracle)), " ")
}
