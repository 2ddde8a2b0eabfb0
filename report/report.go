// Package report holds the reports of a finding and of an exploration.
//
// A finding report replays a schedule file with the trace recorded,
// explains its finding (package engine/explain) and writes the Markdown
// report, the pcapng trace and the mode graph that package trace renders
// (docs/traces.md, "Finding reports"). It is what `migsim report` and
// `migsim run --report-dir` write. PrintWhy prints an explanation's
// orderings as every command does.
//
// An exploration report (Exploration) is what `migsim explore` prints. A
// shard of an exploration (`explore --shard i/n`) also writes it into its
// summary file (ShardFile: versioned, checksummed JSON, read strictly);
// `migsim merge` reads the shards' files and rebuilds the report one
// process gives (MergeShards, through package engine/merge).
package report

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/control"
	"github.com/migsim/migsim/catalog/foundby"
	"github.com/migsim/migsim/docs"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/keepfile"
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
	// Device, when set, replays the schedule with a device under test
	// instead of the reference devices.
	Device *Device
	// Name is the files' name without its suffix: NAME.md, NAME.pcapng,
	// NAME.dot ("": the schedule's regression name). migsim report names
	// them after the schedule file, so that the reports of two schedules
	// of one target (explore's finding and its --write-run N) do not
	// overwrite each other.
	Name string
	// Charge, when set, decides what the conformance kit charges the
	// replayed run's finding (a counterexample the kit wrote): it is given
	// the target, the schedule and the run before the finding's
	// requirements are annotated, and the report lists its charge
	// (trace.Report.Charge) in place of the catalog's view. It returns nil
	// for a run it does not charge; nil leaves the catalog's view.
	Charge func(t catalog.Target, sc *schedfile.Schedule, res engine.Result) *trace.Charge
}

// Device is a device under test a report replays a schedule with: the
// replay, the impact of its finding and the explanation's runs all build
// the device's members.
type Device struct {
	// Target is the schedule's target with the device's members
	// (conformance.ScheduleTarget).
	Target catalog.Target
	// Name names the device in the report ("exec:./extblk").
	Name string
	// Reproduce are the commands that replay and trace the run with the
	// device (trace.Report.Reproduce).
	Reproduce []string
	// Flags are the flags that name the device on the command line,
	// arguments and deadline included (trace.Report.DeviceFlags); empty
	// when the command line cannot name it.
	Flags string
}

// Write replays sc with the trace recorded and writes NAME.md,
// NAME.pcapng and NAME.dot under dir, NAME being opt.Name, else the
// schedule's regression name, and the Wireshark dissector beside them
// (migsim.lua, package docs), which the report's tshark command loads
// from there; schedPath is the schedule file the report's replay command
// names.
// ctx bounds the explanation (an interrupted one says so in the report).
// It returns the paths of the files it wrote, the Markdown file's first,
// then the pcapng, the DOT file's and the dissector's.
func Write(ctx context.Context, sc *schedfile.Schedule, schedPath, dir string, opt Options) ([]string, error) {
	var t catalog.Target
	if opt.Device != nil {
		t = opt.Device.Target
	} else {
		var err error
		if t, err = catalog.TargetOf(sc); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
	}
	if opt.MaxSteps > 0 {
		t.MaxSteps = opt.MaxSteps
	}
	var steps trace.StepLog
	res, events, err := t.Record(sc, engine.RunConfig{MaxSteps: opt.MaxSteps, Trace: &steps})
	if err != nil {
		return nil, fmt.Errorf("report: record the run: %w", err)
	}
	var charge *trace.Charge
	if opt.Charge != nil && res.Finding != nil {
		charge = opt.Charge(t, sc, res) // from the finding as its oracle reported it
	}
	if err := t.AnnotateFinding(sc, res.Finding); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	charge.Mark(res.Finding)
	scen, err := catalog.ScheduleScenario(sc)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	ed, err := spec.ParseEdition(sc.Edition)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	rules, err := spec.ParseRules(ed, sc.Knobs)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := os.MkdirAll(dir, keepfile.DirPerm); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	name := opt.Name
	if name == "" {
		name = strings.TrimSuffix(catalog.ScheduleRegressName(sc), ".json")
	}
	var pcap, dot, md bytes.Buffer
	if err := trace.WritePcapng(&pcap, trace.EventsWithSteps(events, steps.Steps), trace.MetaOf(sc).WithFinding(res.Finding)); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	if err := trace.WriteModeGraph(&dot, ed.TransitionTable(rules), events); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	r := &trace.Report{Schedule: sc, SchedulePath: schedPath, Scenario: scen, Result: res, Events: events,
		Steps: opt.Steps, PcapngFile: name + ".pcapng", PcapngPath: filepath.Join(dir, name+".pcapng"), DOTFile: name + ".dot",
		DissectorPath: filepath.Join(dir, docs.DissectorFile),
		FoundBy:       foundby.Of(sc).Text(), Charge: charge}
	if d := opt.Device; d != nil {
		r.Device, r.Reproduce, r.DeviceFlags = d.Name, d.Reproduce, d.Flags
	}
	why(ctx, t, r, opt)
	narrow(ctx, t, r, opt)
	withoutMigration(t, r, opt)
	if err := trace.WriteReport(&md, r); err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var wrote []string
	for _, f := range []struct {
		name string
		b    *bytes.Buffer
	}{{name + ".md", &md}, {name + ".pcapng", &pcap}, {name + ".dot", &dot}, {docs.DissectorFile, bytes.NewBufferString(docs.Dissector())}} {
		p := filepath.Join(dir, f.name)
		if err := keepfile.Replace(p, f.b.Bytes()); err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		wrote = append(wrote, p)
	}
	return wrote, nil
}

// why explains the report's finding (opt.ExplainRuns runs) into r.Why, or
// says in r.WhyNone why it was not: a budget of 0, or an explanation that
// failed (the rest of the report does not depend on it).
func why(ctx context.Context, t catalog.Target, r *trace.Report, opt Options) {
	if r.Result.Finding == nil {
		return
	}
	if opt.ExplainRuns == 0 {
		r.WhyNone = "not explained (--explain-runs 0)"
		return
	}
	ex, err := ExplainOn(ctx, t, r.Schedule, r.Result, opt.MaxSteps, opt.ExplainRuns)
	if err != nil {
		r.WhyNone = "not explained: " + err.Error()
		return
	}
	cs := r.Result.Choices
	r.Why = &trace.Why{Text: ex.Text(), Moved: ex.Checked > 0}
	for _, o := range ex.Orders {
		r.Why.Orders = append(r.Why.Orders, trace.WhyOrder{Before: o.Before, After: o.After,
			BeforeLabel: cs[o.Before].Label, AfterLabel: cs[o.After].Label, Instead: o.Instead, InsteadMessage: o.InsteadMessage})
	}
}

// narrow sets r.Slice, the finding's causal slice narrowed by running
// (NarrowSliceOn, its default budget), when the explanation moved steps
// and no ordering decides the finding: the step list then shows the
// slice's steps, not the causal slice's last ones, which are the run's
// last steps when the slice is every step (trace.Report.Slice). A
// narrowing that fails, is skipped or loses the finding leaves it nil,
// and the list as it was.
func narrow(ctx context.Context, t catalog.Target, r *trace.Report, opt Options) {
	if r.Why == nil || !r.Why.Moved || len(r.Why.Orders) > 0 {
		return
	}
	n, err := NarrowSliceOn(ctx, t, r.Schedule, r.Result, opt.MaxSteps, 0)
	if err != nil || !n.Check.Kept || n.Skipped != "" {
		return
	}
	r.Slice = n.Slice
}

// withoutMigration sets r.WithoutMigration, the comparison of the run
// with the run without migration (control.Compare, control.WriteSummary),
// when the finding is one that comparison decides (control.Judges: a
// transparent finding, whose message names that run). A
// comparison that cannot be made says why in the section; the rest of the
// report does not depend on it.
func withoutMigration(t catalog.Target, r *trace.Report, opt Options) {
	if !control.Judges(r.Result.Finding) {
		return
	}
	var b strings.Builder
	c, err := control.Compare(t, r.Schedule, opt.MaxSteps)
	if err == nil {
		err = control.WriteSummary(&b, c, r.SchedulePath)
	}
	if err != nil {
		r.WithoutMigration = "not compared: " + err.Error() + "\n"
		return
	}
	r.WithoutMigration = b.String()
}

// AdminCommands records the run of schedule sc (at most maxSteps steps)
// and returns, for a scheduler step, the admin commands the owner
// completed in it (trace.StepAdmin: " (DEV_CTX_READ SR-IOV member 1: OK
// result=16B)", "" for none), which an explanation's orderings name beside
// a PF admin step's label.
func AdminCommands(sc *schedfile.Schedule, maxSteps int) (func(step int) string, error) {
	if sc == nil {
		return nil, fmt.Errorf("report: admin commands: no schedule")
	}
	_, events, err := catalog.RecordSchedule(sc, engine.RunConfig{MaxSteps: maxSteps})
	if err != nil {
		return nil, fmt.Errorf("report: admin commands: %w", err)
	}
	return func(step int) string { return trace.StepAdmin(events, step) }, nil
}

// Explain explains res, the replayed run of schedule sc, within runs runs
// of at most maxSteps steps each (what `migsim replay --explain` prints);
// ctx ends it early (the explanation says it was interrupted).
func Explain(ctx context.Context, sc *schedfile.Schedule, res engine.Result, maxSteps, runs int) (*explain.Explanation, error) {
	t, err := catalog.TargetOf(sc)
	if err != nil {
		return nil, fmt.Errorf("report: explain: %w", err)
	}
	return ExplainOn(ctx, t, sc, res, maxSteps, runs)
}

// ExplainOn is Explain on the target t, which may be built with a device
// under test (its members then run the explanation's runs).
func ExplainOn(ctx context.Context, t catalog.Target, sc *schedfile.Schedule, res engine.Result, maxSteps, runs int) (*explain.Explanation, error) {
	t.MaxSteps = maxSteps
	f, err := t.Factory(sc.Seed)
	if err != nil {
		return nil, fmt.Errorf("report: explain: %w", err)
	}
	ex, err := explain.Explain(ctx, f, sc.Seed, res, explain.Config{MaxSteps: maxSteps, MaxRuns: runs})
	if err != nil {
		return nil, fmt.Errorf("report: explain: %w", err)
	}
	return &ex, nil
}
