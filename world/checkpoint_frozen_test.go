package world_test

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/world"
)

// TestRebuildHypervisor_CheckpointsStayAsTaken: a checkpoint in the
// hypervisor's record is its state as data when it was taken, which every
// copy of the world restores later; nothing of it may be shared with the
// running hypervisor and change afterwards. Each checkpoint is hashed
// (internal/deephash, every field) at the decision after it was written
// and again once the run ended, on one run of every catalog row: the
// hashes are equal.
func TestRebuildHypervisor_CheckpointsStayAsTaken(t *testing.T) {
	checked := 0
	scens, err := catalog.Catalog()
	require.NoError(t, err)
	for _, s := range scens {
		name := s.Name
		for _, e := range s.Expect {
			if e.Verdict.String() == "n/a" {
				continue
			}
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
			sys, err := f(engine.NewStreams(seed))
			require.NoError(t, err, name)
			w := sys.(*world.World)
			taken := map[int]uint64{}
			note := func() {
				for _, i := range checkpointsIn(w.HVRecord()) {
					if _, ok := taken[i]; !ok {
						taken[i] = deephash.Hash(w.HVRecord()[i].V)
					}
				}
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
			rec := w.HVRecord()
			for i, h := range taken {
				assert.Equal(t, h, deephash.Hash(rec[i].V), "%s line %d: the checkpoint at entry %d changed after it was taken", name, e.Line, i)
				checked++
			}
			w.Close()
		}
	}
	t.Logf("%d checkpoints checked", checked)
	assert.Positive(t, checked)
}
