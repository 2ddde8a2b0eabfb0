package questionsdoc

import (
	"cmp"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Path is where the rendered question catalog lives, relative to the
// module root.
const Path = "docs/questions.md"

// Render renders docs/questions.md from scenarios: every scenario
// that answers a seed question (Question > 0), grouped by question, then
// every other scenario that explains itself (coverage and compatibility
// scenarios), with its expected verdict per edition and knob set, the
// oracles and requirements involved, the explanation, the explorations
// that judge it and the replay command of each counterexample (the
// regression schedule the judge writes under catalog.RegressDir).
func Render(scenarios []*scenario.Scenario) string {
	return RenderFrom(scenarios, nil)
}

// RenderFrom is Render with the regression schedules read from regress
// (the directory catalog.RegressDir; nil for none): every
// counterexample then shows its finding's impact (guest-visible,
// rule-only, flow-error) and requirement IDs as the judge recorded them.
func RenderFrom(scenarios []*scenario.Scenario, regress fs.FS) string {
	var qs, others, net []*scenario.Scenario
	for _, s := range scenarios {
		switch {
		case s.Question > 0:
			qs = append(qs, s)
		case len(s.Explain) > 0 && isNetScenario(s):
			net = append(net, s)
		case len(s.Explain) > 0:
			others = append(others, s)
		}
	}
	catalog.SortScenarios(qs)
	catalog.SortScenarios(others)
	catalog.SortScenarios(net)
	var b strings.Builder
	b.WriteString(questionsDocIntro)
	writeSummary(&b, append(append(append([]*scenario.Scenario{}, qs...), others...), net...), regress)
	for i, s := range qs {
		if i == 0 || qs[i-1].Question != s.Question {
			fmt.Fprintf(&b, "\n## Question %d\n", s.Question)
		}
		writeQuestion(&b, s, regress)
	}
	if len(others) > 0 {
		b.WriteString("\n## Beyond the seed questions\n\nScenarios that answer no seed question: paths the " +
			"questions do not reach (commands a device must refuse) and migration compatibility.\n")
		for _, s := range others {
			writeQuestion(&b, s, regress)
		}
	}
	if len(net) > 0 {
		b.WriteString(netSectionIntro)
		for _, s := range net {
			writeQuestion(&b, s, regress)
		}
	}
	return b.String()
}

// isNetScenario reports whether a scenario runs virtio-net VFs (`set
// vf-device=net`): its rows go to the virtio-net section.
func isNetScenario(s *scenario.Scenario) bool { return scenario.VFDevice(s.Settings) == "net" }

const netSectionIntro = `
## virtio-net

Scenarios of virtio-net VFs (` + "`set vf-device=net`" + `, docs/net.md): frames that keep arriving while
the VF is stopped, link changes, control commands and transmits in flight at the stop, the 0x200
control-queue parts, announce and multiqueue across a migration, and the compatibility of queue
pairs. The guest runs the net driver (guest/net); a peer plays the network (rx, link, announce). The
` + "`wire`" + ` oracle judges the network's records: every frame the guest transmitted on the wire
once, received frames delivered at most once and in order, every frame that arrived accounted for.
`

const questionsDocIntro = `# The seed questions

<!-- Generated from catalog/scenarios/*.scn by questionsdoc.Render (catalog/questionsdoc).
     Do not edit: change the scenario, then run
     go test ./catalog/questionsdoc -run TestDoc -rewrite -->

Each question of the seed thread (the 2023 virtio-comment discussion of the device migration
commands) is a scenario in catalog/scenarios/, run under both editions and under the knob values
that matter. ` + "`go run ./cmd/migsim run`" + ` judges every row below
and exits 1 if a verdict differs from its expectation.

Verdicts: **pass** — no oracle fired within the stated explorations; **violation ORACLE** — the
named oracle fired, and no other; **error NAME** — the hypervisor's flow stopped with that named
error, with no hang; **n/a WORD** — the edition lacks WORD (a verb or a mode the scenario's flow
uses): the judge runs the row and checks that the flow stops on that operation, so a row that runs
under the edition is a mismatch. A violation or error row comes with a shrunk counterexample: a
schedule file under ` + "`" + catalog.RegressDir + "`" + ` that replays byte for byte (` + "`migsim replay --explain FILE`" + `
names the orderings of two steps its finding needs: with the two reversed, the finding goes;
docs/engine.md, "Explaining"). Knobs not shown have the edition's default (` + "`migsim spec`" + ` lists
them).

Every row is judged by the scenario's own budget and the same number of schedules under the
other sampling strategy (random for pct, pct for random and dfs); when neither finds anything,
any row of a random or pct line, whatever it expects, is then proved (dfs at preemption bound 2
with state pruning, and bound 0 when that budget does not exhaust bound 2 and found nothing), so
that a violation the search reaches is the row's verdict under any expectation. Each exploration
runs to its end: the row matches only when every one gives the expected verdict and nothing else.

The impact of a violation or error row (the summary's last column, and each counterexample) is
decided from its shrunk run: **guest-visible** when the guest could tell (the transparent or live
oracle judged damage, also when the run goes on past the rule that broke first), **rule-only** when
a rule broke and the guest could not tell in that run, **flow-error** when the migration stopped
with a named error, **step-bound** when the run did not end within its step bound (docs/oracles.md,
"Impact of a finding"). Each counterexample names the
requirements its run involved, by what the host observed of it: the device's requirements the
run touched and the driver rules it broke, less the device requirements a broken driver MUST
explains on the members it concerns (docs/oracles.md, the end of "Impact of a finding").
`

func writeSummary(b *strings.Builder, qs []*scenario.Scenario, regress fs.FS) {
	b.WriteString("\n## Summary\n\n| # | scenario | edition | knobs | expected | impact |\n|---|---|---|---|---|---|\n")
	for _, s := range qs {
		q := "—"
		if s.Question > 0 {
			q = fmt.Sprint(s.Question)
		}
		for _, e := range s.Expect {
			impact := ""
			if f := recordedFinding(regress, s, e); f != nil {
				impact = f.Impact
			}
			fmt.Fprintf(b, "| %s | [%s](#%s) | %s | %s | %s | %s |\n", q, s.Name, s.Name, e.Edition,
				orDash(rowKnobs(e)), catalog.VerdictText(e.Verdict, e.Oracle), orDash(impact))
		}
	}
}

func writeQuestion(b *strings.Builder, s *scenario.Scenario, regress fs.FS) {
	fmt.Fprintf(b, "\n### %s\n\n**%s** (`%s`)\n\n", s.Name, mdEscape(s.Title), path.Base(s.File))
	b.WriteString("| edition | knobs | expected | oracle / error | note |\n|---|---|---|---|---|\n")
	for _, e := range s.Expect {
		what := orDash(e.Oracle)
		if e.Verdict == scenario.VerdictNA {
			what = "lacks `" + e.Oracle + "`"
		}
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", e.Edition, orDash(rowKnobs(e)), e.Verdict,
			what, orDash(mdEscape(e.Note)))
	}
	if len(s.Explain) > 0 {
		fmt.Fprintf(b, "\n**Why.** %s\n", mdEscape(strings.Join(s.Explain, " ")))
	}
	if oracles := scenarioOracles(s); len(oracles) > 0 {
		b.WriteString("\n**Oracles.**\n")
		for _, o := range oracles {
			if m, ok := oracle.Lookup(o); ok {
				fmt.Fprintf(b, "- [`%s`](oracles.md#%s): %s.\n", o, o, m.Info().Doc)
			} else {
				fmt.Fprintf(b, "- `%s`: the flow stops with this named error.\n", o)
			}
		}
	}
	b.WriteString(spec.RequirementsSection(s.Requirements))
	b.WriteString("\n**Exploration.**\n")
	for _, ed := range scenarioEditions(s) {
		fmt.Fprintf(b, "- %s: %s.\n", ed, explorationText(s, ed))
	}
	var replays []string
	for _, e := range s.Expect {
		if e.Verdict != scenario.VerdictViolation && e.Verdict != scenario.VerdictError {
			continue
		}
		name := catalog.RegressName(s.Name, e.Edition, regressKnobs(e), catalog.SettingStrings(e.Settings))
		knobs := rowKnobs(e)
		if knobs == "" {
			knobs = "defaults"
		}
		line := fmt.Sprintf("- %s %s: `go run ./cmd/migsim replay %s/%s`", e.Edition, knobs, catalog.RegressDir, name)
		if f := recordedFinding(regress, s, e); f != nil {
			line += impactDoc(f)
		}
		replays = append(replays, line)
	}
	if len(replays) > 0 {
		b.WriteString("\n**Counterexamples** (shrunk; regenerate with `" + catalog.RegenerateCommand + "`).\n")
		b.WriteString(strings.Join(replays, "\n") + "\n")
	}
}

// recordedFinding returns the finding of an expectation's regression
// schedule in regress, nil when there is none or it cannot be read (the
// regression tests report those).
func recordedFinding(regress fs.FS, s *scenario.Scenario, e scenario.Expectation) *engine.Finding {
	if regress == nil || (e.Verdict != scenario.VerdictViolation && e.Verdict != scenario.VerdictError) {
		return nil
	}
	b, err := fs.ReadFile(regress, catalog.RegressName(s.Name, e.Edition, regressKnobs(e), catalog.SettingStrings(e.Settings)))
	if err != nil {
		return nil
	}
	sc, err := schedfile.Parse(b)
	if err != nil {
		return nil
	}
	return sc.Finding
}

// impactDoc renders a counterexample's impact and requirement IDs.
func impactDoc(f *engine.Finding) string {
	if f.Impact == "" {
		return ""
	}
	s := fmt.Sprintf(" — impact **%s**", f.Impact)
	if f.ImpactWhy != "" {
		s += ": " + mdEscape(f.ImpactWhy)
	}
	if len(f.Reqs) > 0 {
		s += "; requirements " + f.ReqsText()
	} else {
		s += "; no requirement"
	}
	return s
}

// rowKnobs renders an expectation's knobs and set: settings as written.
func rowKnobs(e scenario.Expectation) string {
	parts := append([]string{}, e.Knobs...)
	for _, a := range e.Settings {
		parts = append(parts, "set:"+a.Key+"="+a.Value)
	}
	for i, p := range parts {
		parts[i] = "`" + p + "`"
	}
	return strings.Join(parts, " ")
}

// regressKnobs are the knobs of an expectation as the judge names its
// regression file: those that differ from the edition's defaults, sorted.
func regressKnobs(e scenario.Expectation) []string {
	r, err := spec.ParseRules(e.Edition, e.Knobs)
	if err != nil {
		return e.Knobs
	}
	return r.Diff(e.Edition)
}

// scenarioOracles lists the oracles and error names the scenario's
// expectations name, sorted.
func scenarioOracles(s *scenario.Scenario) []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range s.Expect {
		if e.Verdict == scenario.VerdictNA {
			continue
		}
		if e.Oracle != "" && !seen[e.Oracle] {
			seen[e.Oracle] = true
			out = append(out, e.Oracle)
		}
	}
	sort.Strings(out)
	return out
}

// scenarioEditions lists the editions the scenario runs (expectations other
// than n/a), in edition order.
func scenarioEditions(s *scenario.Scenario) []spec.Edition {
	var out []spec.Edition
	for _, ed := range spec.Editions {
		for _, e := range s.Expect {
			if e.Edition == ed && e.Verdict != scenario.VerdictNA {
				out = append(out, ed)
				break
			}
		}
	}
	return out
}

// explorationText describes how the rows of one edition are explored: the
// scenario's budget, its cross-check and the proof that follows when
// neither finds anything (RowBudgets), each named once.
func explorationText(s *scenario.Scenario, ed spec.Edition) string {
	b := s.BudgetFor(ed)
	text := BudgetText(b) + "; cross-checked with " + BudgetText(catalog.CrossBudget(b))
	if proof, ok := catalog.ProofBudget(b); ok {
		text += "; when neither finds anything, the proof (exhaustive when the run budget suffices): " + BudgetText(proof)
	}
	for _, e := range s.Expect {
		if e.Edition == ed && e.Verdict == scenario.VerdictPass && (e.Proof > 0 || e.ProofBound > 0) {
			if proof, ok := catalog.ProofBudget(s.RowBudget(e)); ok {
				text += fmt.Sprintf("; the pass row of line %d (%s) has its own proof: %s", e.Line, cmp.Or(rowKnobs(e), "defaults"), BudgetText(proof))
			}
		}
	}
	return text
}

// BudgetText describes an exploration budget as the page names it.
func BudgetText(b scenario.Budget) string {
	s := fmt.Sprintf("%s, %s, seed %d", b.Strategy, plural.Count(b.Schedules, "schedule"), b.Seed)
	switch b.Strategy {
	case engine.StrategyDFS:
		s = fmt.Sprintf("dfs, run budget %d, preemption bound %d", b.Schedules, b.Bound)
		if b.Bound < 0 {
			s = fmt.Sprintf("dfs, run budget %d, no preemption bound", b.Schedules)
		}
		switch b.Reduction {
		case "":
		case "states":
			s += ", sleep sets with state pruning"
		default:
			s += ", reduction " + b.Reduction
		}
	case engine.StrategyPCT:
		s += fmt.Sprintf(", depth %d", b.Depth)
	}
	return s
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// mdEscape keeps free text from breaking a Markdown table row.
func mdEscape(s string) string {
	return strings.ReplaceAll(s, "|", `\|`)
}
