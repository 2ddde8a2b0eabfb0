package world_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest/blk"
	"github.com/migsim/migsim/member"
	memberblk "github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// freshWorld builds smoke-migrate's world under ed, hashing from its
// first step on.
func freshWorld(t *testing.T, ed spec.Edition) *world.World {
	t.Helper()
	w := smokeWorlds(t, ed)()
	_, ok := w.StateHash()
	require.True(t, ok)
	return w
}

// catalogFactory returns the factory of a catalog scenario's worlds under
// ed with knobs, as the judge builds them for schedule seed.
func catalogFactory(t *testing.T, name string, ed spec.Edition, knobs []string, seed uint64) engine.Factory {
	t.Helper()
	s, err := catalog.CatalogScenario(name)
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, ed, knobs, nil)
	require.NoError(t, err)
	f, err := tg.Factory(seed)
	require.NoError(t, err)
	return f
}

// smokeWorlds returns a builder of smoke-migrate's worlds under ed, all of
// the same seed.
func smokeWorlds(t *testing.T, ed spec.Edition) func() *world.World {
	t.Helper()
	f := catalogFactory(t, "smoke-migrate", ed, nil, engine.ScheduleSeed(1, 0))
	return func() *world.World {
		sys, err := f(engine.NewStreams(engine.ScheduleSeed(1, 0)))
		require.NoError(t, err)
		w := sys.(*world.World)
		t.Cleanup(w.Close)
		return w
	}
}

// TestStateHash_PendingInterrupts: states that differ only in the
// interrupts pending for a vCPU hash apart. A weak hash combiner once
// hashed [1] like [] (the list's length mixed with its only element
// cancelled out), and dfs with state pruning merged a run whose interrupt
// was delivered before the vCPUs halted with one whose interrupt was held.
func TestStateHash_PendingInterrupts(t *testing.T) {
	lists := [][]uint16{nil, {0}, {1}, {2}, {1, 1}, {1, 2}, {2, 1}, {0, 1, 2}}
	for _, ed := range spec.Editions {
		w := freshWorld(t, ed)
		seen := map[uint64][]uint16{}
		for _, l := range lists {
			w.SetGuestIRQs(0, l)
			h, ok := w.StateHash()
			require.True(t, ok)
			prev, dup := seen[h]
			assert.False(t, dup, "%s: pending %v hashes like %v", ed, l, prev)
			seen[h] = l
		}
	}
}

// TestStateHash_OwnerRecord: what the host knows of its members (an admin
// command outstanding, modes, FLRs) is part of the state: the hypervisor
// reads it (OwnerFrozen, Auditable) and the oracles judge with it.
func TestStateHash_OwnerRecord(t *testing.T) {
	w := freshWorld(t, spec.Virtio14)
	before, _ := w.StateHash()
	w.SubmitForTest(adminq.Command{Opcode: 0x5, Group: spec.GroupSRIOV, Member: 1})
	after, _ := w.StateHash()
	assert.NotEqual(t, before, after, "a command outstanding for a member changes the state")
}

// TestStateHash_PostedWritesAreShared: the writes in flight on the bus are
// shared state, in the hash a step that may touch everything records in
// its chain (such a step may push them ahead of itself), not only in the
// whole state's.
func TestStateHash_PostedWritesAreShared(t *testing.T) {
	w := freshWorld(t, spec.Draft2023)
	before := w.SharedHash()
	w.PostWriteForTest(0x3000, []byte{0, 0})
	assert.NotEqual(t, before, w.SharedHash(), "a write in flight changes the shared state")
}

// TestStateHash_TrackStateLikeFirstHash: a run told to track its state
// before its first step (engine.StateTracker, so a replayed first decision
// costs no hash) hashes every later state as a run whose first state was
// hashed, along a whole run of smoke-migrate under each edition; without
// either, the world refuses to hash after its first step.
func TestStateHash_TrackStateLikeFirstHash(t *testing.T) {
	for _, ed := range spec.Editions {
		hashed := freshWorld(t, ed)
		build := smokeWorlds(t, ed)
		tracked, untracked := build(), build()
		tracked.TrackState()
		steps := 0
		for ; !hashed.Done() && steps < 2000; steps++ {
			en := hashed.Enabled(nil)
			if len(en) == 0 {
				break // the clock would move: far enough
			}
			for _, w := range []*world.World{hashed, tracked, untracked} {
				require.Nil(t, w.Execute(en[0]), "%s step %d", ed, steps)
			}
			want, ok := hashed.StateHash()
			require.True(t, ok)
			got, ok := tracked.StateHash()
			require.True(t, ok)
			require.Equal(t, want, got, "%s: state after step %d (%s)", ed, steps, en[0].Label)
		}
		assert.Greater(t, steps, 50, "%s: the run went on", ed)
		_, ok := untracked.StateHash()
		assert.False(t, ok, "%s: a run not tracked from its first step cannot hash", ed)
	}
}

// waitingGuest runs smoke-migrate's guest alone under ed until it waits
// for the completion of its first write (its kick still in flight or
// queued, the device not run), and returns the world and its hash there.
func waitingGuest(t *testing.T, ed spec.Edition) (*world.World, uint64) {
	t.Helper()
	w := freshWorld(t, ed)
	for i := 0; w.GuestLabel(0) != "vcpu0:wait-irq"; i++ {
		require.Less(t, i, 500, "the guest never waits")
		require.NotEmpty(t, w.GuestLabel(0), "the guest ended")
		w.StepGuest(0)
	}
	h, ok := w.StateHash()
	require.True(t, ok)
	return w, h
}

// TestStateHash_CleanWait: a guest waiting for an interrupt in its
// driver's wait loop is its operation and its driver's fields, not what it
// read to get there. A spurious interrupt it handles (nothing completed)
// brings it back to the same state: the hash said otherwise while the
// guest's chain recorded every value it read. A driver whose fields differ
// stays apart.
func TestStateHash_CleanWait(t *testing.T) {
	for _, ed := range spec.Editions {
		w, before := waitingGuest(t, ed)
		w.SetGuestIRQs(0, []uint16{1})
		w.StepGuest(0)
		require.Equal(t, "vcpu0:wait-irq", w.GuestLabel(0))
		after, ok := w.StateHash()
		require.True(t, ok)
		assert.Equal(t, before, after, "%s: a spurious interrupt handled changes the state", ed)

		w2, _ := waitingGuest(t, ed)
		drv, ok := w2.GuestDriver(0).(*blk.Driver)
		require.True(t, ok)
		drv.Failed = append(drv.Failed, "gave up")
		w2.SetGuestIRQs(0, []uint16{1})
		w2.StepGuest(0)
		other, ok := w2.StateHash()
		require.True(t, ok)
		assert.NotEqual(t, before, other, "%s: a driver that gave up is another state", ed)
	}
}

// TestFinished: an actor is finished (engine.Finisher) once its program
// has returned, not before; ids that are no actor (devices, lanes, out of
// range) never are.
func TestFinished(t *testing.T) {
	f := catalogFactory(t, "smoke-migrate", spec.Virtio14, nil, engine.ScheduleSeed(1, 0))
	var w *world.World
	first := true
	c := chooserFunc(func(d *engine.Decision) (int, error) {
		if first {
			assert.False(t, w.Finished(0), "the guest has not started")
			first = false
		}
		return 0, nil
	})
	res, err := engine.Run(keepWorld(f, &w), engine.ScheduleSeed(1, 0), c, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	require.Nil(t, res.Finding)
	assert.True(t, w.Finished(0), "the guest's program returned")
	assert.False(t, w.Finished(-1))
	assert.False(t, w.Finished(1<<20))
}

// chooserFunc is a Chooser in one function.
type chooserFunc func(*engine.Decision) (int, error)

func (f chooserFunc) Choose(d *engine.Decision) (int, error) { return f(d) }

// TestStateHash_CompiledLikeReflection: the devices' hashes by the
// compiled walk (internal/deephash) are those of the reflective walk, and
// the cached hashes those of a fresh hasher, at every step of a random run
// of blk, virtio-net and two-VF scenarios under each edition. The net
// rows whose wire puts frames on a link shared by the source's and the
// destination's copy of a VF caught a member hash kept past a change of
// that link (a path-dependent state hash), before the links and ports were
// hashed as shared state.
func TestStateHash_CompiledLikeReflection(t *testing.T) {
	for _, name := range []string{"smoke-migrate", "net-link-while-stopped", "net-mq-pairs-before-migration",
		"net-rx-while-stopped", "vm-two-guests"} {
		for _, ed := range spec.Editions {
			seed := engine.ScheduleSeed(7, 0)
			sys, err := catalogFactory(t, name, ed, nil, seed)(engine.NewStreams(seed))
			require.NoError(t, err)
			w := sys.(*world.World)
			t.Cleanup(w.Close)
			w.TrackState()
			rng := rand.New(rand.NewPCG(7, uint64(ed)))
			steps, _ := walk(w, 400, func(en []engine.Step) int { return rng.IntN(len(en)) }, func(step int) {
				cached, ok := w.StateHash()
				require.True(t, ok)
				compiled := w.StateHashWith(false)
				require.Equal(t, w.StateHashWith(true), compiled, "%s %s: step %d", name, ed, step)
				require.Equal(t, compiled, cached, "%s %s: step %d: the cached hash is a fresh hasher's", name, ed, step)
			})
			assert.Greater(t, steps, 50, "%s %s: the run went on", name, ed)
		}
	}
}

// walk runs w for at most max steps: pick chooses among the enabled steps,
// the clock advances when none is, and each (when not nil) runs after every
// step. It stops at the end of the run or at a finding, and returns the
// steps taken and the finding.
func walk(w *world.World, max int, pick func(en []engine.Step) int, each func(step int)) (int, *engine.Finding) {
	steps := 0
	for !w.Done() && steps < max {
		en := w.Enabled(nil)
		if len(en) == 0 {
			at, ok := w.NextTimer()
			if !ok {
				break
			}
			w.Advance(at)
			continue
		}
		steps++
		if f := w.Execute(en[pick(en)]); f != nil {
			return steps, f
		}
		if each != nil {
			each(steps)
		}
	}
	return steps, nil
}

// TestStateHash_ImpureMemberNotCached: a member that is not member.Pure
// (here one whose digest queries change it, as the digest-unstable mutant
// does) may change with no event reaching it, when the oracles ask for its
// digest: its hash is not kept from one state to the next, so the cached
// state hash stays a fresh hasher's at every step of random runs.
func TestStateHash_ImpureMemberNotCached(t *testing.T) {
	for _, ed := range spec.Editions {
		s, err := catalog.CatalogScenario("smoke-migrate")
		require.NoError(t, err)
		tg, err := catalog.NewTarget(s, ed, nil, nil)
		require.NoError(t, err)
		queries := 0
		tg.Member = func(c member.Config) member.Device { return &impureDigest{Device: memberblk.New(c), total: &queries} }
		seed := engine.ScheduleSeed(3, 0)
		f, err := tg.Factory(seed)
		require.NoError(t, err)
		for run := range 3 {
			sys, err := f(engine.NewStreams(seed))
			require.NoError(t, err)
			w := sys.(*world.World)
			w.TrackState()
			rng := rand.New(rand.NewPCG(uint64(run), uint64(ed)))
			walk(w, 400, func(en []engine.Step) int { return rng.IntN(len(en)) }, func(step int) {
				cached, ok := w.StateHash()
				require.True(t, ok)
				require.Equal(t, w.StateHashWith(false), cached, "%s run %d step %d: the cached hash is a fresh hasher's", ed, run, step)
			})
			w.Close()
		}
		assert.Positive(t, queries, "%s: the oracles asked the members for their digests", ed)
	}
}
