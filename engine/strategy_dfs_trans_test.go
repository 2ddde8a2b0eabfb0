package engine

import (
	"fmt"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDFS_KnownTransitionsSameSearch: a dfs exploration with state
// pruning that prunes runs by known transitions without running them
// (Explore) visits the same decisions as the search that runs every run:
// the same complete and pruned runs, state hits and outcomes in order, on
// generated systems, bounded and not. The systems' checks either keep
// nothing (their judge hash is constant) or keep a history the state hash
// leaves out, which their judge hash covers. Known transitions prune runs
// only for systems that have a judge hash.
func TestDFS_KnownTransitionsSameSearch(t *testing.T) {
	for _, kind := range []transKind{transKeepsNothing, transHistoryHashed, transNoJudgeHash} {
		t.Run(kind.String(), func(t *testing.T) {
			virtual := 0
			for sys := range transSystems() {
				for _, cfg := range transConfigs {
					want, got, sum := compareTransitions(t, sys, kind, cfg)
					assert.Equal(t, want, got, "system %d %+v: the runs' outcomes, in order", sys, cfg)
					virtual += sum.Schedules + sum.Pruned - sum.Executed
				}
			}
			if kind == transNoJudgeHash {
				assert.Zero(t, virtual, "a system without a judge hash has every run run")
				return
			}
			assert.Positive(t, virtual, "known transitions pruned runs without running them")
			t.Logf("%d runs pruned without running", virtual)
		})
	}
}

// TestDFS_KnownTransitionsNeedTheJudgeHash: the systems whose checks keep
// a history, with a judge hash that leaves it out (it claims the checks
// keep nothing), lose findings to known transitions on some systems: the
// search compared in TestDFS_KnownTransitionsSameSearch tells, and the
// judge hash is what keeps it sound.
func TestDFS_KnownTransitionsNeedTheJudgeHash(t *testing.T) {
	differ := 0
	for sys := range transSystems() {
		for _, cfg := range transConfigs {
			want, got, _ := compareTransitions(t, sys, transHistoryLeftOut, cfg)
			if fmt.Sprint(want) != fmt.Sprint(got) {
				differ++
			}
		}
	}
	assert.Positive(t, differ, "a judge hash that leaves the checks' history out changes the search")
	t.Logf("%d of %d searches differ", differ, transSystems()*len(transConfigs))
}

// transSystems is how many generated systems the known-transition tests
// search: 60, or 20 under -short.
func transSystems() int {
	if testing.Short() {
		return 20
	}
	return 60
}

var transConfigs = []DFSConfig{{Reduction: ReductionSleep, States: true, Bound: 2},
	{Reduction: ReductionSleep, States: true, Bound: 1}, {Reduction: ReductionSleep, States: true, Bound: -1},
	{Reduction: ReductionNone, States: true, Bound: 2}}

// compareTransitions explores generated system sys with checks of kind
// under cfg twice: running every run of the search (want), and through
// Explore, which prunes runs by known transitions (got); the search as
// Explore runs it, run by run, gives the path of every run, run or not
// (searchTrans: the searches of transHistoryHashed systems are
// TestDFS_StateCap's too, run once). It checks that the counts agree and
// returns both runs' outcomes and Explore's summary.
func compareTransitions(t *testing.T, sys int, kind transKind, cfg DFSConfig) (want, got []string, sum Summary) {
	t.Helper()
	r := searchTrans(t, sys, kind, cfg)
	want, sum = r.allLog, r.sum
	if kind != transHistoryLeftOut {
		assert.Equal(t, r.allPaths, r.knownPaths, "%+v: every run, run or pruned by a known transition, takes the same path", cfg)
	} else if !slices.Equal(r.allPaths, r.knownPaths) {
		got = append(got, "paths differ")
	}
	got = append(got, r.exploreLog...)
	if kind != transHistoryLeftOut {
		assert.Equal(t, r.all.Runs(), sum.Schedules, "%+v: complete runs", cfg)
		assert.Equal(t, r.all.Pruned(), sum.Pruned, "%+v: pruned runs", cfg)
		assert.Equal(t, r.all.StateHits(), sum.StateHits, "%+v: state hits", cfg)
	}
	assert.True(t, sum.Complete)
	assert.LessOrEqual(t, sum.Executed, sum.Schedules+sum.Pruned)
	return want, got, sum
}

// transKind is what a generated system's checks keep and what its judge
// hash says of it.
type transKind int

const (
	// transKeepsNothing: the checks judge a step from the state alone;
	// the judge hash is constant.
	transKeepsNothing transKind = iota
	// transHistoryHashed: a check also reads the sum of every value
	// written so far, which the state hash leaves out; the judge hash is
	// that sum.
	transHistoryHashed
	// transNoJudgeHash: the same checks, and no JudgeHasher.
	transNoJudgeHash
	// transHistoryLeftOut: the same checks, and a constant judge hash (a
	// planted bug).
	transHistoryLeftOut
)

func (k transKind) String() string {
	return [...]string{"keeps-nothing", "history-hashed", "no-judge-hash", "history-left-out"}[k]
}

// transLog is a generated system that logs every finding of its runs
// (every prop run ends in one) with the step it came at. With history, a
// write also adds its value to a sum the state hash leaves out, and a
// check of a variable finds "history" when the sum is odd.
type transLog struct {
	*propSys
	log     *[]string
	history bool
	sum     int
	steps   int
}

func (o *transLog) Execute(st Step) *Finding {
	o.steps++
	f := o.propSys.Execute(st)
	if in := o.progs[st.Actor][o.pc[st.Actor]-1]; o.history && f == nil {
		switch in.op {
		case pWrite, pInc, pChoice:
			o.sum += o.vars[in.v] + o.vars[in.w]
		case pCheck:
			if o.sum%2 == 1 {
				f = &Finding{Oracle: "history", Message: fmt.Sprintf("%s saw an odd sum %d", o.names[st.Actor], o.sum)}
			}
		}
	}
	if f != nil {
		*o.log = append(*o.log, fmt.Sprintf("%s at %d: %s", f.Oracle, o.steps, f.Message))
	}
	return f
}

func (o *transLog) Finish() *Finding {
	f := o.propSys.Finish()
	*o.log = append(*o.log, fmt.Sprintf("%s at %d: %s", f.Oracle, o.steps, f.Message))
	return f
}

// transJudged is a transLog with a judge hash: the sum when honest,
// nothing otherwise.
type transJudged struct {
	*transLog
	honest bool
}

func (o *transJudged) JudgeHash() (uint64, bool) {
	if o.honest {
		return uint64(o.sum), true
	}
	return 0, true
}

func newTransSys(progs [][]propInstr, vars int, kind transKind, log *[]string) System {
	l := &transLog{propSys: newPropSys(progs, vars), log: log, history: kind != transKeepsNothing}
	switch kind {
	case transNoJudgeHash:
		return l
	case transHistoryLeftOut:
		return &transJudged{transLog: l}
	}
	return &transJudged{transLog: l, honest: true}
}
