package control

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/migsim/migsim/catalog/foundby"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/trace"
)

// RunName names the control run where an export names its run (the pcapng
// section comment's run=, trace.Meta.Run).
const RunName = "without-migration"

// How is the one sentence that says how the control run is made.
const How = "the same scenario, guest and peer programs, settings and seed, the hypervisor's migration operations " +
	"skipped (no mode change, no state read or written, no switch to the destination), the actors under the fixed " +
	"schedule in which each continues while it can: the run the transparent oracle compares with " +
	"(docs/scenarios.md, \"Reference runs\")"

// WriteText writes the comparison as `migsim trace --without-migration`
// prints it: what ran, the control run's oracles and guest log, the
// comparison with the migrated run (schedule sc, read from path) and the
// verdict, then the control run's text export (trace.WriteTextSteps) of
// its last window steps (0: every step).
func WriteText(w io.Writer, c *Comparison, sc *schedfile.Schedule, path string, window int) error {
	var b strings.Builder
	knobs := "defaults"
	if len(sc.Knobs) > 0 {
		knobs = strings.Join(sc.Knobs, " ")
	}
	fmt.Fprintf(&b, "without migration: scenario %s, %s, knobs %s", sc.Scenario, sc.Edition, knobs)
	if len(sc.Settings) > 0 {
		fmt.Fprintf(&b, ", settings %s", strings.Join(sc.Settings, " "))
	}
	fmt.Fprintf(&b, ", seed %d: %s, %s\n", sc.Seed, plural.Count(c.Control.Result.Steps(), "step"), plural.Count(len(c.Control.Events), "event"))
	fmt.Fprintf(&b, "  %s\n", How)
	fmt.Fprintf(&b, "guest log without migration (%s, numbered from 0 as the transparent oracle numbers them):\n",
		plural.Count(len(c.Control.GuestLog), "entry"))
	for i, l := range c.Control.GuestLog {
		fmt.Fprintf(&b, "  %d %s\n", i, l)
	}
	writeSummary(&b, c, path)
	b.WriteString("trace without migration:\n")
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("control: %w", err)
	}
	events, steps := trace.WindowSteps(c.Control.Events, c.Control.Steps, c.Control.Result.Finding, window)
	return trace.WriteTextSteps(w, events, steps)
}

// WriteSummary writes the lines of WriteText that judge: the control
// run's oracles, the migrated run, the first difference of the guest logs
// and where the fault lies. `migsim trace --without-migration` prints
// them on stderr beside a pcapng or Mermaid export.
func WriteSummary(w io.Writer, c *Comparison, path string) error {
	var b strings.Builder
	writeSummary(&b, c, path)
	if _, err := io.WriteString(w, b.String()); err != nil {
		return fmt.Errorf("control: %w", err)
	}
	return nil
}

func writeSummary(b *strings.Builder, c *Comparison, path string) {
	if fd := c.Control.Result.Finding; fd != nil {
		fmt.Fprintf(b, "oracles without migration: %s at step %d: %s\n", fd.Oracle, engine.ShownStep(fd.Step), fd.Message)
	} else {
		b.WriteString("oracles without migration: pass (no oracle fired)\n")
	}
	if m := c.Migrated; m != nil {
		fmt.Fprintf(b, "migrated run (%s): %s, %s; its guest log has %s\n", path, plural.Count(m.Result.Steps(), "step"),
			findingText(m.Result.Finding), plural.Count(len(m.GuestLog), "entry"))
		if fd := m.Result.Finding; fd != nil {
			fmt.Fprintf(b, "  %s: %s\n", fd.Oracle, fd.Message)
		}
		if d := c.Difference; d != nil {
			fmt.Fprintf(b, "guest log, migrated against without migration: first difference at entry %d\n", d.Entry)
			fmt.Fprintf(b, "  migrated:          %s\n  without migration: %s\n", d.Migrated, d.WithoutMigration)
			if d.Entry == len(m.GuestLog) && m.Result.Finding != nil {
				fmt.Fprintf(b, "  (the migrated run's log ends there: its run ended with its finding at step %d)\n",
					engine.ShownStep(m.Result.Finding.Step))
			}
		} else {
			b.WriteString("guest log, migrated against without migration: the same entries\n")
		}
	}
	fmt.Fprintf(b, "verdict: %s\n", verdictText(c))
}

// verdictText says where the comparison puts the fault.
func verdictText(c *Comparison) string {
	switch c.Fault() {
	case FaultScenario:
		return fmt.Sprintf("the run without migration already ends in %s, with no migration at all: the scenario "+
			"(its programs or settings) or the device, not the migration, is at fault; the migrated run is not compared "+
			"(a row of this scenario, edition and knobs gets the verdict `reference`)",
			c.Control.Result.Finding.Oracle)
	case FaultDevice:
		return fmt.Sprintf("the migrated run ends in %s, trouble the run without migration's guest log shows too "+
			"(the oracle reports only trouble both runs show): the device or the scenario, not the migration, fails the guest",
			c.Migrated.Result.Finding.Oracle)
	case FaultWithoutMigration:
		t, _ := c.ControlTroubleOnly()
		return fmt.Sprintf("the migrated run ends in %s where the guest without migration had trouble the migrated guest did not (%s): "+
			"something the scenario does fails the guest without migration only (a fault it injects on a host the VM has left, say), "+
			"so the difference is that run's trouble and does not put the fault on the migration",
			c.Migrated.Result.Finding.Oracle, oracle.TroubleText([]guest.Trouble{t}))
	case FaultMigration:
		if f := c.Migrated.Result.Finding; f.StepBound() {
			// A run cut at its step bound proves no harm: the bound may
			// only be shorter than the migrated run (catalog.ImpactBound).
			return "the run without migration passes the oracles and the migrated run reached its step bound before it ended: " +
				"a livelock the migration causes, or only a migrated run longer than the bound, not a fault; " +
				"a larger step bound (explore --max-steps) tells them apart"
		}
		s := fmt.Sprintf("the run without migration passes the oracles and the migrated run ends in %s: the migration is at fault",
			c.Migrated.Result.Finding.Oracle)
		if c.Difference == nil {
			s += " (the guest's log is the same: the finding is not one the guest's log shows)"
		}
		return s
	}
	if c.Difference != nil {
		return "neither run has a finding, yet the guest's logs differ (no oracle judged the difference)"
	}
	return "neither run has a finding and the guest's logs are the same: the guest cannot tell it moved"
}

// findingText names a run's finding, or says there is none.
func findingText(f *engine.Finding) string {
	if f == nil {
		return "no finding"
	}
	return fmt.Sprintf("finding %s at step %d", f.Oracle, engine.ShownStep(f.Step))
}

// DocFormat is the version of Doc's layout.
const DocFormat = 1

// Doc is the JSON document of a comparison (`migsim trace
// --without-migration --format json`). Fields are written in declaration
// order; a finding's step counts from 0, as every JSON document's does
// (docs/traces.md, "Step numbering").
type Doc struct {
	Format   int      `json:"format"`
	Scenario string   `json:"scenario"`
	Edition  string   `json:"edition"`
	Knobs    []string `json:"knobs"`
	Settings []string `json:"settings"`
	// Seed is the schedule's seed, which both runs use, as a decimal
	// string.
	Seed         uint64 `json:"seed,string"`
	ScheduleFile string `json:"schedule_file"`
	// FoundBy is how the schedule file was found (foundby.Of), as the
	// report of its own run says it.
	FoundBy trace.FoundBy `json:"found_by"`
	// Fault is "scenario", "migration", "device", "without-migration" or
	// "none" (Comparison.Fault).
	Fault            Fault  `json:"fault"`
	WithoutMigration RunDoc `json:"without_migration"`
	// Migrated is null when the control run has a finding.
	Migrated *RunDoc `json:"migrated"`
	// FirstDifference is null when the logs are equal or not compared.
	FirstDifference *Difference `json:"first_difference"`
}

// RunDoc is one run of a Doc.
type RunDoc struct {
	Steps   int               `json:"steps"`
	Events  trace.EventCounts `json:"events"`
	Finding *engine.Finding   `json:"finding"`
	Log     []string          `json:"guest_log"`
}

// NewDoc builds the document of comparison c of schedule sc, read from
// path.
func NewDoc(c *Comparison, sc *schedfile.Schedule, path string) *Doc {
	d := &Doc{Format: DocFormat, Scenario: sc.Scenario, Edition: sc.Edition, Knobs: append([]string{}, sc.Knobs...),
		Settings: append([]string{}, sc.Settings...), Seed: sc.Seed, ScheduleFile: path, FoundBy: trace.FoundBy(foundby.Of(sc)), Fault: c.Fault(),
		WithoutMigration: runDoc(c.Control), FirstDifference: c.Difference}
	if c.Migrated != nil {
		m := runDoc(*c.Migrated)
		d.Migrated = &m
	}
	return d
}

func runDoc(r Run) RunDoc {
	log := r.GuestLog
	if log == nil {
		log = []string{}
	}
	return RunDoc{Steps: r.Result.Steps(), Events: trace.CountEvents(r.Events), Finding: r.Result.Finding, Log: log}
}

// WriteJSON writes the document of comparison c as indented JSON with a
// final newline.
func WriteJSON(w io.Writer, c *Comparison, sc *schedfile.Schedule, path string) error {
	b, err := json.MarshalIndent(NewDoc(c, sc, path), "", "  ")
	if err != nil {
		return fmt.Errorf("control: json: %w", err)
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("control: json: %w", err)
	}
	return nil
}

// Formats are the `migsim trace --format` values a comparison is written
// in (Write); the others draw the members' migration modes, which the
// control run never changes.
var Formats = []string{"text", "json", "mermaid", "pcapng"}

// Write writes comparison c of schedule sc, read from path, in format (one
// of Formats) to w: text and json with the comparison (WriteText,
// WriteJSON); mermaid (the last window steps, 0 every step) and pcapng the
// control run's export (its pcapng section comment naming the run,
// RunName), the comparison's summary (WriteSummary) then going to summary.
func Write(w, summary io.Writer, format string, c *Comparison, sc *schedfile.Schedule, path string, window int) error {
	var err error
	switch format {
	case "text":
		return WriteText(w, c, sc, path, window)
	case "json":
		return WriteJSON(w, c, sc, path)
	case "mermaid":
		err = trace.WriteMermaid(w, c.Control.Events, c.Control.Result.Finding, window)
	case "pcapng":
		meta := trace.MetaOf(sc).WithFinding(c.Control.Result.Finding)
		meta.Run = RunName
		err = trace.WritePcapng(w, trace.EventsWithSteps(c.Control.Events, c.Control.Steps), meta)
	default:
		return fmt.Errorf("control: format %q: want one of %s", format, strings.Join(Formats, ", "))
	}
	if err != nil {
		return err
	}
	return WriteSummary(summary, c, path)
}
