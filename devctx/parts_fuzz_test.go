package devctx

import (
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// FuzzDecodeParts checks that decoding a run of parts never panics and that
// decode → encode → decode is stable (and, for input that decodes, encode
// keeps its length). The long runs are the lead's:
//
//	go test ./devctx -run '^$' -fuzz FuzzDecodeParts -fuzztime 2m
func FuzzDecodeParts(f *testing.F) {
	vs := loadVectors(f)
	for _, name := range partVectorNames(vs) {
		f.Add(vs[name], false)
	}
	f.Add(vs["cmd-parts-set"][spec.AdminCmdHeaderSize+8:], true)
	f.Add(EncodeParts([]Part{dev8, drv8, qsel, status, vq0, vq1, notify0}), true)
	f.Add(rawPart(spec.PartDrvFeatures, 0, [8]byte{}, 0xFFFFFFFF, make([]byte, 8)), false)
	f.Add(EncodeParts([]Part{{Type: 0x106, Flags: spec.PartFlagOptional, Value: []byte{1}}}), false)
	f.Add([]byte{3, 1, 0}, true)
	f.Fuzz(func(t *testing.T, b []byte, complete bool) {
		opts := DecodeOptions{Complete: complete}
		ps, err := DecodeParts(b, opts)
		if err != nil {
			var pe *PartError
			require.ErrorAs(t, err, &pe)
			assert.LessOrEqual(t, pe.Offset, len(b))
			return
		}
		enc := EncodeParts(ps.List)
		h := fnv.New64a()
		h.Write(enc)
		assert.Equal(t, h.Sum64(), PartsFNV64a(ps.List), "PartsFNV64a hashes the encoding")
		// The reserved header byte is ignored on decode and written as zero,
		// so the encoding may differ from b only there; its length may not.
		assert.Len(t, enc, len(b))
		again, err := DecodeParts(enc, opts)
		require.NoError(t, err)
		assert.Equal(t, ps.Unknown, again.Unknown)
		assert.Equal(t, enc, EncodeParts(again.List))
		for _, p := range ps.List {
			assert.NotEmpty(t, p.Describe())
		}
	})
}
