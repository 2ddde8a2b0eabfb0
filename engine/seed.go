package engine

import (
	"math/rand/v2"
	"strconv"
)

// StreamID names one of the independent random streams split from a seed.
// Drawing more or fewer numbers from one stream never changes another.
type StreamID uint64

// Streams split from every seed.
const (
	// StreamSchedule drives the strategy's picks.
	StreamSchedule StreamID = iota + 1
	// StreamWorkload drives the workload's data (patterns, sizes, offsets).
	StreamWorkload
	// StreamFault drives fault injection (where FLRs, resets land).
	StreamFault
)

// String returns schedule, workload, fault or stream-N.
func (s StreamID) String() string {
	switch s {
	case StreamSchedule:
		return "schedule"
	case StreamWorkload:
		return "workload"
	case StreamFault:
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

// NewStream returns the stream id of seed: a PCG generator seeded with two
// SplitMix64 words of (seed, id).
func NewStream(seed uint64, id StreamID) *rand.Rand {
	return rand.New(rand.NewPCG(streamSeed(seed, id)))
}

// ScheduleSeed returns the seed of schedule i of an exploration from base.
func ScheduleSeed(base uint64, i int) uint64 {
	return SplitMix64(base ^ SplitMix64(uint64(i)+0x5eed))
}

// Streams are the random streams a Factory builds a system from.
type Streams struct {
	// Seed is the run's seed.
	Seed uint64
	// Workload drives workload data.
	Workload *rand.Rand
	// Fault drives fault injection.
	Fault *rand.Rand
}

// NewStreams splits seed into the workload and fault streams. The schedule
// stream belongs to the strategy (NewStream(seed, StreamSchedule)).
func NewStreams(seed uint64) Streams {
	return Streams{Seed: seed, Workload: NewStream(seed, StreamWorkload), Fault: NewStream(seed, StreamFault)}
}
