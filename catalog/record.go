package catalog

import (
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/record"
)

// RecordSchedule replays a schedule like ReplaySchedule, with
// WorldConfig.Record set, and returns the run and its recorded trace
// (Target.Record on the schedule's target, the reference devices).
func RecordSchedule(sc *schedfile.Schedule, cfg engine.RunConfig) (engine.Result, []record.TraceEvent, error) {
	t, err := TargetOf(sc)
	if err != nil {
		return engine.Result{}, nil, err
	}
	return t.Record(sc, cfg)
}

// Record replays schedule sc strictly on t, whose Member and NetMember
// (a device under test, or nil for the reference) build the members, with
// WorldConfig.Record set, and returns the run and its recorded trace, with
// the events recorded up to an error too. Recording does not change the
// schedule: the replay checks the trace hash, so the events are those of
// the recorded run. A zero cfg.MaxSteps is DefaultJudgeMaxSteps.
func (t Target) Record(sc *schedfile.Schedule, cfg engine.RunConfig) (engine.Result, []record.TraceEvent, error) {
	res, w, err := t.RecordWorld(sc, cfg)
	if w == nil {
		return res, nil, err
	}
	return res, w.Events(), err
}

// RecordWorld is Record that returns the replayed world (its guest log and
// its events) in place of the events alone; the world is nil when none
// was built, and then the error says why.
func (t Target) RecordWorld(sc *schedfile.Schedule, cfg engine.RunConfig) (engine.Result, *world.World, error) {
	if cfg.MaxSteps <= 0 {
		cfg.MaxSteps = DefaultJudgeMaxSteps
	}
	t.MaxSteps = cfg.MaxSteps
	ref, err := t.Reference(sc.Seed)
	if err != nil {
		return engine.Result{}, nil, err
	}
	var w *world.World
	f := func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = world.NewWorld(world.WorldConfig{Scenario: t.Scenario, Edition: t.Edition, Rules: t.Rules,
			Settings: t.Settings, Factory: t.Member, NetFactory: t.NetMember, ReferenceLog: ref, Record: true, Oracles: t.oracles()}, st)
		return w, err
	}
	res, err := sc.Replay(f, cfg)
	if w == nil && err == nil {
		err = fmt.Errorf("catalog: record schedule: no world was built")
	}
	return res, w, err
}
