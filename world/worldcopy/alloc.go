package worldcopy

import (
	"fmt"
	"math/bits"
	"reflect"
	"slices"
	"unsafe"
)

// allocate groups the records by address and gives each group its new
// object: the groups of one type share an array (an arena), and the
// arenas share one block when a layout is left (block); otherwise a copy
// allocates once per type, never once per object.
func (r *run) allocate() error {
	if err := r.group(); err != nil {
		return err
	}
	r.place()
	return nil
}

// group is allocate without the places: the records' groups, and each
// group's place in the arena of its root's type.
func (r *run) group() error {
	// Records in address order: keys of the address above the index
	// (addresses fit in 48 bits, indexes in 16), sorted without a
	// comparison function.
	if len(r.recs) >= 1<<16 {
		return fmt.Errorf("worldcopy: %d objects, more than a copy handles", len(r.recs))
	}
	r.keys = r.keys[:0]
	for i := range r.recs {
		if r.recs[i].addr() >= 1<<48 {
			return fmt.Errorf("worldcopy: an address above 2^48")
		}
		r.keys = append(r.keys, uint64(r.recs[i].addr())<<16|uint64(i))
	}
	slices.Sort(r.keys)
	var root *record
	for _, k := range r.keys {
		i := int(k & (1<<16 - 1))
		rec := &r.recs[i]
		end := rec.addr() + rec.extent
		if n := len(r.groups); n > 0 && rec.addr() < r.groups[n-1].hi {
			g := &r.groups[n-1]
			rec.g = int32(n - 1)
			switch {
			case rec.own || root.own:
				return fmt.Errorf("worldcopy: a %s and a %s overlap, and one of them has its own copier", root.ti.t, rec.ti.t)
			case end <= g.hi:
				continue
			case rec.addr() == g.lo:
				// A larger object at the same address (a struct and
				// its first field, an array and its first element):
				// it opens the group.
				g.hi, g.root, root = end, i, rec
				continue
			case rec.ti == root.ti && (rec.addr()-g.lo)%rec.ti.size == 0:
				// Two slices of one array: the group grows to both.
				g.hi = end
				continue
			default:
				return fmt.Errorf("worldcopy: a %s at offset %d of a %s runs past its end", rec.ti.t, rec.addr()-g.lo, root.ti.t)
			}
		}
		rec.g = int32(len(r.groups))
		r.groups = append(r.groups, group{lo: rec.addr(), hi: end, root: i})
		root = rec
	}
	// Each group's place in the arena of its root's type.
	for gi := range r.groups {
		g := &r.groups[gi]
		rec := &r.recs[g.root]
		if rec.own {
			continue
		}
		id := rec.ti.id
		if id >= len(r.arenas) {
			r.arenas = append(r.arenas, make([]arena, id+1-len(r.arenas))...)
		}
		a := &r.arenas[id]
		if a.n == 0 {
			r.markType(id)
			a.ti = rec.ti
		}
		g.at = a.n
		a.n += int((g.hi - g.lo) / rec.ti.size)
	}
	r.listTypes()
	return nil
}

// markType notes that the copy holds objects of the type id.
func (r *run) markType(id int) {
	if w := id/64 + 1; w > len(r.typeBits) {
		r.typeBits = append(r.typeBits, make([]uint64, w-len(r.typeBits))...)
	}
	r.typeBits[id/64] |= 1 << (id % 64)
}

// listTypes lists the types markType noted in r.types, in increasing
// order: a copy's layout is kept by its types in that order (layoutKey).
// A copy holds a few dozen types of the few hundred a Copier compiles,
// met in its groups' order: read from a bit set in order, they need no
// sort. The set is left empty.
func (r *run) listTypes() {
	r.types = r.types[:0]
	for wi, w := range r.typeBits {
		for w != 0 {
			r.types = append(r.types, wi*64+bits.TrailingZeros64(w))
			w &= w - 1
		}
		r.typeBits[wi] = 0
	}
}

// place gives every group its new object: a pointer type's own copier
// makes a custom group's, the others are in the arenas of their types,
// allocated now (in one block when a layout is left). The groups and the
// arenas' counts are allocate's; a Frozen graph's copies place them again.
func (r *run) place() {
	for gi := range r.groups {
		g := &r.groups[gi]
		if rec := &r.recs[g.root]; rec.own {
			// A pointer type's own copier (the record's type is the
			// pointer type).
			rec.ti.custom(unsafe.Pointer(&g.dst), unsafe.Pointer(&rec.p))
		}
	}
	r.block()
	for gi := range r.groups {
		g := &r.groups[gi]
		rec := &r.recs[g.root]
		if rec.own {
			continue
		}
		a := &r.arenas[rec.ti.id]
		if a.base == nil {
			// A slice variable of the run's, grown to the arena's
			// length, then let go: no header to allocate.
			if !a.v.IsValid() {
				a.v = reflect.New(rec.ti.sliceOf).Elem()
			}
			a.v.Grow(a.n)
			a.base = a.v.UnsafePointer()
			a.v.SetZero()
		}
		g.dst = unsafe.Add(a.base, uintptr(g.at)*rec.ti.size)
	}
}

// translate returns where the copy holds what the original holds at a,
// an address the walk noted.
func (r *run) translate(a unsafe.Pointer) unsafe.Pointer {
	i, ok := r.byAddr.get(uintptr(a))
	if !ok {
		panic(unrecorded(a))
	}
	g := &r.groups[r.recs[i].g]
	return unsafe.Add(g.dst, uintptr(a)-g.lo)
}

// unrecorded is translate's panic: an address the walk did not note (a
// Frozen's graph written after its first copy, which Frozen.Copy turns
// into an error).
type unrecorded uintptr

func (u unrecorded) String() string {
	return fmt.Sprintf("worldcopy: %#x was not recorded", uintptr(u))
}
