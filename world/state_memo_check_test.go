package world_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

var (
	memoCheckAll  = flag.Bool("world.memocheckall", false, "TestStateMemos_Fresh: every catalog row, not a fixed subset")
	memoCheckRuns = flag.Int("world.memocheckruns", 60, "TestStateMemos_Fresh: runs of each row's dfs slice")
)

// memoCounts counts the decisions a memo check compared at and keeps the
// first mismatches.
type memoCounts struct {
	states, judged, copies int
	bad                    []string
}

func (c *memoCounts) mismatch(format string, args ...any) {
	if len(c.bad) < 5 {
		c.bad = append(c.bad, fmt.Sprintf(format, args...))
	}
}

// memoChecked is a world whose state and judge hashes are compared, at
// every decision that asks for them, with the same hashes computed from
// scratch (World.FreshStateHash, FreshJudgeHash: no device hash cached,
// no memo read); a fork of it (a kept copy, and a runnable copy of that)
// is checked too, so that a copy's memos are checked against the copy.
type memoChecked struct {
	*world.World
	c *memoCounts
}

func (m memoChecked) StateHash() (uint64, bool) {
	h, ok := m.World.StateHash()
	if ok {
		m.c.states++
		if f := m.World.FreshStateHash(); f != h {
			m.c.mismatch("state hash %#x, from scratch %#x", h, f)
		}
	}
	return h, ok
}

func (m memoChecked) JudgeHash() (uint64, bool) {
	h, ok := m.World.JudgeHash()
	if ok {
		m.c.judged++
		if f, _ := m.World.FreshJudgeHash(); f != h {
			m.c.mismatch("judge hash %#x, from scratch %#x", h, f)
		}
	}
	return h, ok
}

func (m memoChecked) Fork() (engine.System, bool) {
	s, ok := m.World.Fork()
	return checkedFork(s, m.c), ok
}

// keptChecked is a kept copy of a checked world: its runnable copies are
// checked.
type keptChecked struct {
	engine.System
	c *memoCounts
}

func (k keptChecked) Fork() (engine.System, bool) {
	s, ok := k.System.(engine.Forker).Fork()
	return checkedFork(s, k.c), ok
}

func checkedFork(s engine.System, c *memoCounts) engine.System {
	if w, ok := s.(*world.World); ok {
		c.copies++
		return memoChecked{w, c}
	}
	if _, ok := s.(engine.Forker); ok {
		return keptChecked{s, c}
	}
	return s
}

// memoRows returns the scenarios whose rows the memo check runs: the
// catalog's with -world.memocheckall, else a blk, a two-guest and the
// virtio-net rows whose traffic writes the links and ports, and a row
// whose driver notifies a member while a size query is watched (the
// record's only writer of sizeNotified, ownerview.Record.ObserveNotify).
func memoRows(t *testing.T) []*scenario.Scenario {
	scens, err := catalog.Catalog()
	require.NoError(t, err)
	if *memoCheckAll {
		return scens
	}
	scens = scens[:0]
	for _, name := range []string{"smoke-migrate", "vm-two-guests", "net-mq-pairs-before-migration", "net-rx-while-stopped",
		"net-link-while-stopped", "common-config-write-in-freeze"} {
		s, err := catalog.CatalogScenario(name)
		require.NoError(t, err)
		scens = append(scens, s)
	}
	return scens
}

// TestStateMemos_Fresh: the hashes the world keeps between decisions (the
// devices', the links' and ports', the frames made, the records' members)
// describe the state: at every decision of one random run of each row,
// and of a dfs slice with state pruning whose runs start from copies of
// the world (engine.ExploreConfig.Fork), the state hash and the judge hash
// equal the same hashes computed from scratch. A stale memo would let two
// different states meet and a proof skip what it did not explore.
// -world.memocheckall runs every catalog row.
func TestStateMemos_Fresh(t *testing.T) {
	var rows, total memoCounts
	for _, s := range memoRows(t) {
		for _, e := range s.Expect {
			if e.Verdict.String() == "n/a" {
				continue
			}
			name := fmt.Sprintf("%s:%d", s.Name, e.Line)
			tg, err := catalog.NewTarget(s, e.Edition, e.Knobs, nil)
			require.NoError(t, err, name)
			tg.Settings, tg.RecordActors = e.Settings, true
			seed := engine.ScheduleSeed(1, e.Line)
			f, err := tg.Factory(seed)
			var refErr *catalog.ReferenceError
			if errors.As(err, &refErr) {
				continue
			}
			require.NoError(t, err, name)
			var c memoCounts
			// One random run, checked after every step.
			sys, err := f(engine.NewStreams(seed))
			require.NoError(t, err, name)
			w := sys.(*world.World)
			w.TrackState()
			rng := rand.New(rand.NewPCG(uint64(e.Line), 1))
			checked := memoChecked{w, &c}
			walk(w, 2000, func(en []engine.Step) int { return rng.IntN(len(en)) }, func(int) {
				checked.StateHash()
				checked.JudgeHash()
			})
			w.Close()
			// A dfs slice: state pruning, bound 2, runs from copies.
			wrapped := func(st engine.Streams) (engine.System, error) {
				sys, err := f(st)
				if err != nil {
					return nil, err
				}
				return memoChecked{sys.(*world.World), &c}, nil
			}
			_, err = engine.Explore(context.Background(), engine.ExploreConfig{Factory: wrapped, Strategy: engine.StrategyDFS,
				Bound: 2, Reduction: engine.ReductionSleep, States: true, Schedules: *memoCheckRuns, Seed: 1, Jobs: 1,
				MaxSteps: catalog.DefaultJudgeMaxSteps, Fork: true})
			require.NoError(t, err, name)
			assert.Empty(t, c.bad, "%s: the kept hashes are those computed from scratch", name)
			assert.Positive(t, c.states, "%s: decisions checked", name)
			rows.states++
			total.states += c.states
			total.judged += c.judged
			total.copies += c.copies
		}
	}
	t.Logf("%d rows: %d state hashes and %d judge hashes checked against hashes from scratch, in %d runs from copies",
		rows.states, total.states, total.judged, total.copies)
}

// unexported returns the field named name of the struct v points to,
// writable: how a planted writer reaches past the methods that forget the
// memos.
func unexported(v any, name string) reflect.Value {
	f := reflect.ValueOf(v).Elem().FieldByName(name)
	return reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
}

// TestStateMemos_PlantedStaleCaught: a writer that changes the world
// without forgetting the kept hash of what it changed — an event handed
// to a member without telling the state hasher, a member's queue and its
// backend written past the methods that forget their kept hashes
// (member.Core.PartsHash), a port's link state and a record's reset count
// written past their methods — is caught by the memo
// check (memoChecked) at the next decision, in a run of a virtio-net row
// after the hashes were kept; the same run without the plant is not.
func TestStateMemos_PlantedStaleCaught(t *testing.T) {
	for _, c := range []struct {
		name  string
		plant func(w *world.World)
	}{
		{"none", nil},
		{"a member event", func(w *world.World) {
			w.PlantUnforgottenEvent(1, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Addr: 0x3c, Data: []byte{0x5a}}})
		}},
		{"a port's link state", func(w *world.World) {
			f := unexported(w.NetPortForTest(0, 1), "linkUp")
			f.SetBool(!f.Bool())
		}},
		{"a member's queue written past its drop", func(w *world.World) {
			st := unexported(w.MemberForTest(0, 1), "st")
			f := st.FieldByName("queues").Index(0).FieldByName("lastAvail")
			f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
			f.SetUint(f.Uint() + 1)
			w.MemberChangedForTest(0, 1)
		}},
		{"a member's backend written past its drop", func(w *world.World) {
			st := unexported(w.MemberForTest(0, 1), "st")
			dev := st.FieldByName("dev").Elem()
			f := dev.Elem().FieldByName("announceWanted")
			f = reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
			f.SetBool(!f.Bool())
			w.MemberChangedForTest(0, 1)
		}},
		{"a record's reset count", func(w *world.World) {
			members := unexported(w.RecordForTest(0), "members")
			require.Positive(t, members.Len(), "the record knows a member")
			f := unexported(members.MapIndex(members.MapKeys()[0]).Interface(), "resets")
			f.SetInt(f.Int() + 1)
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			seed := engine.ScheduleSeed(1, 0)
			sys, err := catalogFactory(t, "net-rx-while-stopped", spec.Virtio14, nil, seed)(engine.NewStreams(seed))
			require.NoError(t, err)
			w := sys.(*world.World)
			t.Cleanup(w.Close)
			w.TrackState()
			var counts memoCounts
			checked := memoChecked{w, &counts}
			rng := rand.New(rand.NewPCG(5, 5))
			walk(w, 300, func(en []engine.Step) int { return rng.IntN(len(en)) }, func(int) {
				checked.StateHash()
				checked.JudgeHash()
			})
			require.Empty(t, counts.bad, "the run's kept hashes are right")
			if c.plant == nil {
				return
			}
			c.plant(w)
			checked.StateHash()
			checked.JudgeHash()
			assert.NotEmpty(t, counts.bad, "the planted stale hash is caught")
			t.Log(counts.bad)
		})
	}
}
