package catalog

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/scenario"
)

// ScheduleAt runs schedule n of the exploration of t under budget b (random
// or pct) with factory f as engine.Explore runs it, and returns its
// schedule, with or without a finding (a finding annotated as explore
// annotates one): seed engine.ScheduleSeed(b.Seed, n), the strategy's
// chooser on the seed's schedule stream, and for pct the k of n's round,
// the default in the first round (which k is learnt from) and learntK
// (the exploration's Summary.PCTSteps) after it.
func (t Target) ScheduleAt(f engine.Factory, b scenario.Budget, n, learntK int) (*schedfile.Schedule, error) {
	seed := engine.ScheduleSeed(b.Seed, n)
	rng := engine.NewStream(seed, engine.StreamSchedule)
	var ch engine.Chooser = engine.NewRandom(rng)
	if b.Strategy == engine.StrategyPCT {
		k := engine.DefaultPCTSteps
		if n >= engine.PCTLearnSchedules {
			k = learntK
		}
		ch = engine.NewPCT(rng, b.Depth, k)
	}
	res, err := engine.Run(f, seed, ch, engine.RunConfig{MaxSteps: t.maxSteps()})
	if err != nil {
		return nil, err
	}
	sc := t.Schedule(b.Strategy, b.Seed, n, res)
	return sc, t.AnnotateFinding(sc, sc.Finding)
}
