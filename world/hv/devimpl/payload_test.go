package devimpl

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
)

// TestDescribePayload_Manifest checks DescribePayload on virtio-1.4 parts
// and VFIO streams against its plain definition (describeRef): features
// from the last feature parts, one manifest entry per type in first-seen
// order with its OPTIONAL flag, a payload without a whole part leaving the
// description as it was. Runs of a few types and of more types than the
// manifest scans before it keeps a map, with truncated tails and records
// that are not DEVICE_DATA.
func TestDescribePayload_Manifest(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for i := range 400 {
		kind := []Kind{KindParts, KindStream}[i%2]
		types := 1 + rng.IntN(8)
		if i%5 == 0 {
			types = manifestScan + 1 + rng.IntN(40)
		}
		payload := randomPayload(rng, kind, types)
		start := compat.DeviceDescription{DeviceFeatures: 7, Parts: []compat.PartEntry{{Type: 0x4242}}}
		got, want := start, start
		got.Parts, want.Parts = append([]compat.PartEntry(nil), start.Parts...), append([]compat.PartEntry(nil), start.Parts...)
		DescribePayload(&got, kind, payload)
		describeRef(&want, kind, payload)
		assert.Equal(t, want, got, fmt.Sprintf("case %d", i))
	}
}

// randomPayload builds parts of up to types distinct types (feature parts
// among them), cut at a random length; a stream wraps them in records,
// some not DEVICE_DATA.
func randomPayload(rng *rand.Rand, kind Kind, types int) []byte {
	var parts []devctx.Part
	for range rng.IntN(3 * types) {
		var p devctx.Part
		switch rng.IntN(6) {
		case 0:
			p.Type = spec.PartDevFeatures
		case 1:
			p.Type = spec.PartDrvFeatures
		default:
			p.Type = spec.PartType(0x100 + rng.IntN(types))
		}
		p.Flags = uint8(rng.IntN(4))
		p.Value = binary.LittleEndian.AppendUint64(nil, rng.Uint64())
		parts = append(parts, p)
	}
	b := devctx.EncodeParts(parts)
	if len(b) > 0 && rng.IntN(3) == 0 {
		b = b[:rng.IntN(len(b))]
	}
	if kind == KindParts {
		return b
	}
	var stream []byte
	for len(b) > 0 {
		n := min(len(b), 1+rng.IntN(64))
		tag := uint32(owner.TagDeviceData)
		if rng.IntN(4) == 0 {
			tag++
		}
		stream = append(stream, owner.EncodeRecord(tag, 0, b[:n])...)
		b = b[n:]
	}
	return stream
}

// describeRef is DescribePayload's definition for parts and streams: split
// the payload into parts, then take them in order.
func describeRef(d *compat.DeviceDescription, kind Kind, payload []byte) {
	var parts []devctx.Part
	collect := func(b []byte) { eachPart(b, func(p devctx.Part) { parts = append(parts, p) }) }
	if kind == KindParts {
		collect(payload)
	} else {
		for _, rec := range streamRecords(payload) {
			collect(rec)
		}
	}
	if parts == nil {
		return
	}
	d.Parts = nil
	seen := map[spec.PartType]bool{}
	for _, p := range parts {
		switch p.Type {
		case spec.PartDevFeatures:
			setFeatures(&d.DeviceFeatures, nil, p.Value)
		case spec.PartDrvFeatures:
			setFeatures(nil, &d.DriverFeatures, p.Value)
		}
		if !seen[p.Type] {
			seen[p.Type] = true
			d.Parts = append(d.Parts, compat.PartEntry{Type: p.Type, Flags: p.Flags & spec.PartFlagOptional})
		}
	}
}
