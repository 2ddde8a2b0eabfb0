// Package report writes finding reports: it replays a schedule file with
// the trace recorded, explains its finding (package engine/explain) and
// writes the Markdown report, the pcapng trace and the mode graph that
// package trace renders (docs/traces.md, "Finding reports"). It is what
// `migsim report` and `migsim run --report-dir` write.
package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/trace"
)

// Options are the knobs of Write.
type Options struct {
	// Steps is how many scheduler steps before the finding the report
	// lists and draws (trace.DefaultReportSteps when 0).
	Steps int
	// MaxSteps is the step bound of the replay and of the explanation's
	// runs.
	MaxSteps int
	// ExplainRuns bounds the runs that explain the finding (0: none; the
	// report's Why section says so).
	ExplainRuns int
}

// Write replays sc with the trace recorded and writes NAME.md,
// NAME.pcapng and NAME.dot under dir, NAME being the schedule's regression
// name; schedPath is the schedule file the report's replay command names.
// It returns the Markdown file's path.
func Write(sc *schedfile.Schedule, schedPath, dir string, opt Options) (string, error) {
	res, events, err := catalog.RecordSchedule(sc, engine.RunConfig{MaxSteps: opt.MaxSteps})
	if err != nil {
		return "", err
	}
	if err := catalog.AnnotateFinding(sc, res.Finding, opt.MaxSteps); err != nil {
		return "", err
	}
	scen, err := catalog.ScheduleScenario(sc)
	if err != nil {
		return "", err
	}
	ed, err := spec.ParseEdition(sc.Edition)
	if err != nil {
		return "", err
	}
	rules, err := spec.ParseRules(ed, sc.Knobs)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	name := strings.TrimSuffix(catalog.ScheduleRegressName(sc), ".json")
	var pcap, dot, md bytes.Buffer
	if err := trace.WritePcapng(&pcap, events, trace.MetaOf(sc)); err != nil {
		return "", err
	}
	if err := trace.WriteModeGraph(&dot, ed.TransitionTable(rules), events); err != nil {
		return "", err
	}
	r := &trace.Report{Schedule: sc, SchedulePath: schedPath, Scenario: scen, Result: res, Events: events,
		Steps: opt.Steps, PcapngFile: name + ".pcapng", DOTFile: name + ".dot"}
	if err := why(r, opt); err != nil {
		return "", err
	}
	if err := trace.WriteReport(&md, r); err != nil {
		return "", err
	}
	for _, f := range []struct {
		name string
		b    *bytes.Buffer
	}{{name + ".pcapng", &pcap}, {name + ".dot", &dot}, {name + ".md", &md}} {
		if err := os.WriteFile(filepath.Join(dir, f.name), f.b.Bytes(), 0o644); err != nil {
			return "", err
		}
	}
	return filepath.Join(dir, name+".md"), nil
}

// why explains the report's finding (opt.ExplainRuns runs) into r.Why, or
// says in r.WhyNone why it was not.
func why(r *trace.Report, opt Options) error {
	if r.Result.Finding == nil {
		return nil
	}
	if opt.ExplainRuns == 0 {
		r.WhyNone = "not explained (--explain-runs 0)"
		return nil
	}
	ex, err := Explain(r.Schedule, r.Result, opt.MaxSteps, opt.ExplainRuns)
	if err != nil {
		return fmt.Errorf("explain: %w", err)
	}
	cs := r.Result.Choices
	r.Why = &trace.Why{Text: ex.Text()}
	for _, o := range ex.Orders {
		r.Why.Orders = append(r.Why.Orders, trace.WhyOrder{Before: o.Before, After: o.After,
			BeforeLabel: cs[o.Before].Label, AfterLabel: cs[o.After].Label, Instead: o.Instead})
	}
	return nil
}

// AdminCommands records the run of schedule sc and returns, for a
// scheduler step, the admin commands the owner completed in it
// (trace.StepAdmin: " (DEV_CTX_READ SR-IOV member 1: OK result=16B)", ""
// for none), which an explanation's orderings name beside a PF admin
// step's label. It returns nil when the schedule does not record.
func AdminCommands(sc *schedfile.Schedule) func(step int) string {
	if sc == nil {
		return nil
	}
	_, events, err := catalog.RecordSchedule(sc, engine.RunConfig{})
	if err != nil {
		return nil
	}
	return func(step int) string { return trace.StepAdmin(events, step) }
}

// Explain explains res, the replayed run of schedule sc, within runs runs
// of at most maxSteps steps each (what `migsim replay --explain` prints).
func Explain(sc *schedfile.Schedule, res engine.Result, maxSteps, runs int) (*explain.Explanation, error) {
	t, err := catalog.TargetOf(sc)
	if err != nil {
		return nil, err
	}
	t.MaxSteps = maxSteps
	f, err := t.Factory(sc.Seed)
	if err != nil {
		return nil, err
	}
	ex, err := explain.Explain(context.Background(), f, sc.Seed, res, explain.Config{MaxSteps: maxSteps, MaxRuns: runs})
	if err != nil {
		return nil, err
	}
	return &ex, nil
}
