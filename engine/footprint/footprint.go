// Package footprint holds what the engine's reductions know of a step:
// the shared resources it reads and writes (docs/engine.md, "Scheduling
// model"). Package engine names these types too (engine.Footprint,
// engine.Resource).
package footprint

import (
	"slices"
	"strconv"
)

// Resource names one piece of shared state a step may touch: a device, one
// of its registers or queues, a page of guest memory, an admin queue, a
// disk. Resources are system-defined; ResourceID packs the usual
// (class, owner, index) triple into one.
type Resource uint64

// ResourceID packs a resource class and two coordinates: class in the top 8
// bits, a in the next 24, b in the low 32 (for instance class "memory
// page", a = host, b = page frame number). Coordinates wider than their
// field are truncated.
func ResourceID(class uint8, a, b uint32) Resource {
	return Resource(class)<<56 | Resource(a&(1<<24-1))<<32 | Resource(b)
}

// Footprint is the shared state a step touches: the sorted sets of
// resources it reads and writes. The zero Footprint touches nothing shared
// (only its own actor's private state).
//
// A Footprint is immutable. Building one (New, Reads, Writes)
// allocates, so systems build their footprints once — per actor, device or
// request kind — and hand the same value out with every step; comparing
// footprints (Conflicts) and copying steps never allocates.
//
// Partial-order reduction, the causal slice and shrinking trust the
// footprint: it must never understate what a step touches, and a step that
// can enable or disable another actor's step must conflict with it.
type Footprint struct {
	p *footprintSets
}

type footprintSets struct {
	reads, writes []Resource
}

// New returns the footprint reading reads and writing writes. The
// inputs are copied, sorted and deduplicated; a resource in both sets is
// kept in both.
func New(reads, writes []Resource) Footprint {
	if len(reads) == 0 && len(writes) == 0 {
		return Footprint{}
	}
	return Footprint{p: &footprintSets{reads: sortedSet(reads), writes: sortedSet(writes)}}
}

// Reads returns the footprint that reads ids and writes nothing.
func Reads(ids ...Resource) Footprint { return New(ids, nil) }

// Writes returns the footprint that writes ids and reads nothing.
func Writes(ids ...Resource) Footprint { return New(nil, ids) }

func sortedSet(ids []Resource) []Resource {
	if len(ids) == 0 {
		return nil
	}
	s := slices.Clone(ids)
	slices.Sort(s)
	return slices.Compact(s)
}

// Reads returns the resources read, sorted; the caller must not modify
// them.
func (f Footprint) Reads() []Resource {
	if f.p == nil {
		return nil
	}
	return f.p.reads
}

// Writes returns the resources written, sorted; the caller must not modify
// them.
func (f Footprint) Writes() []Resource {
	if f.p == nil {
		return nil
	}
	return f.p.writes
}

// IsZero reports whether the footprint touches nothing shared.
func (f Footprint) IsZero() bool { return f.p == nil }

// Union returns the footprint touching what f or g touches.
func (f Footprint) Union(g Footprint) Footprint {
	switch {
	case f.p == nil:
		return g
	case g.p == nil || f.p == g.p:
		return f
	}
	return New(append(slices.Clone(f.p.reads), g.p.reads...), append(slices.Clone(f.p.writes), g.p.writes...))
}

// Conflicts reports whether two footprints are dependent: one writes a
// resource the other reads or writes.
func (f Footprint) Conflicts(g Footprint) bool {
	if f.p == nil || g.p == nil {
		return false
	}
	if f.p == g.p {
		return len(f.p.writes) > 0
	}
	return intersects(f.p.writes, g.p.writes) || intersects(f.p.writes, g.p.reads) || intersects(g.p.writes, f.p.reads)
}

// intersects reports whether two sorted sets share an element.
func intersects(a, b []Resource) bool {
	if len(a) == 0 || len(b) == 0 || a[len(a)-1] < b[0] || b[len(b)-1] < a[0] {
		return false
	}
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			return true
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return false
}

// String renders "r{1,5} w{7}" (hex resource ids), or "-" when zero: the
// text Append writes.
func (f Footprint) String() string {
	n := 1
	if f.p != nil {
		n = 8 + 17*(len(f.p.reads)+len(f.p.writes))
	}
	return string(f.Append(make([]byte, 0, n)))
}

// Append appends f as String renders it to b and returns the result: its
// read set and its write set, each left out when empty, as r{…} and w{…},
// the ids written with strconv (the text fmt's %x gives), or "-" when f
// is zero.
func (f Footprint) Append(b []byte) []byte {
	if f.p == nil {
		return append(b, '-')
	}
	start := len(b)
	set := func(name byte, ids []Resource) {
		if len(ids) == 0 {
			return
		}
		if len(b) > start {
			b = append(b, ' ')
		}
		b = append(b, name, '{')
		for i, id := range ids {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendUint(b, uint64(id), 16)
		}
		b = append(b, '}')
	}
	set('r', f.p.reads)
	set('w', f.p.writes)
	return b
}
