package worldcopy

import "unsafe"

// addrIndex maps the addresses a copy met to the last record noted at
// each: an open-addressing table keyed by the address, cheaper than a Go
// map for the few hundred addresses of a copy and emptied in one clear.
type addrIndex struct {
	keys []uintptr // 0: an empty slot
	vals []int32   // the record's index
	n    int
	// shift turns a hash into a slot (64 − log2 of the table's size).
	shift uint
}

// slot spreads an address over the table (Fibonacci hashing: objects
// are at least 8 bytes apart, so the low bits say little).
func (x *addrIndex) slot(a uintptr) uintptr {
	return uintptr((uint64(a) * 0x9e3779b97f4a7c15) >> x.shift)
}

// get returns the record noted last at a, and whether there is one.
func (x *addrIndex) get(a uintptr) (int, bool) {
	if x.n == 0 {
		return 0, false
	}
	mask := uintptr(len(x.keys) - 1)
	for i := x.slot(a); ; i = (i + 1) & mask {
		switch x.keys[i] {
		case a:
			return int(x.vals[i]), true
		case 0:
			return 0, false
		}
	}
}

// slotOf returns the slot of a: where it is noted (found), else the
// empty slot where it would be; the table has room for one more (room).
// A copy notes a record at a new address after looking the address up:
// one probe does both.
func (x *addrIndex) slotOf(a uintptr) (i uintptr, found bool) {
	mask := uintptr(len(x.keys) - 1)
	for i = x.slot(a); ; i = (i + 1) & mask {
		switch x.keys[i] {
		case a:
			return i, true
		case 0:
			return i, false
		}
	}
}

// room grows the table when it has no room for one more address.
func (x *addrIndex) room() {
	if 2*(x.n+1) > len(x.keys) {
		x.grow()
	}
}

// put notes rec as the last record at a (a not zero).
func (x *addrIndex) put(a uintptr, rec int) {
	if 2*(x.n+1) > len(x.keys) {
		x.grow()
	}
	mask := uintptr(len(x.keys) - 1)
	for i := x.slot(a); ; i = (i + 1) & mask {
		switch x.keys[i] {
		case a:
			x.vals[i] = int32(rec)
			return
		case 0:
			x.keys[i], x.vals[i] = a, int32(rec)
			x.n++
			return
		}
	}
}

// grow doubles the table (at least 256 slots) and places the entries
// again.
func (x *addrIndex) grow() {
	keys, vals := x.keys, x.vals
	size := max(256, 2*len(keys))
	x.keys, x.vals, x.n = make([]uintptr, size), make([]int32, size), 0
	x.shift = 64
	for s := size; s > 1; s >>= 1 {
		x.shift--
	}
	for i, k := range keys {
		if k != 0 {
			x.put(k, int(vals[i]))
		}
	}
}

// reset empties the table, keeping its storage.
func (x *addrIndex) reset() {
	if x.n > 0 {
		clear(x.keys)
		x.n = 0
	}
}

// mapIndex maps the maps a copy met (by the address of their runtime
// map) to their copies: nil while only walked. An open-addressing table
// as addrIndex is, for the dozen maps of a copy, which a Go map keyed by
// pointer cost about two hundred instructions a map to look up and fill.
type mapIndex struct {
	keys  []unsafe.Pointer // nil: an empty slot
	vals  []unsafe.Pointer
	n     int
	shift uint
}

// get returns the copy noted for the map at a, and whether a was noted.
func (x *mapIndex) get(a unsafe.Pointer) (unsafe.Pointer, bool) {
	if x.n == 0 {
		return nil, false
	}
	mask := uintptr(len(x.keys) - 1)
	for i := x.slot(a); ; i = (i + 1) & mask {
		switch x.keys[i] {
		case a:
			return x.vals[i], true
		case nil:
			return nil, false
		}
	}
}

func (x *mapIndex) slot(a unsafe.Pointer) uintptr {
	return uintptr((uint64(uintptr(a)) * 0x9e3779b97f4a7c15) >> x.shift)
}

// put notes c as the copy of the map at a (a not nil).
func (x *mapIndex) put(a, c unsafe.Pointer) {
	if 2*(x.n+1) > len(x.keys) {
		x.grow()
	}
	mask := uintptr(len(x.keys) - 1)
	for i := x.slot(a); ; i = (i + 1) & mask {
		switch x.keys[i] {
		case a:
			x.vals[i] = c
			return
		case nil:
			x.keys[i], x.vals[i] = a, c
			x.n++
			return
		}
	}
}

// grow doubles the table (at least 64 slots) and places the entries
// again.
func (x *mapIndex) grow() {
	keys, vals := x.keys, x.vals
	size := max(64, 2*len(keys))
	x.keys, x.vals, x.n = make([]unsafe.Pointer, size), make([]unsafe.Pointer, size), 0
	x.shift = 64
	for s := size; s > 1; s >>= 1 {
		x.shift--
	}
	for i, k := range keys {
		if k != nil {
			x.put(k, vals[i])
		}
	}
}

// reset empties the table, keeping its storage and holding no copy.
func (x *mapIndex) reset() {
	if x.n > 0 {
		clear(x.keys)
		clear(x.vals)
		x.n = 0
	}
}
