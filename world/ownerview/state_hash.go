package ownerview

import (
	"slices"

	"github.com/migsim/migsim/internal/deephash"
)

// StateHash hashes the part of the record that decides what happens next:
// for each member, what the hypervisor can read of it (its view: mode,
// mode commands pending, commands outstanding, FLR and reset in progress
// and, while one is, when the FLR began; whether it is auditable). What the record keeps only for the oracles to
// judge with (the size-query watch, reset counts, when an FLR began, the
// images read) is left out: it follows the order of steps that commute
// (a guest's write and a hypervisor's doorbell), so hashing it would keep
// apart states that behave the same.
func (r *Record) StateHash() uint64 {
	h := deephash.Mix(0, uint64(len(r.members)))
	var buf [16]int // the members in VF order, on the stack for a few
	vfs := r.vfsInOrder(buf[:0])
	for _, vf := range vfs {
		t := r.members[vf]
		h = deephash.Mix(deephash.Mix(h, uint64(vf)), uint64(t.mode))
		h = deephash.Mix(h, uint64(len(t.pending)))
		for _, m := range t.pending {
			h = deephash.Mix(h, uint64(m))
		}
		h = deephash.Mix(h, uint64(t.outstanding))
		h = deephash.Mix(h, flags(t.flr, t.flrDeferred, t.reset, t.ctx.epochImg != nil, t.ctx.epochOf == t.epoch))
		if t.flr {
			// An FLR in progress ends 100 ms after it began (Settle,
			// when the world's clock moves).
			h = deephash.Mix(h, uint64(t.flrAt))
		}
	}
	return h
}

// flags packs booleans into a word, the first in the lowest bit (as the
// world's por.BoolBits, which this package does not import).
func flags(bs ...bool) (v uint64) {
	for i, b := range bs {
		v |= uint64(boolBit(b)) << i
	}
	return v
}

func boolBit(b bool) uint8 {
	if b {
		return 1
	}
	return 0
}

// vfsInOrder appends the record's members' VF numbers to vfs in
// increasing order: the order both hashes mix the members in.
func (r *Record) vfsInOrder(vfs []int) []int {
	for vf := range r.members {
		vfs = append(vfs, vf)
	}
	slices.Sort(vfs)
	return vfs
}
