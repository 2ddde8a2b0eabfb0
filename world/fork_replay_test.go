package world_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/footprint"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// forkByReplay is a world that copies itself (engine.Forker) by building a
// new world from the same seed and repeating, in order, every call the
// engine made on it that may change it: a copy exactly as far as the world
// is deterministic, at the cost of a replay. It checks the engine's half
// of the fork (engine.ExploreConfig.Fork: where a run restarts, with what
// runner state) on real worlds, where the world cannot copy itself yet.
type forkByReplay struct {
	*world.World
	f     engine.Factory
	seed  uint64
	calls []worldCall
	out   *endSink
}

type worldCall struct {
	kind callKind
	step engine.Step
	at   engine.VTime
	flag bool
}

type callKind uint8

const (
	callEnabled callKind = iota
	callBare
	callExecute
	callAdvance
	callEpoch
	callTrack
	callReplayed
	callHash
	callJudge
	callFootprint
)

func (w *forkByReplay) Enabled(buf []engine.Step) []engine.Step {
	w.calls = append(w.calls, worldCall{kind: callEnabled})
	return w.World.Enabled(buf)
}

func (w *forkByReplay) EnabledBare(buf []engine.Step) []engine.Step {
	w.calls = append(w.calls, worldCall{kind: callBare})
	return w.World.EnabledBare(buf)
}

func (w *forkByReplay) Execute(s engine.Step) *engine.Finding {
	w.calls = append(w.calls, worldCall{kind: callExecute, step: s})
	return w.out.step(w.World.Execute(s))
}

func (w *forkByReplay) Advance(t engine.VTime) {
	w.calls = append(w.calls, worldCall{kind: callAdvance, at: t})
	w.World.Advance(t)
}

func (w *forkByReplay) Epoch() bool {
	w.calls = append(w.calls, worldCall{kind: callEpoch})
	return w.World.Epoch()
}

func (w *forkByReplay) TrackState() {
	w.calls = append(w.calls, worldCall{kind: callTrack})
	w.World.TrackState()
}

func (w *forkByReplay) Replayed(judged bool) {
	w.calls = append(w.calls, worldCall{kind: callReplayed, flag: judged})
	w.World.Replayed(judged)
}

func (w *forkByReplay) StateHash() (uint64, bool) {
	w.calls = append(w.calls, worldCall{kind: callHash})
	return w.World.StateHash()
}

func (w *forkByReplay) JudgeHash() (uint64, bool) {
	w.calls = append(w.calls, worldCall{kind: callJudge})
	return w.World.JudgeHash()
}

func (w *forkByReplay) StepFootprint(s engine.Step) engine.Footprint {
	w.calls = append(w.calls, worldCall{kind: callFootprint, step: s})
	return w.World.StepFootprint(s)
}

func (w *forkByReplay) Finish() *engine.Finding {
	return w.out.end(w.World)
}

// Fork implements engine.Forker.
func (w *forkByReplay) Fork() (engine.System, bool) {
	sys, err := w.f(engine.NewStreams(w.seed))
	if err != nil {
		return nil, false
	}
	nw := sys.(*world.World)
	var buf []engine.Step
	for _, c := range w.calls {
		switch c.kind {
		case callEnabled:
			buf = nw.Enabled(buf[:0])
		case callBare:
			buf = nw.EnabledBare(buf[:0])
		case callExecute:
			if nw.Execute(c.step) != nil {
				nw.Close()
				return nil, false
			}
		case callAdvance:
			nw.Advance(c.at)
		case callEpoch:
			nw.Epoch()
		case callTrack:
			nw.TrackState()
		case callReplayed:
			nw.Replayed(c.flag)
		case callHash:
			nw.StateHash()
		case callJudge:
			nw.JudgeHash()
		case callFootprint:
			nw.StepFootprint(c.step)
		}
	}
	return &forkByReplay{World: nw, f: w.f, seed: w.seed, calls: slices.Clone(w.calls), out: w.out}, true
}

// forkRow is a catalog row a fork test searches: scenario, edition,
// knobs and the runs of its dfs search.
type forkRow struct {
	scenario string
	ed       spec.Edition
	knobs    []string
	runs     int
}

// forkRows are the rows of every kind both fork tests search (blk and
// net, one VF and several, peers, VFIO and QEMU flows, both editions,
// rows with findings).
var forkRows = []forkRow{
	{"smoke-migrate", spec.Virtio14, nil, 60},
	{"smoke-migrate", spec.Draft2023, nil, 60},
	{"net-link-while-stopped", spec.Virtio14, nil, 60},
	{"net-rx-while-stopped", spec.Draft2023, nil, 60},
	{"flr-during-freeze", spec.Draft2023, nil, 100},
	{"reset-racing-stop", spec.Virtio14, []string{"reset-vs-mode=reply-on-start"}, 60},
	{"kick-during-stop", spec.Virtio14, []string{"resume-avail=latched-only"}, 60},
	{"vfio-object-limit", spec.Draft2023, nil, 60},
	{"vm-p2p-doorbells", spec.Draft2023, nil, 60},
	{"vm-two-guests", spec.Virtio14, nil, 60},
	{"pf-flr-with-admin-outstanding", spec.Virtio14, nil, 60},
	{"rollback-after-failed-destination", spec.Virtio14, nil, 60},
	{"precopy-then-delta", spec.Draft2023, nil, 60},
	{"vfio-error-paths", spec.Virtio14, nil, 60},
}

// TestFork_SameSearchOnWorlds: on catalog rows of every kind (blk and
// net, one VF and several, peers, VFIO and QEMU flows, both editions,
// rows with findings), a dfs search at bound 2 with state pruning whose
// runs start from copies of the world (engine.ExploreConfig.Fork, the
// copies made by forkByReplay) runs the same runs as one that replays
// every path: the same choices, footprints, preemptions, clock, trace and
// interleaving hashes, findings, end states and guest logs, in the same
// order, with the same counts. The search without the fork is
// forkSearches' (TestFork_RealSameSearch's reference): nothing forks
// there, so the search is the same whether a forkOut or a forkByReplay
// wraps its worlds.
func TestFork_SameSearchOnWorlds(t *testing.T) {
	rows := forkRows
	if testing.Short() {
		rows = rows[:3]
	}
	failing := 0
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/%s/%v", row.scenario, row.ed, row.knobs), func(t *testing.T) {
			on := searchFork(t, row, true, false, func(w *world.World, f engine.Factory, seed uint64, ends *endSink) engine.System {
				return &forkByReplay{World: w, f: f, seed: seed, out: ends}
			})
			n, st := sameForkSearch(t, unforkedSearch(t, row).search, on, func() (forkSearch, forkSearch) {
				return searchFork(t, row, false, false, wrapForkOut), on
			})
			failing += n
			t.Logf("%d failing, %d from copies (%d decisions not replayed), %d replayed; %d copies kept",
				n, st.Restored, st.SkippedDecisions, st.Replayed, st.Taken)
		})
	}
	if !testing.Short() {
		assert.Positive(t, failing, "some rows' runs find violations")
	}
}

// forkSearch is one dfs search of a fork test: its summary, every run (as
// runText renders it) and every end (endSink's), or their digests.
type forkSearch struct {
	sum  engine.Summary
	runs []string
	ends []string
	// digested: runs and ends hold the digests of the texts (digest).
	digested bool
}

// searchFork runs row's dfs search at bound 2 with state pruning, with the
// fork when fork is set, on the systems wrap makes of the worlds the
// target builds (which record their actors when record is set and the
// fork is on).
func searchFork(t *testing.T, row forkRow, fork, record bool,
	wrap func(w *world.World, f engine.Factory, seed uint64, ends *endSink) engine.System) forkSearch {
	t.Helper()
	s, err := catalog.CatalogScenario(row.scenario)
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, row.ed, row.knobs, nil)
	require.NoError(t, err)
	tg.RecordActors = record && fork
	seed := engine.ScheduleSeed(1, 0)
	f, err := tg.Factory(seed)
	require.NoError(t, err)
	var r forkSearch
	var sink endSink
	wrapped := func(st engine.Streams) (engine.System, error) {
		sys, err := f(st)
		if err != nil {
			return nil, err
		}
		return wrap(sys.(*world.World), f, seed, &sink), nil
	}
	r.sum, err = engine.Explore(context.Background(), engine.ExploreConfig{Factory: wrapped, Strategy: engine.StrategyDFS,
		Bound: 2, Reduction: engine.ReductionSleep, States: true, Schedules: row.runs, Seed: 1, Jobs: 1,
		MaxSteps: catalog.DefaultJudgeMaxSteps, Fork: fork,
		AfterRun: func(res engine.Result, err error) { r.runs = append(r.runs, runText(res, err)) }})
	require.NoError(t, err)
	r.ends = sink.ends
	return r
}

// digest returns r with every run and end replaced by its SHA-256: what
// forkSearches keeps of a search (the texts of every row's runs took
// about 200 MB, which the collector's target made a gigabyte).
func (r forkSearch) digest() forkSearch {
	if r.digested {
		return r
	}
	sum := func(ss []string) []string {
		out := make([]string, len(ss))
		for i, s := range ss {
			out[i] = fmt.Sprintf("%x", sha256.Sum256([]byte(s)))
		}
		return out
	}
	return forkSearch{sum: r.sum, runs: sum(r.runs), ends: sum(r.ends), digested: true}
}

// sameForkSearch requires that on, row's search with the fork, ran the
// same runs in the same order as off, the search without it, with the
// same ends and the same summary; it returns the failing runs and the
// fork's counts. The runs and ends are compared by their digests when
// either search holds only those; when they differ, the test fails and
// rerun runs both searches again for their texts, which the failure
// shows.
func sameForkSearch(t *testing.T, off, on forkSearch, rerun func() (off, on forkSearch)) (int, engine.ForkStats) {
	t.Helper()
	require.NotNil(t, on.sum.Fork)
	st := *on.sum.Fork
	if off.digested || on.digested {
		if d, e := off.digest(), on.digest(); !slices.Equal(d.runs, e.runs) || !slices.Equal(d.ends, e.ends) {
			assert.Fail(t, "the searches' runs or ends differ: both run again for their texts")
			off, on = rerun()
		} else {
			off, on = d, e
		}
	}
	assert.Equal(t, off.runs, on.runs, "every run is the same")
	assert.Equal(t, off.ends, on.ends, "every run ends the same way")
	on.sum.Fork, on.sum.Elapsed, off.sum.Elapsed = nil, 0, 0
	assert.Equal(t, off.sum, on.sum)
	assert.Equal(t, len(on.runs), st.Restored+st.Replayed)
	assert.Positive(t, st.Restored, "runs start from copies")
	return on.sum.Failing, st
}

// runText renders what a comparison of runs looks at. It writes into one
// builder: a run has hundreds of choices, and appending each to a string
// copied the whole text so far every time (quadratic: three fifths of
// TestFork_SampledSame's CPU). Each choice is written with strconv, its
// footprint as footprint.Footprint.String writes it: through fmt, the
// choices took three fifths of the fork searches' CPU.
func runText(res engine.Result, err error) string {
	var b strings.Builder
	fmt.Fprintf(&b, "trace %x inter %x pre %d now %d", res.TraceHash, res.Interleaving, res.Preemptions, res.Now)
	var buf []byte
	for _, c := range res.Choices {
		buf = append(buf[:0], ' ')
		buf = strconv.AppendInt(buf, int64(c.Index), 10)
		buf = append(buf, ':')
		buf = strconv.AppendInt(buf, int64(c.Actor), 10)
		buf = append(buf, ':')
		buf = append(buf, c.Label...)
		buf = append(buf, ':')
		buf = strconv.AppendBool(buf, c.Preempt)
		buf = append(buf, ':')
		buf = c.Footprint.Append(buf)
		b.Write(buf)
	}
	if res.Finding != nil {
		fmt.Fprintf(&b, " finding %d %s: %s", res.Finding.Step, res.Finding.Oracle, res.Finding.Message)
	}
	if err != nil {
		b.WriteString(" err " + err.Error())
	}
	return b.String()
}

// TestRunText_ChoicesAsFmtWritesThem: runText writes every choice as
// fmt's " %d:%d:%s:%v:%s" writes it (its footprint as
// footprint.Footprint.String), so the texts the fork tests compare, and
// show when they differ, are fmt's.
func TestRunText_ChoicesAsFmtWritesThem(t *testing.T) {
	r := footprint.ResourceID
	fps := []engine.Footprint{{}, footprint.Reads(r(1, 2, 3)), footprint.Writes(r(4, 0, 0), r(1, 2, 3)),
		footprint.New([]footprint.Resource{r(2, 7, 9), 0, 1 << 63}, []footprint.Resource{r(3, 1, 1)})}
	var res engine.Result
	want := fmt.Sprintf("trace %x inter %x pre %d now %d", res.TraceHash, res.Interleaving, res.Preemptions, res.Now)
	for i, fp := range fps {
		c := engine.Choice{Index: i*7 - 1, Actor: i, Label: fmt.Sprintf("vcpu%d: write 0x%x", i, i), Preempt: i%2 == 1, Footprint: fp}
		res.Choices = append(res.Choices, c)
		want += fmt.Sprintf(" %d:%d:%s:%v:%s", c.Index, c.Actor, c.Label, c.Preempt, c.Footprint)
	}
	assert.Equal(t, want, runText(res, nil))
}
