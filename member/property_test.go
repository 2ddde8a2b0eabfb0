package member_test

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// randomCommand returns a random member command of edition e: valid and
// invalid opcodes, modes, flags, lengths and contexts.
func randomCommand(rng *rand.Rand, g *rig) (uint16, []byte, int) {
	junk := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	if g.in.Config().Edition == spec.Draft2023 {
		ops := []spec.DraftOpcode{spec.DraftOpDevModeSet, spec.DraftOpDevModeGet, spec.DraftOpDevCtxSizeGet,
			spec.DraftOpDevCtxRead, spec.DraftOpDevCtxWrite, spec.DraftOpDevCtxFieldsQuery, spec.DraftOpDevCtxDiscard, 0x3}
		op := ops[rng.IntN(len(ops))]
		switch op {
		case spec.DraftOpDevModeSet:
			return uint16(op), []byte{byte(rng.IntN(5))}, 0
		case spec.DraftOpDevCtxWrite:
			fs := g.in.DraftFields()
			f := fs[rng.IntN(len(fs))]
			if rng.IntN(2) == 0 {
				f.Value = junk(len(f.Value) + rng.IntN(3) - 1)
			}
			return uint16(op), devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{f}}), 0
		}
		return uint16(op), junk(rng.IntN(9)), rng.IntN(600)
	}
	ops := []spec.Opcode{spec.OpDevModeSet, spec.OpDevPartsMetadataGet, spec.OpDevPartsGet, spec.OpDevPartsSet, spec.OpListQuery}
	op := ops[rng.IntN(len(ops))]
	switch op {
	case spec.OpDevModeSet:
		return uint16(op), []byte{byte(rng.IntN(4))}, 0
	case spec.OpDevPartsSet:
		ps := g.in.Parts()
		p := ps[rng.IntN(len(ps))]
		if rng.IntN(2) == 0 {
			p.Value = junk(len(p.Value) + rng.IntN(3) - 1)
		}
		return uint16(op), append(make([]byte, objHeaderSize), devctx.EncodeParts([]devctx.Part{p})...), 0
	}
	d := make([]byte, 16)
	d[objHeaderSize] = byte(rng.IntN(4))
	return uint16(op), d, rng.IntN(400)
}

// TestADM_DEV_03_FailedCommandChangesNothing: for seeded random command
// sequences, every failed command leaves the context digest, the status
// and the latched context/parts unchanged (ADM-DEV-03, DP-DEV-08).
func TestADM_DEV_03_FailedCommandChangesNothing(t *testing.T) {
	for _, e := range spec.Editions {
		for seed := uint64(1); seed <= 20; seed++ {
			rng := rand.New(rand.NewPCG(seed, 0x6d696773696d))
			g, gu := liveRig(t, e, spec.DefaultRules(e))
			gu.submit(0, tOut, 0, pattern(int(seed), 512), 512)
			var failed int
			for i := 0; i < 200; i++ {
				op, data, capacity := randomCommand(rng, g)
				d, st := g.dev.ContextDigest(), g.dev.Status()
				lf, lp := g.in.LatchedFields(), g.in.LatchedParts()
				c := g.admin(op, data, capacity)
				if c.Status != spec.StatusOK {
					failed++
					require.Equal(t, d, g.dev.ContextDigest(), "%s seed %d cmd %d op %#x", e, seed, i, op)
					require.Equal(t, st, g.dev.Status())
					require.Equal(t, lf, g.in.LatchedFields())
					require.Equal(t, lp, g.in.LatchedParts())
					require.Empty(t, c.Result)
				}
				g.run(-1)
			}
			assert.Positive(t, failed, "%s seed %d: the sequence exercised failures", e, seed)
		}
	}
}
