package blk

// FNV-64a parameters (the hash of hash/fnv's New64a).
const (
	fnvOffset64 = 14695981039346656037
	fnvPrime64  = 1099511628211
)

// dataHash returns the FNV-64a hash of b, the hash a read's log line shows
// (hash/fnv's New64a, Write, Sum64). FNV folds one byte at a time, so the
// hash cannot be taken a word at a time; it is taken eight bytes per loop
// test without hash/fnv's per-byte loop and call.
func dataHash(b []byte) uint64 {
	h := uint64(fnvOffset64)
	for ; len(b) >= 8; b = b[8:] {
		_ = b[7]
		h = (h ^ uint64(b[0])) * fnvPrime64
		h = (h ^ uint64(b[1])) * fnvPrime64
		h = (h ^ uint64(b[2])) * fnvPrime64
		h = (h ^ uint64(b[3])) * fnvPrime64
		h = (h ^ uint64(b[4])) * fnvPrime64
		h = (h ^ uint64(b[5])) * fnvPrime64
		h = (h ^ uint64(b[6])) * fnvPrime64
		h = (h ^ uint64(b[7])) * fnvPrime64
	}
	for _, c := range b {
		h = (h ^ uint64(c)) * fnvPrime64
	}
	return h
}
