package engine

import (
	"math/rand/v2"

	"github.com/migsim/migsim/engine/stream"
)

// StreamID names one of the independent random streams split from a seed
// (stream.ID).
type StreamID = stream.ID

// Streams split from every seed (package stream).
const (
	// StreamSchedule drives the strategy's picks.
	StreamSchedule = stream.Schedule
	// StreamWorkload drives the workload's data (patterns, sizes, offsets).
	StreamWorkload = stream.Workload
	// StreamFault drives fault injection (where FLRs, resets land).
	StreamFault = stream.Fault
)

// Streams are the random streams a Factory builds a system from
// (stream.Set).
type Streams = stream.Set

// SplitMix64 is one step of SplitMix64 (stream.SplitMix64).
func SplitMix64(x uint64) uint64 { return stream.SplitMix64(x) }

// NewStream returns the stream id of seed (stream.New).
func NewStream(seed uint64, id StreamID) *rand.Rand { return stream.New(seed, id) }

// ScheduleSeed returns the seed of schedule i of an exploration from base
// (stream.ScheduleSeed).
func ScheduleSeed(base uint64, i int) uint64 { return stream.ScheduleSeed(base, i) }

// NewStreams splits seed into the workload and fault streams
// (stream.NewSet). The schedule stream belongs to the strategy
// (NewStream(seed, StreamSchedule)).
func NewStreams(seed uint64) Streams { return stream.NewSet(seed) }
