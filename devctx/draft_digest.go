package devctx

import (
	"encoding/binary"

	"github.com/migsim/migsim/spec"
)

// FNV-64a parameters (the hash of hash/fnv's New64a).
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// fnv64a is an FNV-64a state written a byte slice at a time.
type fnv64a uint64

func (h *fnv64a) write(b []byte) {
	v := *h
	for _, c := range b {
		v ^= fnv64a(c)
		v *= fnvPrime64
	}
	*h = v
}

// FNV64a returns the FNV-64a hash of EncodeDraftContext(c), without
// building the encoding.
func (c DraftContext) FNV64a() uint64 {
	h := fnv64a(fnvOffset64)
	var hdr [spec.DraftCtxHeaderSize]byte
	binary.LittleEndian.PutUint32(hdr[:], uint32(len(c.Fields)))
	h.write(hdr[:])
	var pad [spec.DraftFieldAlign]byte
	for _, f := range c.Fields {
		var fh [spec.DraftFieldHeaderSize]byte
		binary.LittleEndian.PutUint32(fh[0:], uint32(f.Type))
		binary.LittleEndian.PutUint64(fh[8:], uint64(len(f.Value)))
		h.write(fh[:])
		h.write(f.Value)
		h.write(pad[:padTo8(uint64(len(f.Value)))])
	}
	return uint64(h)
}

// PartsFNV64a returns the FNV-64a hash of EncodeParts(parts), without
// building the encoding.
func PartsFNV64a(parts []Part) uint64 {
	h := fnv64a(fnvOffset64)
	var hdr [spec.PartHeaderSize]byte
	for _, p := range parts {
		h.write(p.Header().Append(hdr[:0]))
		h.write(p.Value)
	}
	return uint64(h)
}
