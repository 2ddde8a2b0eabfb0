package devctx

import (
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// FuzzDecodeDraftContext checks that decoding a draft-2023 context never
// panics and that decode → encode → decode is stable. The long runs are the
// lead's:
//
//	go test ./devctx -run '^$' -fuzz FuzzDecodeDraftContext -fuzztime 2m
func FuzzDecodeDraftContext(f *testing.F) {
	f.Add(EncodeDraftContext(sampleContext()))
	f.Add(EncodeDraftContext(DraftContext{}))
	f.Add(EncodeDraftContext(DraftContext{Fields: []Field{DevCfgField([]byte{1, 2, 3})}}))
	f.Add(append(ctxHeader(1), rawField(uint32(spec.FieldDevCfg), ^uint64(0), make([]byte, 8))...))
	f.Add(append(ctxHeader(1), rawField(uint32(spec.FieldDevCfg), 1<<63, nil)...))
	f.Add(ctxHeader(0xFFFFFFFF))
	f.Add(append(ctxHeader(1), rawField(uint32(spec.FieldDevCfg), 3, []byte{1, 2, 3, 0, 7, 0, 0, 0})...))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := DecodeDraftContext(b)
		if err != nil {
			return
		}
		enc := EncodeDraftContext(c)
		h := fnv.New64a()
		h.Write(enc)
		assert.Equal(t, h.Sum64(), c.FNV64a(), "FNV64a hashes the encoding")
		// Reserved words are ignored on decode and written as zero, so the
		// encoding may differ from b only there; its length may not.
		assert.Len(t, enc, len(b))
		again, err := DecodeDraftContext(enc)
		require.NoError(t, err)
		assert.Equal(t, enc, EncodeDraftContext(again))
		for _, f := range again.Fields {
			assert.NotEmpty(t, f.Describe())
		}
	})
}
