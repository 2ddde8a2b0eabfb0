// Package stream splits a run's seed into independent random streams
// (docs/engine.md, "Seeds and streams"): the schedule stream a strategy
// draws its picks from, and the workload and fault streams a system is
// built with (Set), each a PCG generator seeded with SplitMix64 words of
// the seed and the stream's id, so drawing more or fewer numbers from one
// never changes another. It also records every word a run's streams draw
// (Recording) and reproduces those words without the run (Walk), which is
// what the memo of package engine keys its tree on. Package engine names
// its types.
package stream

import (
	"math/rand/v2"
	"strconv"
)

// ID names one of the independent random streams split from a seed.
// Drawing more or fewer numbers from one stream never changes another.
type ID uint64

// Streams split from every seed.
const (
	// Schedule drives the strategy's picks.
	Schedule ID = iota + 1
	// Workload drives the workload's data (patterns, sizes, offsets).
	Workload
	// Fault drives fault injection (where FLRs, resets land).
	Fault
)

// String returns schedule, workload, fault or stream-N.
func (s ID) String() string {
	switch s {
	case Schedule:
		return "schedule"
	case Workload:
		return "workload"
	case Fault:
		return "fault"
	}
	return "stream-" + strconv.FormatUint(uint64(s), 10)
}

// SplitMix64 is one step of SplitMix64 (Steele et al.), a good mixer of
// related inputs into unrelated outputs. Systems use it to derive seeds.
func SplitMix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

// pcgSeed returns the PCG seed words of stream id of seed (New).
func pcgSeed(seed uint64, id ID) (uint64, uint64) {
	a := SplitMix64(seed ^ SplitMix64(uint64(id)))
	return a, SplitMix64(a ^ uint64(id))
}

// New returns the stream id of seed: a PCG generator seeded with two
// SplitMix64 words of (seed, id).
func New(seed uint64, id ID) *rand.Rand {
	return rand.New(rand.NewPCG(pcgSeed(seed, id)))
}

// ScheduleSeed returns the seed of schedule i of an exploration from base.
func ScheduleSeed(base uint64, i int) uint64 {
	return SplitMix64(base ^ SplitMix64(uint64(i)+0x5eed))
}

// Set is the random streams a system is built from.
type Set struct {
	// Seed is the run's seed.
	Seed uint64
	// Workload drives workload data.
	Workload *rand.Rand
	// Fault drives fault injection.
	Fault *rand.Rand
}

// NewSet splits seed into the workload and fault streams. The schedule
// stream belongs to the strategy (New(seed, Schedule)).
func NewSet(seed uint64) Set {
	return Set{Seed: seed, Workload: New(seed, Workload), Fault: New(seed, Fault)}
}
