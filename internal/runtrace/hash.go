// Package runtrace holds what a run's trace is made of below the engine:
// the small deterministic 64-bit hash of its steps (the same on every
// machine and in every process, unlike hash/maphash) and the writer of its
// text lines. Package engine builds a run's trace hash, interleaving hash
// and text trace from them (docs/engine.md, "Replaying").
package runtrace

// Seed starts every hash; ClockMark is folded in before a clock jump.
const (
	Seed      uint64 = 0x9e3779b97f4a7c15
	ClockMark uint64 = 0xc10c
	mulA      uint64 = 0xbf58476d1ce4e5b9
	mulB      uint64 = 0x94d049bb133111eb
)

// Mix folds v into h.
func Mix(h, v uint64) uint64 {
	h ^= v
	h *= mulA
	h ^= h >> 31
	h *= mulB
	return h ^ h>>29
}

// String hashes s, including its length, eight bytes at a time so that
// hashing a label costs a few nanoseconds.
func String(s string) uint64 {
	h := Mix(Seed, uint64(len(s)))
	for len(s) >= 8 {
		h = Mix(h, uint64(s[0])|uint64(s[1])<<8|uint64(s[2])<<16|uint64(s[3])<<24|
			uint64(s[4])<<32|uint64(s[5])<<40|uint64(s[6])<<48|uint64(s[7])<<56)
		s = s[8:]
	}
	var tail uint64
	for i := 0; i < len(s); i++ {
		tail |= uint64(s[i]) << (8 * i)
	}
	return Mix(h, tail)
}
