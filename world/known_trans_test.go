package world_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// TestKnownTransitions_SameSearch: on the world, a dfs exploration that
// prunes runs by known transitions without running them (Explore) makes
// the same search as one that runs every run: the same complete and
// pruned runs and state hits within the same budget, and every run it
// does run ends as the corresponding run did (findings with their steps
// and messages, end states, guest logs), on rows with several VFs, with
// virtio-net and with findings. It runs fewer runs. With an oracle that
// remembers what it saw (the order of the events), the same holds when
// the oracle hashes what it keeps (state pruning then keeps apart the
// paths it saw differently), and no decision is pruned at all when it
// does not; an oracle whose hash leaves its memory out (a planted bug)
// changes the search.
func TestKnownTransitions_SameSearch(t *testing.T) {
	// history: the row also runs with the planted history oracles.
	rows := []struct {
		scenario string
		ed       spec.Edition
		knobs    []string
		runs     int
		history  bool
	}{
		{"reset-racing-stop", spec.Virtio14, []string{"reset-vs-mode=reply-on-start"}, 800, true},
		{"vfio-object-limit", spec.Draft2023, nil, 800, false},
		{"smoke-migrate", spec.Virtio14, nil, 800, true},
		{"net-rx-while-stopped", spec.Virtio14, nil, 1000, false},
	}
	if testing.Short() {
		rows = rows[:1]
		rows[0].runs = 300
	}
	kinds := []historyKind{historyNone, historyHashed, historyUnhashed, historyLeftOut}
	virtual := map[historyKind]int{}
	differ, historyFindings := 0, 0
	// complete counts each row's complete runs per kind.
	complete := map[string]map[historyKind]int{}
	for _, row := range rows {
		for _, kind := range kinds {
			if kind != historyNone && !row.history {
				continue
			}
			t.Run(fmt.Sprintf("%s/%s/%v/%s", row.scenario, row.ed, row.knobs, kind), func(t *testing.T) {
				s, err := catalog.CatalogScenario(row.scenario)
				require.NoError(t, err)
				tg, err := catalog.NewTarget(s, row.ed, row.knobs, nil)
				require.NoError(t, err)
				hist := &eventHistory{}
				tg.Oracles = oracle.All()
				switch kind {
				case historyHashed:
					tg.Oracles = append(tg.Oracles, hashedHistory{hist})
				case historyUnhashed:
					tg.Oracles = append(tg.Oracles, unhashedHistory{hist})
				case historyLeftOut:
					tg.Oracles = append(tg.Oracles, leftOutHistory{hist})
				}
				seed := engine.ScheduleSeed(1, 0)
				f, err := tg.Factory(seed)
				require.NoError(t, err)
				logged := func(out *[]string) engine.Factory {
					return func(st engine.Streams) (engine.System, error) {
						hist.h = 0 // one run at a time (Jobs 1): a new run forgets
						sys, err := f(st)
						if err != nil {
							return nil, err
						}
						return &runLog{World: sys.(*world.World), out: out}, nil
					}
				}
				cfg := engine.DFSConfig{Bound: 2, Reduction: engine.ReductionSleep, States: true}
				// want: every run run (no known transition used); got:
				// Explore.
				var want, got, unused []string
				wantPaths := dfsPaths(t, logged(&want), cfg, seed, row.runs, false)
				gotPaths := dfsPaths(t, logged(&unused), cfg, seed, row.runs, true)
				search := wantPaths.search
				sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: logged(&got), Strategy: engine.StrategyDFS,
					Bound: cfg.Bound, Reduction: cfg.Reduction, States: true, Schedules: row.runs, Seed: 1, Jobs: 1,
					MaxSteps: catalog.DefaultJudgeMaxSteps})
				require.NoError(t, err)
				virtual[kind] += sum.Schedules + sum.Pruned - sum.Executed
				if complete[row.scenario] == nil {
					complete[row.scenario] = map[historyKind]int{}
				}
				complete[row.scenario][kind] = sum.Schedules
				assert.LessOrEqual(t, sum.Executed, sum.Schedules+sum.Pruned)
				t.Logf("%d runs (%d complete, %d failing), %d executed", sum.Schedules+sum.Pruned, sum.Schedules, sum.Failing, sum.Executed)
				if kind == historyLeftOut {
					if fmt.Sprint(want) != fmt.Sprint(got) || !slices.Equal(wantPaths.paths, gotPaths.paths) {
						differ++
					}
					return
				}
				if kind != historyNone {
					historyFindings += countOracle(want, historyOracle)
				}
				assert.Equal(t, search.Runs(), sum.Schedules, "complete runs")
				assert.Equal(t, search.Pruned(), sum.Pruned, "pruned runs")
				assert.Equal(t, search.StateHits(), sum.StateHits, "state hits")
				assert.Equal(t, search.Done(), sum.Complete)
				assert.Equal(t, want, got, "the runs end the same way, in order")
				assert.Equal(t, want, unused, "the runs end the same way, in order")
				require.Equal(t, len(wantPaths.paths), len(gotPaths.paths), "runs")
				for i := range wantPaths.paths {
					require.Equal(t, wantPaths.paths[i], gotPaths.paths[i], "run %d takes the same path", i)
				}
			})
		}
	}
	assert.Positive(t, virtual[historyNone], "some runs were pruned without running")
	// The history oracle remembers the order of every event, which
	// differs between most paths to one state: state pruning keys a visit
	// on the judge hash too, so it keeps those paths apart and runs more
	// of them to the end within the same budget.
	for _, row := range rows {
		if row.history {
			c := complete[row.scenario]
			assert.Greater(t, c[historyHashed], c[historyNone], "%s: paths to one state with different histories are all explored", row.scenario)
		}
	}
	assert.Zero(t, virtual[historyUnhashed], "an oracle that keeps what it does not hash has every run run")
	assert.Positive(t, historyFindings, "the history oracle fires in some runs")
	assert.Positive(t, differ, "an oracle hash that leaves the history out changes the search")
}

// searched is a dfs search and the path of each of its runs, in order.
type searched struct {
	search *engine.DFS
	paths  []string
}

// dfsPaths searches f with cfg for at most runs runs, as Explore does when
// transitions is set (a run the search prunes by a known transition is not
// run), and records the path of every run, run or not.
func dfsPaths(t *testing.T, f engine.Factory, cfg engine.DFSConfig, seed uint64, runs int, transitions bool) searched {
	t.Helper()
	s := searched{search: engine.NewSearch(cfg)}
	r := engine.NewRunner(engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	for range runs {
		var res engine.Result
		var err error
		if transitions && s.search.Virtual(catalog.DefaultJudgeMaxSteps) {
			err = engine.ErrPruned
		} else {
			res, err = r.RunSeed(f, seed, s.search)
		}
		s.paths = append(s.paths, fmt.Sprint(s.search.Path()))
		if !s.search.Next(&res, err) {
			break
		}
	}
	return s
}

// countOracle counts the runs of a runLog that ended in a finding of the
// named oracle.
func countOracle(runs []string, name string) int {
	n := 0
	for _, r := range runs {
		var step int
		var o string
		if _, err := fmt.Sscanf(r, "step %d %s", &step, &o); err == nil && o == name+":" {
			n++
		}
	}
	return n
}

// historyKind is which history oracle a search adds to the built-in ones.
type historyKind int

const (
	historyNone historyKind = iota
	historyHashed
	historyUnhashed
	historyLeftOut
)

func (k historyKind) String() string {
	return [...]string{"builtin", "history-hashed", "history-unhashed", "history-left-out"}[k]
}

const historyOracle = "event-order"

// eventHistory is what the history oracles remember: a hash of who caused
// every event so far, in order (two paths to one world state differ in
// it when they order commuting steps differently).
type eventHistory struct{ h uint64 }

// unhashedHistory fires at an event that reaches a member the host has
// moved out of Active (never in a run without migration) when the events
// so far, in their order, hash to a multiple of 3: a verdict that depends
// on more than the world's state. It keeps its memory and does not hash
// it.
type unhashedHistory struct{ s *eventHistory }

func (unhashedHistory) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: historyOracle, Doc: "planted: depends on the order of the events"}
}

func (o unhashedHistory) CheckEvent(p *observe.EventPass) {
	o.s.h = deephash.String(o.s.h, p.Who)
	if o.s.h%3 != 0 {
		return
	}
	for i := range p.Members {
		if m := &p.Members[i]; m.Owner().Mode != spec.ModeActive {
			p.Report([]string{p.Who}, "events in the order %x reached %s", o.s.h, m.Name())
			return
		}
	}
}

// hashedHistory is the same oracle, hashing what it keeps.
type hashedHistory unhashedHistory

func (o hashedHistory) Info() observe.OracleInfo         { return unhashedHistory(o).Info() }
func (o hashedHistory) CheckEvent(p *observe.EventPass)  { unhashedHistory(o).CheckEvent(p) }
func (o hashedHistory) StateHash() uint64                { return o.s.h }
func (o leftOutHistory) Info() observe.OracleInfo        { return unhashedHistory(o).Info() }
func (o leftOutHistory) CheckEvent(p *observe.EventPass) { unhashedHistory(o).CheckEvent(p) }
func (leftOutHistory) StateHash() uint64                 { return 0 }

// leftOutHistory is the same oracle with a hash that leaves its memory out
// (a planted bug).
type leftOutHistory unhashedHistory
