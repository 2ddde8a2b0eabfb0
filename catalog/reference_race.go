package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/world"
)

// ReferenceRaceRuns is how many random schedules the race check runs
// without migration when a row finds a transparent violation, to tell a
// scenario whose guest program races with itself (ReferenceRace).
const ReferenceRaceRuns = 20

// ReferenceRacePCTRuns is how many pct schedules (depth
// ReferenceRacePCTDepth) the race check runs without migration after its
// random ones: a race that needs a preemption at one narrow point, which
// random scheduling almost never takes, is pct's to find.
const ReferenceRacePCTRuns = 20

// ReferenceRacePCTDepth is the depth of the race check's pct schedules.
const ReferenceRacePCTDepth = 3

// RaceCheckRuns is how many runs without migration RaceCaveat makes at
// most for a finding with a schedule: its replay, then the random and the
// pct schedules.
const RaceCheckRuns = 1 + ReferenceRaceRuns + ReferenceRacePCTRuns

// The race check's evidence (ReferenceRace.Evidence): which run without
// migration showed that the guest's log depends on the schedule.
const (
	// RaceEvidenceFinding is the finding's own schedule, replayed without
	// migration (RaceCaveat).
	RaceEvidenceFinding = "finding-schedule"
	// RaceEvidenceRandom is one of the random schedules.
	RaceEvidenceRandom = "random"
	// RaceEvidencePCT is one of the pct schedules.
	RaceEvidencePCT = "pct"
)

// transparentName is the transparent oracle's name.
var transparentName = oracle.Transparent.Info().Name

// ReferenceRace is a schedule under which the target's run without
// migration ends with another guest log than the fixed-schedule reference
// run of the same seed.
type ReferenceRace struct {
	// Evidence is the run's kind: RaceEvidenceFinding, RaceEvidenceRandom
	// or RaceEvidencePCT.
	Evidence string
	// Schedule is the schedule's index from the base seed (-1 for the
	// finding's own schedule); Seed its seed.
	Schedule int
	Seed     uint64
	// Finding is what the run without migration found (the transparent
	// oracle's comparison with the reference log, most often).
	Finding engine.Finding
	// SameDifference is set, for the finding's own schedule, when the run
	// without migration differs from the reference log exactly as the
	// finding did (the same message: the same entry, the same values).
	SameDifference bool
	// PassedOver is, for the finding's own schedule, how many of its
	// recorded steps the replay passed over, having no counterpart
	// without migration (the hypervisor's migration steps, the owners'
	// admin commands): 0 for a scenario with no migration operation.
	PassedOver int
}

// replayed says how the finding's own schedule was replayed without
// migration: its seed, and the recorded steps passed over, if any.
func (r *ReferenceRace) replayed() string {
	switch r.PassedOver {
	case 0:
		return fmt.Sprintf("seed %d", r.Seed)
	case 1:
		return fmt.Sprintf("seed %d; 1 recorded step with no counterpart without migration passed over", r.Seed)
	}
	return fmt.Sprintf("seed %d; %d recorded steps with no counterpart without migration passed over", r.Seed, r.PassedOver)
}

// Text says what the race means for a finding of the row.
func (r *ReferenceRace) Text() string {
	const fix = "make the program's order deterministic (wait for a request before the operation that depends on it)"
	if r.Evidence == RaceEvidenceFinding {
		if r.SameDifference {
			return fmt.Sprintf("the finding's own schedule, replayed without migration (%s), "+
				"gives the same difference from the run without migration (at step %d): "+
				"the scenario's guest program races with itself, and this transparent finding is that race, not the migration; %s",
				r.replayed(), engine.ShownStep(r.Finding.Step), fix)
		}
		return fmt.Sprintf("the finding's own schedule, replayed without migration (%s), "+
			"also ends with another guest log than the run without migration (%s at step %d: %s): "+
			"the scenario's guest program races with itself, so this transparent finding may be that race and not the migration; %s",
			r.replayed(), r.Finding.Oracle, engine.ShownStep(r.Finding.Step), r.Finding.Message, fix)
	}
	return fmt.Sprintf("without migration the guest's log already depends on the schedule (%s schedule %d, seed %d: %s at step %d: %s): "+
		"the scenario's guest program races with itself, so a transparent finding may be that race and not the migration; %s",
		r.Evidence, r.Schedule, r.Seed, r.Finding.Oracle, engine.ShownStep(r.Finding.Step), r.Finding.Message, fix)
}

// RaceCheckInterruptedError is the race check's error when ctx ended
// before its runs were done: Runs of Of ran, none with a finding, which
// proves nothing of the others.
type RaceCheckInterruptedError struct {
	Runs, Of int
	// Err is the context's error.
	Err error
}

func (e *RaceCheckInterruptedError) Error() string {
	return fmt.Sprintf("catalog: runs without migration interrupted after %d of %d: %v", e.Runs, e.Of, e.Err)
}

func (e *RaceCheckInterruptedError) Unwrap() error { return e.Err }

// Caveat is the caveat of a transparent finding whose check ctx ended: how
// far it got, and that it proves nothing.
func (e *RaceCheckInterruptedError) Caveat() string {
	return fmt.Sprintf("the check whether the guest's program races with itself (runs without migration) was interrupted after %d of %d runs: "+
		"it proves nothing, and this transparent finding may be that race and not the migration (run again to finish the check)", e.Runs, e.Of)
}

// ReferenceRace runs the target without migration (as Reference does)
// under n random schedules of base, seeds ScheduleSeed(base, i), each
// judged against the guest log of its own seed's reference run, and
// returns the first run with a finding; nil when none has one. When ctx
// ends first the error is a *RaceCheckInterruptedError that wraps ctx's.
// A migration must be invisible to the guest (the
// transparent oracle), which only means something when the guest's own
// program gives one log whatever the schedule: otherwise a transparent
// finding may be the program's race. A finding of another oracle is a
// broken run without migration, not a race: Caveat tells them apart.
func (t Target) ReferenceRace(ctx context.Context, base uint64, n int) (*ReferenceRace, error) {
	return t.referenceRaces(ctx, base, n, RaceEvidenceRandom, 0, 0, n)
}

// referenceRaces is ReferenceRace under the strategy evidence names
// (random, or pct whose expected run length is k: the finding's length, 0
// for engine.DefaultPCTSteps); done of of is how far
// the whole check got before these runs, for its interrupted error.
func (t Target) referenceRaces(ctx context.Context, base uint64, n int, evidence string, k, done, of int) (*ReferenceRace, error) {
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, &RaceCheckInterruptedError{Runs: done + i, Of: of, Err: err}
		}
		seed := engine.ScheduleSeed(base, i)
		var ch engine.Chooser = engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule))
		if evidence == RaceEvidencePCT {
			ch = engine.NewPCT(engine.NewStream(seed, engine.StreamSchedule), ReferenceRacePCTDepth, k)
		}
		fd, err := t.runWithoutMigration(seed, ch, nil)
		if err != nil {
			return nil, fmt.Errorf("catalog: run without migration of %s (%s), %s schedule %d: %w", t.Scenario.Name, t.Edition, evidence, i, err)
		}
		if fd != nil {
			return &ReferenceRace{Evidence: evidence, Schedule: i, Seed: seed, Finding: *fd}, nil
		}
	}
	return nil, nil
}

// runWithoutMigration runs the target without migration from seed under
// ch, judged against the guest log of seed's reference run, and returns
// its finding (nil for none). built, when set, is handed the world before
// its first step (a chooser that names its actors needs it).
func (t Target) runWithoutMigration(seed uint64, ch engine.Chooser, built func(*world.World)) (*engine.Finding, error) {
	t.Oracles = t.oracles()
	ref, err := t.Reference(seed)
	if err != nil {
		return nil, err
	}
	f := func(st engine.Streams) (engine.System, error) {
		w, err := world.NewWorld(world.WorldConfig{Scenario: t.Scenario, Edition: t.Edition, Rules: t.Rules,
			Settings: t.Settings, Factory: t.Member, NetFactory: t.NetMember, Reference: true, ReferenceLog: ref,
			Oracles: t.Oracles}, st)
		if err == nil && built != nil {
			built(w)
		}
		return w, err
	}
	res, err := engine.Run(f, seed, ch, engine.RunConfig{MaxSteps: t.maxSteps()})
	if err != nil {
		return nil, err
	}
	return res.Finding, nil
}

// FoundRun is the run of a finding the race check judges: its seed, its
// schedule and what it found.
type FoundRun struct {
	Seed    uint64
	Choices []engine.Choice
	Finding *engine.Finding
}

// RaceCheck is RaceCaveat's answer.
type RaceCheck struct {
	// Caveat is the text that qualifies the finding; "" for none.
	Caveat string
	// Evidence is the run that showed the race (ReferenceRace.Evidence);
	// "" when there is no caveat or the check was interrupted.
	Evidence string
	// Interrupted is set when ctx ended the check before its runs were
	// done: Caveat then says how far it got
	// (RaceCheckInterruptedError.Caveat).
	Interrupted bool
}

// RaceCaveat is the caveat of a row or exploration whose first finding is
// run.Finding, from base seed base. For a transparent finding it checks
// whether the guest's program races with itself, strongest evidence
// first: the finding's own schedule replayed without migration, each
// actor keeping its place in the recording (placeReplay: the recorded
// steps with no counterpart there, the migration's, are passed over), so
// that the guests, peers and devices interleave as they did in the
// finding; then ReferenceRaceRuns random
// and ReferenceRacePCTRuns pct schedules (ReferenceRace). The first of
// those runs whose guest log differs from its seed's reference run gives
// the caveat (ReferenceRace.Text). No caveat for another finding, nor
// when the runs without migration end in another finding (a broken
// reference, which the reference run itself reports where it matters).
// A run without choices skips the replay. When ctx ends before the
// check's runs are done, Interrupted is set and the caveat says how far
// the check got: a check cut short must not look as though it ran clean.
func (t Target) RaceCaveat(ctx context.Context, base uint64, run FoundRun) (RaceCheck, error) {
	fd := run.Finding
	if fd == nil || fd.Oracle != transparentName {
		return RaceCheck{}, nil
	}
	race, err := t.raceOf(ctx, base, run)
	var cut *RaceCheckInterruptedError
	if errors.As(err, &cut) {
		return RaceCheck{Caveat: cut.Caveat(), Interrupted: true}, nil
	}
	if err != nil || race == nil || race.Finding.Oracle != transparentName {
		return RaceCheck{}, err
	}
	return RaceCheck{Caveat: race.Text(), Evidence: race.Evidence}, nil
}

// sameDifference reports whether a finding of the finding's schedule
// replayed without migration (without) differs from the reference log
// exactly as the migrated run's finding (migrated) did: the same oracle,
// and for transparent the same entry with the same values
// (oracle.TransparentDifference: the two say differently what can be
// told, a move and a schedule), for another the same message.
func sameDifference(without, migrated engine.Finding) bool {
	if without.Oracle != migrated.Oracle {
		return false
	}
	if without.Oracle == transparentName {
		d := oracle.TransparentDifference(without.Message)
		return d != "" && d == oracle.TransparentDifference(migrated.Message)
	}
	return without.Message == migrated.Message
}

// raceOf runs RaceCaveat's runs, in its order, and returns the first with
// a finding.
func (t Target) raceOf(ctx context.Context, base uint64, run FoundRun) (*ReferenceRace, error) {
	of, done := RaceCheckRuns, 0
	if len(run.Choices) == 0 {
		of--
	} else {
		if err := ctx.Err(); err != nil {
			return nil, &RaceCheckInterruptedError{Runs: 0, Of: of, Err: err}
		}
		fd, passed, err := t.findingWithoutMigration(run)
		if err != nil {
			return nil, fmt.Errorf("catalog: the finding's schedule without migration of %s (%s): %w", t.Scenario.Name, t.Edition, err)
		}
		if fd != nil {
			return &ReferenceRace{Evidence: RaceEvidenceFinding, Schedule: -1, Seed: run.Seed, Finding: *fd, PassedOver: passed,
				SameDifference: sameDifference(*fd, *run.Finding)}, nil
		}
		done++
	}
	race, err := t.referenceRaces(ctx, base, ReferenceRaceRuns, RaceEvidenceRandom, 0, done, of)
	if race != nil || err != nil {
		return race, err
	}
	return t.referenceRaces(ctx, base, ReferenceRacePCTRuns, RaceEvidencePCT, len(run.Choices), done+ReferenceRaceRuns, of)
}
