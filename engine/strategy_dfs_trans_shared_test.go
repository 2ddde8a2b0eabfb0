package engine

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// transGen is the shape of the generated systems the known-transition
// tests (TestDFS_KnownTransitionsSameSearch,
// TestDFS_KnownTransitionsNeedTheJudgeHash) and TestDFS_StateCap search.
var transGen = propGen{actors: 4, instrs: 4, vars: 2, total: 12}

// transSearch is what the three searches of one generated system under
// one DFSConfig found, each run to its end with one job:
//   - every run run (no known transition used): the search, the path of
//     each run, the system's log and the outcomes of the runs that ran;
//   - as Explore runs it (a run a known transition prunes is not run):
//     the path of each run, run or not, the system's log, and the visits
//     remembered and the transitions known after each run;
//   - Explore itself (with the fixed clock: its summary's time is the
//     same in every process): its summary and the system's log.
type transSearch struct {
	all      *DFS
	allPaths []string
	allLog   []string
	outcomes map[string]bool

	knownPaths    []string
	knownLog      []string
	visits, trans []int

	sum        Summary
	exploreLog []string
}

// hashedTransSearches keeps, once per test process, the searches of the
// systems whose checks keep a history their judge hash covers
// (transHistoryHashed) under transConfigs: TestDFS_KnownTransitionsSameSearch
// compares them with one another, and TestDFS_StateCap compares the
// searches with a capped table with them. Each search is deterministic:
// both tests assert on the same runs instead of searching again.
var hashedTransSearches struct {
	sync.Mutex
	m map[string]*transSearch
}

// searchTrans returns the searches of generated system sys with checks of
// kind under cfg, run once per test process for transHistoryHashed.
// Callers must not change what it returns.
func searchTrans(t *testing.T, sys int, kind transKind, cfg DFSConfig) *transSearch {
	t.Helper()
	if kind != transHistoryHashed {
		return runTransSearches(t, sys, kind, cfg)
	}
	hashedTransSearches.Lock()
	defer hashedTransSearches.Unlock()
	key := fmt.Sprintf("%d %+v", sys, cfg)
	if r, ok := hashedTransSearches.m[key]; ok {
		return r
	}
	r := runTransSearches(t, sys, kind, cfg)
	if hashedTransSearches.m == nil {
		hashedTransSearches.m = map[string]*transSearch{}
	}
	hashedTransSearches.m[key] = r
	return r
}

// runTransSearches runs the three searches of transSearch. The systems
// do not read their streams, so every run's seed is the same one.
func runTransSearches(t *testing.T, sys int, kind transKind, cfg DFSConfig) *transSearch {
	t.Helper()
	progs := genProp(NewStream(uint64(sys), StreamWorkload), transGen)
	logged := func(log *[]string) Factory {
		return func(Streams) (System, error) { return newTransSys(progs, transGen.vars, kind, log), nil }
	}
	r := &transSearch{outcomes: map[string]bool{}}
	// Every run run.
	r.all = NewSearch(cfg)
	f, run := logged(&r.allLog), NewRunner(RunConfig{MaxSteps: 200})
	for n := 0; ; n++ {
		require.Less(t, n, 1_000_000, "search does not end")
		res, err := run.RunSeed(f, 1, r.all)
		if err == nil {
			if res.Finding != nil {
				r.outcomes[res.Finding.Oracle+": "+res.Finding.Message] = true
			}
		} else if !errors.Is(err, ErrForeign) {
			require.ErrorIs(t, err, ErrPruned)
		}
		r.allPaths = append(r.allPaths, fmt.Sprint(r.all.Path()))
		if !r.all.Next(&res, err) {
			break
		}
	}
	// As Explore runs it.
	s := NewSearch(cfg)
	f, run = logged(&r.knownLog), NewRunner(RunConfig{MaxSteps: 200})
	for n := 0; ; n++ {
		require.Less(t, n, 1_000_000)
		var res Result
		var err error
		if s.Virtual(200) {
			err = ErrPruned
		} else {
			res, err = run.RunSeed(f, 1, s)
		}
		r.knownPaths = append(r.knownPaths, fmt.Sprint(s.Path()))
		more := s.Next(&res, err)
		v, tr := s.s.Remembered()
		r.visits, r.trans = append(r.visits, v), append(r.trans, tr)
		if !more {
			break
		}
	}
	// Explore, with the default cap (StateCap 0, which Explore takes
	// too).
	var err error
	r.sum, err = exploreAnyCap(context.Background(), ExploreConfig{Factory: logged(&r.exploreLog), Strategy: StrategyDFS,
		Bound: cfg.Bound, Reduction: cfg.Reduction, States: true, Schedules: 1 << 30, Jobs: 1, MaxSteps: 200, Clock: fixedClock})
	require.NoError(t, err)
	return r
}
