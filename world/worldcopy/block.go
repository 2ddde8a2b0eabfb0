package worldcopy

import (
	"math/bits"
	"reflect"
	"strconv"
	"unsafe"
)

// A copy's new objects are all in one allocation (a block) when it can:
// a struct type with an array per type of object, made for the types a
// copy holds and about how much of them (the bytes it needs, to a power
// of two) and kept by the Copier, up to maxLayouts of them; past that,
// one allocation per type. One allocation costs less than one per type of
// object, each in its own size class. A copy uses the layout of its types
// and size when every array has room for its objects; when one has not,
// the layout is made again with that array grown (to a power of two) and
// the others as they were, which replaces it: the counts of the objects
// of a run's worlds vary (pending events, requests, labels), and a layout
// per combination of counts made hundreds per row.

// layout is a block's struct type: for the i-th type (by id), an array
// of caps[i] elements at offs[i].
type layout struct {
	ids, caps []int
	offs      []uintptr
	t         reflect.Type
}

// maxLayouts bounds the layouts a Copier makes (each is a type the
// process keeps): Copier.maxLayouts starts at it.
const maxLayouts = 256

// maxWaste bounds a block against the bytes its copy needs: a layout
// grown for other copies of its size (each array for the largest count
// of its type) that would give a copy more than maxWaste times its bytes
// (and a word per type, for the arrays' alignment) is not used for it.
// Without the bound, a layout of T types could give a copy up to 4T
// times its bytes; the whole catalog's blocks are at most 1.9 times
// theirs, so the bound only guards the worst case.
const maxWaste = 4

// block places every arena in one new block and reports whether it did.
func (r *run) block() bool {
	if len(r.types) == 0 {
		return true
	}
	h, size := r.layoutKey()
	l := r.c.layout(h, r)
	if l == nil || l.t.Size() > maxWaste*size+8*uintptr(len(r.types)) {
		return false
	}
	base := reflect.New(l.t).UnsafePointer()
	for i, id := range r.types {
		r.arenas[id].base = unsafe.Add(base, l.offs[i])
	}
	return true
}

// layoutKey rounds each of r's arenas' count up to a power of two (its
// cap) and returns the hash of the types (in increasing order: addType,
// run.load) and of the copy's size (its bytes, to a power of two) a
// layout is kept by, and the bytes.
func (r *run) layoutKey() (h uint64, size uintptr) {
	h = uint64(14695981039346656037)
	for _, id := range r.types {
		a := &r.arenas[id]
		a.cap = 1 << bits.Len(uint(a.n-1))
		size += uintptr(a.n) * a.ti.size
		h = (h ^ uint64(id)) * 1099511628211
	}
	h = (h ^ uint64(bits.Len64(uint64(size)))<<56) * 1099511628211
	return h, size
}

// layout returns a layout for r's arenas, whose types and size hash to h:
// the one kept for h when it has room for them, else one made with room
// (nil: too many layouts, or h is another layout's).
func (c *Copier) layout(h uint64, r *run) *layout {
	v, ok := c.layouts.Load(h)
	if ok && v.(*layout).fits(r) {
		return v.(*layout)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	var old *layout
	if v, ok := c.layouts.Load(h); ok {
		if old = v.(*layout); old.fits(r) {
			return old
		}
		if !old.sameTypes(r) {
			return nil
		}
	}
	if c.nlayouts >= c.maxLayouts {
		return nil
	}
	l := &layout{}
	fields := make([]reflect.StructField, 0, len(r.types))
	for i, id := range r.types {
		a := &r.arenas[id]
		n := a.cap
		if old != nil {
			n = max(n, old.caps[i])
		}
		l.ids, l.caps = append(l.ids, id), append(l.caps, n)
		fields = append(fields, reflect.StructField{Name: "T" + strconv.Itoa(id), Type: reflect.ArrayOf(n, a.ti.t)})
	}
	l.t = reflect.StructOf(fields)
	for i := range fields {
		l.offs = append(l.offs, l.t.Field(i).Offset)
	}
	c.layouts.Store(h, l)
	c.nlayouts++
	return l
}

// sameTypes reports whether l has an array for each of r's arenas' types
// and for no other.
func (l *layout) sameTypes(r *run) bool {
	if len(l.ids) != len(r.types) {
		return false
	}
	for i, id := range r.types {
		if l.ids[i] != id {
			return false
		}
	}
	return true
}

// fits reports whether l has room for r's arenas: an array of each of
// their types, of at least as many elements.
func (l *layout) fits(r *run) bool {
	if !l.sameTypes(r) {
		return false
	}
	for i, id := range r.types {
		if l.caps[i] < r.arenas[id].n {
			return false
		}
	}
	return true
}
