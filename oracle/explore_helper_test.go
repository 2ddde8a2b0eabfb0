package oracle_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// exploreOne explores scn under edition ed and knobs with only oracle o
// (and the test's probe, which must report nothing), n schedules from
// seed 1 with each strategy, and returns every finding with the strategy
// that found it. For races a single default schedule (runPlant) does not
// reach.
func exploreOne(t *testing.T, scn string, ed spec.Edition, knobs []string, o, probe observe.Oracle, n int, strategies ...string) map[string][]engine.Finding {
	t.Helper()
	s, err := scenario.ParseScenario("explored.scn", []byte(scn))
	require.NoError(t, err)
	rules, err := spec.ParseRules(ed, knobs)
	require.NoError(t, err)
	cfg := world.WorldConfig{Scenario: s, Edition: ed, Rules: rules, Oracles: []observe.Oracle{o, probe}}
	f := func(st engine.Streams) (engine.System, error) { return world.NewWorld(cfg, st) }
	found := map[string][]engine.Finding{}
	for _, strategy := range strategies {
		sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: strategy,
			Schedules: n, Seed: 1, Jobs: 1, PCTDepth: 3, MaxSteps: 100_000})
		require.NoError(t, err)
		require.Equal(t, n, sum.Schedules)
		for _, r := range sum.Findings {
			found[strategy] = append(found[strategy], r.Finding)
		}
	}
	return found
}

// raceProbe is a test oracle that reports nothing and counts the passes in
// which the race a test is about happened, so the test can require that
// its exploration reached it.
type raceProbe struct {
	hits     *int
	received func(*observe.ReceivedPass) bool
	load     func(*observe.LoadPass) bool
}

func (raceProbe) Info() observe.OracleInfo { return observe.OracleInfo{Name: "race-probe"} }

func (r raceProbe) CheckReceived(p *observe.ReceivedPass) {
	if r.received != nil && r.received(p) {
		*r.hits++
	}
}

func (r raceProbe) CheckRejectedLoad(p *observe.LoadPass) {
	if r.load != nil && r.load(p) {
		*r.hits++
	}
}
