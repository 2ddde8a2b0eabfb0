package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/world"
)

// ReferenceRaceRuns is how many schedules Judge runs without migration
// when a row finds a transparent violation, to tell a scenario whose guest
// program races with itself (ReferenceRace).
const ReferenceRaceRuns = 20

// transparentName is the transparent oracle's name.
var transparentName = oracle.Transparent.Info().Name

// ReferenceRace is a schedule under which the target's run without
// migration ends with another guest log than the fixed-schedule reference
// run of the same seed.
type ReferenceRace struct {
	// Schedule is the schedule's index from the base seed; Seed its seed.
	Schedule int
	Seed     uint64
	// Finding is what the run without migration found (the transparent
	// oracle's comparison with the reference log, most often).
	Finding engine.Finding
}

// Text says what the race means for a finding of the row.
func (r *ReferenceRace) Text() string {
	return fmt.Sprintf("without migration the guest's log already depends on the schedule (schedule %d, seed %d: %s at step %d: %s): "+
		"the scenario's guest program races with itself, so a transparent finding may be that race and not the migration; "+
		"make the program's order deterministic (wait for a request before the operation that depends on it)",
		r.Schedule, r.Seed, r.Finding.Oracle, engine.ShownStep(r.Finding.Step), r.Finding.Message)
}

// RaceCheckInterruptedError is ReferenceRace's error when ctx ended
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
	t.Oracles = t.oracles()
	for i := range n {
		if err := ctx.Err(); err != nil {
			return nil, &RaceCheckInterruptedError{Runs: i, Of: n, Err: err}
		}
		seed := engine.ScheduleSeed(base, i)
		ref, err := t.Reference(seed)
		if err != nil {
			return nil, err
		}
		f := func(st engine.Streams) (engine.System, error) {
			return world.NewWorld(world.WorldConfig{Scenario: t.Scenario, Edition: t.Edition, Rules: t.Rules,
				Settings: t.Settings, Factory: t.Member, NetFactory: t.NetMember, Reference: true, ReferenceLog: ref,
				Oracles: t.Oracles}, st)
		}
		res, err := engine.Run(f, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{MaxSteps: t.maxSteps()})
		if err != nil {
			return nil, fmt.Errorf("catalog: run without migration of %s (%s), schedule %d: %w", t.Scenario.Name, t.Edition, i, err)
		}
		if res.Finding != nil {
			return &ReferenceRace{Schedule: i, Seed: seed, Finding: *res.Finding}, nil
		}
	}
	return nil, nil
}

// RaceCaveat is the caveat of a row or exploration whose first finding is
// fd: for a transparent finding, ReferenceRace's text when the guest's log
// depends on the schedule without migration too; "" otherwise, and when
// the runs without migration end in another finding (a broken reference,
// which the reference run itself reports where it matters). When ctx ends
// before the check's runs are done, interrupted is set and the caveat says
// how far the check got (RaceCheckInterruptedError.Caveat): a check cut
// short must not look as though it ran clean.
func (t Target) RaceCaveat(ctx context.Context, seed uint64, fd *engine.Finding) (caveat string, interrupted bool, err error) {
	if fd == nil || fd.Oracle != transparentName {
		return "", false, nil
	}
	race, err := t.ReferenceRace(ctx, seed, ReferenceRaceRuns)
	var cut *RaceCheckInterruptedError
	if errors.As(err, &cut) {
		return cut.Caveat(), true, nil
	}
	if err != nil || race == nil || race.Finding.Oracle != transparentName {
		return "", false, err
	}
	return race.Text(), false, nil
}
