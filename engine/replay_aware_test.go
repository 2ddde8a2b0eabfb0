package engine

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// judgedLog is what judgedProp systems of one search record.
type judgedLog struct {
	passed  map[string]bool // paths whose last step ran without a finding
	judged  int             // steps the runner said were judged
	unknown []string        // judged steps no earlier run had passed
}

// judgedProp is a generated toy system that checks what the runner tells
// it (ReplayAware) against what earlier runs of the search did.
type judgedProp struct {
	*propSys
	log    *judgedLog
	path   []string
	replay bool
}

func (s *judgedProp) Replayed(judged bool) { s.replay = judged }

func (s *judgedProp) Execute(st Step) *Finding {
	s.path = append(s.path, fmt.Sprintf("%d:%s", st.Actor, st.Label))
	key := strings.Join(s.path, "|")
	if s.replay {
		s.log.judged++
		if !s.log.passed[key] {
			s.log.unknown = append(s.log.unknown, key)
		}
	}
	f := s.propSys.Execute(st)
	if f == nil {
		s.log.passed[key] = true
	}
	return f
}

// TestReplayed_OnlyStepsAnEarlierRunPassed: a step the runner calls
// judged was executed by an earlier run of the same search after the same
// steps, and ran there without a finding — for every reduction, with and
// without state pruning and bounds, and in a shard. Dfs replays judge
// something in every configuration; random and pct never do.
func TestReplayed_OnlyStepsAnEarlierRunPassed(t *testing.T) {
	gen := propGen{actors: 3, instrs: 5, vars: 2, total: 10}
	cfgs := []DFSConfig{
		{Reduction: ReductionSleep, States: true, Bound: 2},
		{Reduction: ReductionSleep, Bound: -1},
		{Reduction: ReductionNone, Bound: 1},
		{Reduction: ReductionDPOR, Bound: 2},
		{Reduction: ReductionSleep, States: true, Bound: 2, Shards: 3, Shard: 1},
	}
	total := make([]int, len(cfgs))
	for sys := range 40 {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		for i, cfg := range cfgs {
			log := &judgedLog{passed: map[string]bool{}}
			f := func(Streams) (System, error) { return &judgedProp{propSys: newPropSys(progs, gen.vars), log: log}, nil }
			searchOutcomes(t, f, cfg)
			require.Empty(t, log.unknown, "system %d %+v: judged steps no earlier run passed", sys, cfg)
			total[i] += log.judged
		}
	}
	for i, cfg := range cfgs {
		assert.Positive(t, total[i], "%+v judges replayed steps", cfg)
	}
	for _, st := range []string{StrategyRandom, StrategyPCT} {
		log := &judgedLog{passed: map[string]bool{}}
		progs := genProp(NewStream(1, StreamWorkload), gen)
		f := func(Streams) (System, error) { return &judgedProp{propSys: newPropSys(progs, gen.vars), log: log}, nil }
		_, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: st, Schedules: 50, Seed: 3, Jobs: 1})
		require.NoError(t, err)
		assert.Zero(t, log.judged, "%s replays nothing", st)
	}
}
