package world_test

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/hv"
)

// TestRebuildHypervisor_CheckpointsStayAsTaken: a checkpoint in the
// hypervisor's record is its state as data when it was taken, which every
// copy of the world restores later; nothing of it may be shared with the
// running hypervisor and change afterwards, and nothing of it may be the
// world's (a host, a memory, an observer of package world), which a
// restored hypervisor would use instead of the copy's. Each checkpoint is hashed
// (internal/deephash, every field) at the decision after it was written
// and again once the run ended, on one run of every catalog row: the
// hashes are equal.
func TestRebuildHypervisor_CheckpointsStayAsTaken(t *testing.T) {
	// One Cache for every hash: a fresh deephash.Hash compiles the walk
	// of a checkpoint's types again on every call. The hashes are the
	// same.
	hashes := deephash.NewCache(nil)
	hash := func(v any) uint64 {
		h := hashes.Hasher()
		return h.Hash(v)
	}
	checked := 0
	scens, err := catalog.Catalog()
	require.NoError(t, err)
	eachRecordedRow(t, scens, func(s *scenario.Scenario, e scenario.Expectation, f engine.Factory, seed uint64) {
		name := s.Name
		sys, err := f(engine.NewStreams(seed))
		require.NoError(t, err, name)
		w := sys.(*world.World)
		taken := map[int]uint64{}
		// The record only grows (actorlog.Log.Add): each note looks at
		// the entries written since the last, not a copy of the whole
		// record (which made the run quadratic in its length).
		seen := 0
		note := func() {
			n := w.HVRecordLen()
			for i := seen; i < n; i++ {
				if ent := w.HVRecordAt(i); hv.CallName(ent.Call) == "checkpoint" {
					taken[i] = hash(ent.V)
					assert.Empty(t, worldTypesIn(ent.V), "%s line %d: the checkpoint at entry %d reaches the world", name, e.Line, i)
				}
			}
			seen = n
		}
		rng := rand.New(rand.NewPCG(1, uint64(e.Line)))
		note()
		for step := 0; !w.Done() && step < catalog.DefaultJudgeMaxSteps; {
			en := w.Enabled(nil)
			if len(en) == 0 {
				tm, ok := w.NextTimer()
				if !ok && w.Epoch() {
					continue
				}
				if !ok {
					break
				}
				w.Advance(tm)
				continue
			}
			step++
			if w.Execute(en[rng.IntN(len(en))]) != nil {
				break
			}
			note()
		}
		if checked == 0 && len(taken) > 0 {
			require.Contains(t, worldTypesIn([]any{w}), "*world.World", "the walk finds what is the world's")
		}
		rec := w.HVRecord()
		for i, h := range taken {
			assert.Equal(t, h, hash(rec[i].V), "%s line %d: the checkpoint at entry %d changed after it was taken", name, e.Line, i)
			checked++
		}
		w.Close()
	})
	t.Logf("%d checkpoints checked", checked)
	assert.Positive(t, checked)
}

// worldTypesIn lists the types of package world that v reaches.
func worldTypesIn(v any) []string {
	const pkg = "github.com/migsim/migsim/world"
	seen := map[uintptr]bool{}
	found := map[string]bool{}
	var walk func(x reflect.Value)
	walk = func(x reflect.Value) {
		if !x.IsValid() {
			return
		}
		t := x.Type()
		for t.Kind() == reflect.Pointer || t.Kind() == reflect.Slice || t.Kind() == reflect.Array || t.Kind() == reflect.Map {
			t = t.Elem()
		}
		if t.PkgPath() == pkg {
			found[x.Type().String()] = true
		}
		switch x.Kind() {
		case reflect.Pointer:
			if x.IsNil() || seen[x.Pointer()] {
				return
			}
			seen[x.Pointer()] = true
			walk(x.Elem())
		case reflect.Interface:
			walk(x.Elem())
		case reflect.Struct:
			for i := range x.NumField() {
				walk(x.Field(i))
			}
		case reflect.Slice, reflect.Array:
			for i := range x.Len() {
				walk(x.Index(i))
			}
		case reflect.Map:
			it := x.MapRange()
			for it.Next() {
				walk(it.Key())
				walk(it.Value())
			}
		}
	}
	walk(reflect.ValueOf(v))
	out := make([]string, 0, len(found))
	for s := range found {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}
