package catalog

import (
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// QuestionsDocPath is where the rendered question catalog lives, relative
// to the module root.
const QuestionsDocPath = "docs/questions.md"

// QuestionsDoc renders docs/questions.md from scenarios: every scenario
// that answers a seed question (Question > 0), grouped by question, with
// its expected verdict per edition and knob set, the oracles and
// requirements involved, the explanation, the exploration budget and the
// replay command of each counterexample (the regression schedule the judge
// writes under RegressDir).
func QuestionsDoc(scenarios []*scenario.Scenario) string {
	var qs []*scenario.Scenario
	for _, s := range scenarios {
		if s.Question > 0 {
			qs = append(qs, s)
		}
	}
	sortScenarios(qs)
	var b strings.Builder
	b.WriteString(questionsDocIntro)
	writeSummary(&b, qs)
	for i, s := range qs {
		if i == 0 || qs[i-1].Question != s.Question {
			fmt.Fprintf(&b, "\n## Question %d\n", s.Question)
		}
		writeQuestion(&b, s)
	}
	return b.String()
}

const questionsDocIntro = `# The seed questions

<!-- Generated from catalog/scenarios/*.scn by QuestionsDoc (catalog/questions.go).
     Do not edit: change the scenario, then run
     go test ./catalog -run TestQuestionsDoc -rewrite -->

Each question of the seed thread (the 2023 virtio-comment discussion of the device migration
commands) is a scenario in catalog/scenarios/, run under both editions and under the knob values
that matter. ` + "`go run ./cmd/migsim run`" + ` judges every row below
and exits 1 if a verdict differs from its expectation.

Verdicts: **pass** — no oracle fired within the stated exploration; **violation ORACLE** — the
named oracle fired; **error NAME** — the hypervisor's flow stopped with that named error, with no
hang; **n/a** — the question does not apply to the edition. A violation or error row comes with a
shrunk counterexample: a schedule file under ` + "`" + RegressDir + "`" + ` that replays byte for byte.
Knobs not shown have the edition's default (` + "`migsim spec`" + ` lists them).
`

func writeSummary(b *strings.Builder, qs []*scenario.Scenario) {
	b.WriteString("\n## Summary\n\n| # | scenario | edition | knobs | expected |\n|---|---|---|---|---|\n")
	for _, s := range qs {
		for _, e := range s.Expect {
			fmt.Fprintf(b, "| %d | [%s](#%s) | %s | %s | %s |\n", s.Question, s.Name, s.Name, e.Edition,
				orDash(rowKnobs(e)), VerdictText(e.Verdict, e.Oracle))
		}
	}
}

func writeQuestion(b *strings.Builder, s *scenario.Scenario) {
	fmt.Fprintf(b, "\n### %s\n\n**%s** (`%s`)\n\n", s.Name, mdEscape(s.Title), path.Base(s.File))
	b.WriteString("| edition | knobs | expected | oracle / error | note |\n|---|---|---|---|---|\n")
	for _, e := range s.Expect {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s |\n", e.Edition, orDash(rowKnobs(e)), e.Verdict,
			orDash(e.Oracle), orDash(mdEscape(e.Note)))
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
	if len(s.Requirements) > 0 {
		b.WriteString("\n**Requirements.**\n")
		for _, id := range s.Requirements {
			if r, ok := spec.LookupRequirement(id); ok {
				fmt.Fprintf(b, "- %s (%s, %s): %s.\n", id, r.Level, editionsText(r.Editions), mdEscape(r.Text))
			} else {
				fmt.Fprintf(b, "- %s: not in the requirement catalog.\n", id)
			}
		}
	}
	b.WriteString("\n**Exploration.**\n")
	for _, ed := range scenarioEditions(s) {
		bud := s.BudgetFor(ed)
		fmt.Fprintf(b, "- %s: %s.\n", ed, budgetText(bud))
	}
	var replays []string
	for _, e := range s.Expect {
		if e.Verdict != scenario.VerdictViolation && e.Verdict != scenario.VerdictError {
			continue
		}
		name := RegressName(s.Name, e.Edition, regressKnobs(e), SettingStrings(e.Settings))
		knobs := rowKnobs(e)
		if knobs == "" {
			knobs = "defaults"
		}
		replays = append(replays, fmt.Sprintf("- %s %s: `go run ./cmd/migsim replay %s/%s`", e.Edition, knobs, RegressDir, name))
	}
	if len(replays) > 0 {
		b.WriteString("\n**Counterexamples** (shrunk; regenerate with `" + RegenerateCommand + "`).\n")
		b.WriteString(strings.Join(replays, "\n") + "\n")
	}
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

func budgetText(b scenario.Budget) string {
	s := fmt.Sprintf("%s, %d schedules, seed %d", b.Strategy, b.Schedules, b.Seed)
	switch b.Strategy {
	case engine.StrategyDFS:
		s += fmt.Sprintf(", preemption bound %d", b.Bound)
	case engine.StrategyPCT:
		s += fmt.Sprintf(", depth %d", b.Depth)
	}
	return s
}

func editionsText(eds []spec.Edition) string {
	var parts []string
	for _, e := range eds {
		parts = append(parts, e.String())
	}
	return strings.Join(parts, ", ")
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
