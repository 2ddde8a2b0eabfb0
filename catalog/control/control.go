// Package control makes a schedule's control run: the same scenario,
// edition, knobs, settings, guest and peer programs and seed as the
// schedule's run, with the hypervisor's migration left out, recorded and
// judged by the oracles, and its guest log set beside the migrated run's
// (what `migsim trace --without-migration` writes; docs/traces.md, "The
// run without migration").
//
// The control run is the run the transparent oracle compares a migration
// with (catalog.Target.Reference, docs/scenarios.md, "Reference runs"):
// the hypervisor skips every operation that stops, reads, moves or checks
// the device, and the actors follow the fixed schedule in which each
// continues while it can. The guest log it gives is therefore exactly the
// log a transparent finding names "without migration", and the first
// difference Compare reports is the entry that finding names. The oracles
// judge it as they judge every row's reference run (those that compare
// the guest's log with a run without migration, transparent and gave-up,
// have nothing to compare it with): a finding in it is what makes a
// catalog row's verdict `reference`, a scenario (or device) at fault.
package control

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/trace"
	"github.com/migsim/migsim/world/record"
)

// Run is one recorded run: its result (steps, finding), its events, its
// scheduler steps (for the text export's quiet steps) and the guest log
// (world.World.GuestLog: each guest's entries, then each peer's reads).
type Run struct {
	Result   engine.Result
	Events   []record.TraceEvent
	Steps    []trace.RunStep
	GuestLog []string
	// Trouble are the guest log's lines that tell of trouble
	// (world.World.GuestTrouble: a command given up on, a failed status,
	// a wait left with requests outstanding).
	Trouble []guest.Trouble
}

// Difference is the first entry at which two guest logs differ, counted
// from 0 as the transparent oracle's message counts it ("entry 3 of its
// log"); an entry past a log's end is "(nothing)".
type Difference struct {
	Entry            int    `json:"entry"`
	Migrated         string `json:"migrated"`
	WithoutMigration string `json:"without_migration"`
}

// Comparison is a schedule's control run beside its migrated run.
type Comparison struct {
	// Control is the run without migration.
	Control Run
	// Migrated is the schedule's own run, replayed strictly; nil when the
	// control run has a finding: the scenario (its programs, settings or
	// device) is then at fault, and the migrated run is not compared.
	Migrated *Run
	// Difference is the first difference of the two guest logs; nil when
	// they are equal or the migrated run was not compared.
	Difference *Difference
}

// Fault says where a comparison puts the blame.
type Fault string

// The faults a comparison gives.
const (
	// FaultScenario: the run without migration has a finding itself, so
	// the scenario (or the device), not the migration, is at fault.
	FaultScenario Fault = "scenario"
	// FaultMigration: the run without migration passes the oracles and
	// the migrated run has a finding.
	FaultMigration Fault = "migration"
	// FaultDevice: the migrated run's finding is the gave-up oracle's,
	// which reports only trouble the run without migration's guest log
	// shows too (a failed flush, a command given up on): the device or
	// the scenario, not the migration, fails the guest. The run without
	// migration passes the oracles only because gave-up compares a
	// migrated run with it and so cannot judge it on its own.
	FaultDevice Fault = "device"
	// FaultWithoutMigration: the migrated run's transparent finding is an
	// entry where the run without migration's guest had trouble (a wait
	// left with requests outstanding, a command given up on) that the
	// migrated run's guest did not have: something the scenario does
	// fails the guest without migration only (a fault it injects on a
	// host the VM has left by then), so the difference shows the control
	// run's trouble, not the migration's.
	FaultWithoutMigration Fault = "without-migration"
	// FaultNone: neither run has a finding.
	FaultNone Fault = "none"
)

// Fault returns where c puts the blame.
func (c *Comparison) Fault() Fault {
	switch {
	case c.Control.Result.Finding != nil:
		return FaultScenario
	case c.Migrated != nil && c.Migrated.Result.Finding != nil:
		if c.Migrated.Result.Finding.Oracle == oracle.GaveUp.Info().Name {
			return FaultDevice
		}
		if _, ok := c.ControlTroubleOnly(); ok && Judges(c.Migrated.Result.Finding) {
			return FaultWithoutMigration
		}
		return FaultMigration
	}
	return FaultNone
}

// ControlTroubleOnly returns the trouble of the run without migration at
// the entry where the two guest logs first differ, when the migrated run's
// entry there is no trouble of its own; false otherwise.
func (c *Comparison) ControlTroubleOnly() (guest.Trouble, bool) {
	if c.Migrated == nil || c.Difference == nil {
		return guest.Trouble{}, false
	}
	for _, t := range c.Migrated.Trouble {
		if t.Line == c.Difference.Migrated {
			return guest.Trouble{}, false
		}
	}
	for _, t := range c.Control.Trouble {
		if t.Line == c.Difference.WithoutMigration {
			return t, true
		}
	}
	return guest.Trouble{}, false
}

// Compare runs the control run of schedule sc on target t (the schedule's
// target, catalog.TargetOf, or one with a device under test) under the
// step bound maxSteps (0: catalog.DefaultJudgeMaxSteps), then, when it
// passes the oracles, replays sc strictly with its trace recorded and
// compares the two guest logs. The control run uses sc's seed. An error
// is a run that could not be made (a world that does not build, a
// schedule that diverges) or a control run cut by the step bound (a
// *catalog.ReferenceError, as Reference reports it), never a finding.
func Compare(t catalog.Target, sc *schedfile.Schedule, maxSteps int) (*Comparison, error) {
	if sc == nil {
		return nil, fmt.Errorf("control: no schedule")
	}
	if maxSteps <= 0 {
		maxSteps = catalog.DefaultJudgeMaxSteps
	}
	t.MaxSteps = maxSteps
	var steps trace.StepLog
	res, w, err := t.ReferenceRun(sc.Seed, engine.RunConfig{MaxSteps: maxSteps, Trace: &steps}, true)
	if err != nil {
		return nil, fmt.Errorf("control: %w", err)
	}
	if res.Finding != nil && res.Finding.StepBound() {
		// Too small a bound is the command line's problem, not the scenario's.
		return nil, t.ReferenceErrorOf(sc.Seed, *res.Finding)
	}
	c := &Comparison{Control: Run{Result: res, Events: w.Events(), Steps: steps.Steps, GuestLog: slices.Clone(w.GuestLog()),
		Trouble: slices.Clone(w.GuestTrouble())}}
	if res.Finding != nil {
		return c, nil
	}
	var msteps trace.StepLog
	mres, mw, err := t.RecordWorld(sc, engine.RunConfig{MaxSteps: maxSteps, Trace: &msteps})
	if err != nil {
		return nil, fmt.Errorf("control: the migrated run: %w", err)
	}
	c.Migrated = &Run{Result: mres, Events: mw.Events(), Steps: msteps.Steps, GuestLog: slices.Clone(mw.GuestLog()),
		Trouble: slices.Clone(mw.GuestTrouble())}
	c.Difference = FirstDifference(c.Migrated.GuestLog, c.Control.GuestLog)
	return c, nil
}

// Judges reports whether the comparison decides finding f: f is the
// transparent oracle's, which compares the guest's log with the run
// without migration and names that run's entry, so that a reader of f
// needs the comparison (the finding report's "Run without migration"
// section). gave-up's is not: it reports a trouble both runs show, the
// device failing the guest whatever the migration does, which the
// comparison's verdict line (a run without migration that passes, a
// migrated run with a finding) would put on the migration.
func Judges(f *engine.Finding) bool {
	return f != nil && f.Oracle == oracle.Transparent.Info().Name
}

// FirstDifference returns the first entry at which the migrated run's
// guest log differs from the log without migration, nil when they are
// equal (the transparent oracle's comparison, oracle.Transparent).
func FirstDifference(migrated, without []string) *Difference {
	for i := 0; i < len(migrated) || i < len(without); i++ {
		m, r := entry(migrated, i), entry(without, i)
		if m != r {
			return &Difference{Entry: i, Migrated: m, WithoutMigration: r}
		}
	}
	return nil
}

// entry returns log[i], "(nothing)" past its end or for an empty entry.
func entry(log []string, i int) string {
	if i >= len(log) || log[i] == "" {
		return "(nothing)"
	}
	return log[i]
}
