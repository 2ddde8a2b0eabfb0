package world_test

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// forkOut is a world that copies itself with World.Fork and writes its
// findings and its end (end state hash, guest log) to out, as forkByReplay
// does: a built or restored world (World set) forks into a kept copy (kept
// set), which forks into a runnable one.
type forkOut struct {
	*world.World
	kept engine.System
	out  *endSink
}

// endSink collects the findings and ends of the runs of an exploration,
// whose jobs may run side by side.
type endSink struct {
	mu   sync.Mutex
	ends []string
}

func (s *endSink) add(e string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ends = append(s.ends, e)
}

// step notes a step's finding f, if any, and returns it.
func (s *endSink) step(f *engine.Finding) *engine.Finding {
	if f != nil {
		s.add(fmt.Sprintf("step %d %s: %s %v %s", f.Step, f.Oracle, f.Message, f.Reqs, f.Actors))
	}
	return f
}

// end finishes w's run and notes how it ended: its finding, its state and
// its guest log.
func (s *endSink) end(w *world.World) *engine.Finding {
	f := w.Finish()
	s.add(fmt.Sprintf("end %s %x %x", findingOracle(f), w.CanonicalStateHash(), deephash.Hash(w.GuestLog())))
	return f
}

func (w *forkOut) Execute(s engine.Step) *engine.Finding { return w.out.step(w.World.Execute(s)) }

func (w *forkOut) Finish() *engine.Finding { return w.out.end(w.World) }

// Fork implements engine.Forker.
func (w *forkOut) Fork() (engine.System, bool) {
	if w.kept == nil {
		k, ok := w.World.Fork()
		if !ok {
			return nil, false
		}
		return &forkOut{kept: k, out: w.out}, true
	}
	return w.runnable(w.kept.(engine.Forker).Fork())
}

// Take implements engine.Taker.
func (w *forkOut) Take() (engine.System, bool) { return w.runnable(w.kept.(engine.Taker).Take()) }

// ForkLast implements engine.LastForker.
func (w *forkOut) ForkLast() (engine.System, bool) {
	return w.runnable(w.kept.(engine.LastForker).ForkLast())
}

// runnable wraps a runnable copy of the kept world.
func (w *forkOut) runnable(sys engine.System, ok bool) (engine.System, bool) {
	if !ok {
		return nil, false
	}
	return &forkOut{World: sys.(*world.World), out: w.out}, true
}

func (w *forkOut) Close() {
	if w.kept != nil {
		w.kept.(engine.Closer).Close()
		return
	}
	w.World.Close()
}

// TestFork_RealSameSearch: the searches of TestFork_SameSearchOnWorlds,
// and rows with several VFs, peers, VFIO and QEMU flows, rollback and
// net, with runs that start from copies the world makes of itself
// (World.Fork: its data copied, its actors rebuilt from their records),
// run the same runs in the same order as searches that replay every path
// on worlds that do not record their actors: the same choices,
// footprints, preemptions, clock, trace and interleaving hashes,
// findings, end states and guest logs, with the same counts. The
// searches are TestFork_KeptGraphsStayFrozen's (forkSearches): run once,
// under worldcopy.CheckFrozen, which changes no copy whose graph stayed as
// its first copy left it, and no kept graph changed.
func TestFork_RealSameSearch(t *testing.T) {
	rows := realForkRows()
	if testing.Short() {
		rows = rows[:3]
	}
	failing, takenOver := 0, 0
	for _, row := range rows {
		t.Run(fmt.Sprintf("%s/%s/%v", row.scenario, row.ed, row.knobs), func(t *testing.T) {
			on := realForkSearch(t, row)
			require.Empty(t, on.changed, "kept graphs written after their first copy")
			n, st := sameForkSearch(t, unforkedSearch(t, row).search, on.search, rerunRealFork(t, row))
			failing += n
			takenOver += st.TakenOver
			t.Logf("%d failing, %d from copies (%d decisions not replayed, %d from the kept copy itself), %d replayed; %d copies kept",
				n, st.Restored, st.SkippedDecisions, st.TakenOver, st.Replayed, st.Taken)
		})
	}
	if !testing.Short() {
		assert.Positive(t, failing, "some rows' runs find violations")
		assert.Positive(t, takenOver, "some runs start from the kept copy itself (engine.Taker)")
		t.Logf("refused copies: %q", world.ForkRefusals())
	}
}

// realForkRows are the rows the tests of World.Fork search: forkRows and
// rows with several VFs, peers, VFIO and QEMU flows, rollback and net.
func realForkRows() []forkRow {
	return append(slices.Clone(forkRows), []forkRow{
		{"vm-8-of-1024", spec.Virtio14, nil, 60},
		{"vm-p2p-doorbells-no-stop", spec.Virtio14, nil, 60},
		{"peer-kick-frozen", spec.Draft2023, nil, 60},
		{"peer-mmio-writes-stopped", spec.Virtio14, nil, 60},
		{"vm-load-fails-rollback", spec.Draft2023, nil, 60},
		{"vm-load-fails-after-partial-resume", spec.Virtio14, nil, 60},
		{"net-tx-in-flight-at-stop", spec.Virtio14, nil, 60},
		{"net-cvq-in-flight-at-stop", spec.Draft2023, nil, 60},
		{"compat-corrupt-load", spec.Virtio14, nil, 60},
		{"flr-while-stopped", spec.Virtio14, nil, 60},
	}...)
}

// TestFork_Kinds: a world that does not record its actors refuses to copy
// itself; one that does forks into a kept copy, which panics when run and
// forks into a runnable copy in the original's state, which runs on as the
// original does.
func TestFork_Kinds(t *testing.T) {
	build := func(record bool) *world.World {
		s, err := catalog.CatalogScenario("smoke-migrate")
		require.NoError(t, err)
		tg, err := catalog.NewTarget(s, spec.Virtio14, nil, nil)
		require.NoError(t, err)
		tg.RecordActors = record
		f, err := tg.Factory(engine.ScheduleSeed(1, 0))
		require.NoError(t, err)
		sys, err := f(engine.NewStreams(engine.ScheduleSeed(1, 0)))
		require.NoError(t, err)
		return sys.(*world.World)
	}
	plain := build(false)
	defer plain.Close()
	_, ok := plain.Fork()
	require.False(t, ok, "a world that does not record its actors cannot rebuild them")

	orig := build(true)
	defer orig.Close()
	var buf []engine.Step
	for range 20 { // into the run, the first pick each time
		buf = orig.Enabled(buf[:0])
		require.NotEmpty(t, buf)
		require.Nil(t, orig.Execute(buf[0]))
	}
	kept, ok := orig.Fork()
	require.True(t, ok)
	_, isWorld := kept.(*world.World)
	require.False(t, isWorld, "the copy of a running world is a kept copy")
	sized, ok := kept.(engine.ForkSizer)
	require.True(t, ok, "a kept copy says its size, which bounds the copies a search keeps")
	assert.Greater(t, sized.ForkBytes(), int64(1000), "a kept copy holds the world's data")
	for name, run := range map[string]func(){
		"Enabled": func() { kept.Enabled(nil) },
		"Execute": func() { kept.Execute(engine.Step{}) },
		"Done":    func() { kept.Done() },
	} {
		require.PanicsWithValue(t, "world: "+name+" called on a kept copy of the world, whose actors are not rebuilt: fork it to run it", run, name)
	}
	sys, ok := kept.(engine.Forker).Fork()
	require.True(t, ok)
	cp := sys.(*world.World)
	defer cp.Close()
	kept.(engine.Closer).Close()
	require.Equal(t, orig.CanonicalStateHash(), cp.CanonicalStateHash())
	var cbuf []engine.Step
	for step := 0; !orig.Done(); step++ {
		buf, cbuf = orig.Enabled(buf[:0]), cp.Enabled(cbuf[:0])
		require.Equal(t, buf, cbuf, "step %d", step)
		if len(buf) == 0 {
			at, ok := orig.NextTimer()
			require.True(t, ok, "step %d", step)
			orig.Advance(at)
			cp.Advance(at)
			continue
		}
		pick := buf[step%len(buf)]
		require.Equal(t, orig.Execute(pick), cp.Execute(pick), "step %d", step)
		require.Equal(t, orig.CanonicalStateHash(), cp.CanonicalStateHash(), "step %d", step)
	}
	require.True(t, cp.Done())
	require.Equal(t, orig.Finish(), cp.Finish())
	require.Equal(t, orig.GuestLog(), cp.GuestLog())
}

// TestFork_LastCopyRefuses: a runnable copy made by ForkLast records
// nothing more, so a copy of it could not rebuild its actors: it refuses
// to copy itself, before and after it runs on, instead of handing out a
// kept copy whose records stop short.
func TestFork_LastCopyRefuses(t *testing.T) {
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, spec.Virtio14, nil, nil)
	require.NoError(t, err)
	tg.RecordActors = true
	f, err := tg.Factory(engine.ScheduleSeed(1, 0))
	require.NoError(t, err)
	sys, err := f(engine.NewStreams(engine.ScheduleSeed(1, 0)))
	require.NoError(t, err)
	orig := sys.(*world.World)
	defer orig.Close()
	var buf []engine.Step
	for range 20 {
		buf = orig.Enabled(buf[:0])
		require.NotEmpty(t, buf)
		require.Nil(t, orig.Execute(buf[0]))
	}
	k, ok := orig.Fork()
	require.True(t, ok)
	defer k.(engine.Closer).Close()
	last, ok := k.(engine.LastForker).ForkLast()
	require.True(t, ok)
	lw := last.(*world.World)
	defer lw.Close()
	_, ok = lw.Fork()
	require.False(t, ok, "a copy of a world that records nothing more")
	buf = lw.Enabled(buf[:0])
	require.NotEmpty(t, buf)
	require.Nil(t, lw.Execute(buf[0]))
	_, ok = lw.Fork()
	require.False(t, ok, "a copy of a world that records nothing more, a step on")
	again, ok := k.(engine.Forker).Fork()
	require.True(t, ok, "the kept copy still makes runnable copies")
	again.(engine.Closer).Close()
}
