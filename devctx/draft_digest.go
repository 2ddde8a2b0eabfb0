package devctx

import (
	"encoding/binary"

	"github.com/migsim/migsim/spec"
)

// FNV-64a parameters (the hash of hash/fnv's New64a).
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
	// fnvPrime64Pow8 is fnvPrime64⁸ modulo 2⁶⁴ (TestFNV64aWrite).
	fnvPrime64Pow8 = 0x1efac7090aef4a21
)

// fnv64a is an FNV-64a state written a byte slice at a time.
type fnv64a uint64

func (h *fnv64a) write(b []byte) {
	v := *h
	// Eight bytes per load: the hash is still taken a byte at a time, in
	// order, with fewer loads and loop tests.
	for ; len(b) >= 8; b = b[8:] {
		x := binary.LittleEndian.Uint64(b)
		if x == 0 {
			// Eight zero bytes: each only multiplies by the prime.
			v *= fnvPrime64Pow8
			continue
		}
		v = (v ^ fnv64a(x&0xff)) * fnvPrime64
		v = (v ^ fnv64a(x>>8&0xff)) * fnvPrime64
		v = (v ^ fnv64a(x>>16&0xff)) * fnvPrime64
		v = (v ^ fnv64a(x>>24&0xff)) * fnvPrime64
		v = (v ^ fnv64a(x>>32&0xff)) * fnvPrime64
		v = (v ^ fnv64a(x>>40&0xff)) * fnvPrime64
		v = (v ^ fnv64a(x>>48&0xff)) * fnvPrime64
		v = (v ^ fnv64a(x>>56)) * fnvPrime64
	}
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
