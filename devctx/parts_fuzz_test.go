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
	// What device-parts.tex and NET-PART-01 forbid, and a le64 queue
	// address whole (accepted).
	f.Add(EncodeParts([]Part{dev8, {Type: spec.PartDeviceStatus, Flags: 0x80, Value: []byte{1}}}), false)
	f.Add(EncodeParts([]Part{{Type: spec.PartDevFeatures, Selector: [8]byte{1}, Value: make([]byte, 8)}}), false)
	f.Add(append(PartHeader{Type: spec.PartDeviceStatus, Reserved: 0x5a, Length: 1}.Encode(), 0x0f), true)
	f.Add(EncodeParts([]Part{status, {Type: spec.PartNetCVQCfg, Selector: [8]byte{0, 0, 1}, Value: []byte{1}}}), false)
	promisc := NewNetCVQPart(spec.NetRxPromisc, NetRxMode{On: true})
	f.Add(EncodeParts([]Part{status, promisc, promisc}), false)
	f.Add(EncodeParts([]Part{status, {Type: spec.PartNetCVQCfg, Value: []byte{2}}}), false)
	f.Add(EncodeParts([]Part{NewCommonCfgPart(spec.CfgQueueDescLo, make([]byte, 8)), status}), true)
	f.Add(EncodeParts([]Part{NewCommonCfgPart(spec.CfgQueueDescLo, make([]byte, 8)),
		NewCommonCfgPart(spec.CfgQueueDescHi, make([]byte, 4))}), false)
	f.Fuzz(func(t *testing.T, b []byte, complete bool) {
		opts := DecodeOptions{Complete: complete}
		prefix, perr := DecodePartsPrefix(b, opts)
		checkPartAttrs(t, prefix, len(b))
		ps, err := DecodeParts(b, opts)
		assert.Equal(t, err == nil, perr == nil)
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

// checkPartAttrs decodes the value of every part of ps (as laid out from
// the start of an input of n bytes) for every device type: never a panic,
// and an error names an offset inside the value (or its end).
func checkPartAttrs(t *testing.T, ps Parts, n int) {
	t.Helper()
	off := 0
	for _, p := range ps.List {
		at := off + spec.PartHeaderSize
		for _, dev := range []uint16{0, spec.VirtioDeviceIDBlk, spec.VirtioDeviceIDNet} {
			as, err := p.DecodeAttrs(dev, at)
			assert.NotEmpty(t, as)
			if err != nil {
				got, ok := ErrorOffset(err)
				require.True(t, ok, "%v names an offset", err)
				assert.GreaterOrEqual(t, got, at, "%v", err)
				assert.LessOrEqual(t, got, at+len(p.Value), "%v", err)
				assert.LessOrEqual(t, got, n)
			}
		}
		off = at + len(p.Value)
	}
}
