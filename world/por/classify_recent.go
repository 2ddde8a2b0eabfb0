package por

import "github.com/migsim/migsim/internal/slotcache"

// classRecent keeps the classification last made in each of its slots (a
// label's slot is a hash of its kind, length and three of its words,
// classSlot), so that the labels a run's actors yield on, the same few
// dozen at every run, are parsed once per process rather than at every
// step. Its entries are never changed, only replaced; a slot answers only
// for the kind and text it holds, so a hit gives what Classify gives.
var classRecent = slotcache.New[classKey, Step](1 << classRecentBits)

const classRecentBits = 12

// classKey is a label as classRecent keeps it: its actor's kind and text.
type classKey struct {
	k    ActorKind
	rest string
}

// ClassifyRecent returns Classify(k, rest), from classRecent when its slot
// holds k and rest. It is safe for concurrent use.
func ClassifyRecent(k ActorKind, rest string) Step {
	slot, ck := classSlot(k, rest), classKey{k: k, rest: rest}
	if st, ok := classRecent.Get(slot, ck); ok {
		return st
	}
	st := Classify(k, rest)
	classRecent.Put(slot, ck, st)
	return st
}

// classSlot hashes a label into classRecent: its kind and length, and its
// first, middle and last eight bytes (labels that differ only in a number
// differ in one of them, mostly) or its bytes when it is shorter, each
// multiplied by an odd constant so that all their bits reach the slot's.
func classSlot(k ActorKind, s string) uint64 {
	h := (uint64(k) | uint64(len(s))<<8) * 0x9e3779b97f4a7c15
	if n := len(s); n >= 8 {
		h ^= word(s)*0xbf58476d1ce4e5b9 ^ word(s[n/2-4:])*0x94d049bb133111eb ^ word(s[n-8:])*0xff51afd7ed558ccd
	} else {
		var b uint64
		for i := range n {
			b |= uint64(s[i]) << (8 * i)
		}
		h ^= b * 0xbf58476d1ce4e5b9
	}
	return h >> (64 - classRecentBits)
}

// word reads s's first eight bytes as a little-endian word (one load).
func word(s string) uint64 {
	_ = s[7]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}
