package worldcopy

import (
	"math/bits"
	"reflect"
	"slices"
	"strconv"
	"unsafe"
)

// A copy's new objects are all in one allocation (a block) when it can:
// a struct type with an array per type of object, made once per layout
// (the types and how many of each, rounded up to a power of two) and
// kept by the Copier, up to maxLayouts of them; past that, one
// allocation per type. One allocation costs less than one per type of
// object, each in its own size class.

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

// block places every arena in one new block and reports whether it did.
func (r *run) block() bool {
	if len(r.types) == 0 {
		return true
	}
	slices.Sort(r.types)
	h := uint64(14695981039346656037)
	for _, id := range r.types {
		a := &r.arenas[id]
		a.cap = 1 << bits.Len(uint(a.n-1))
		h = (h ^ uint64(id)<<32 ^ uint64(a.cap)) * 1099511628211
	}
	l := r.c.layout(h, r)
	if l == nil {
		return false
	}
	base := reflect.New(l.t).UnsafePointer()
	for i, id := range r.types {
		r.arenas[id].base = unsafe.Add(base, l.offs[i])
	}
	return true
}

// layout returns the layout of r's arenas, whose hash is h, made if it
// is new (nil: too many layouts).
func (c *Copier) layout(h uint64, r *run) *layout {
	if v, ok := c.layouts.Load(h); ok {
		if l := v.(*layout); l.fits(r) {
			return l
		}
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.nlayouts >= c.maxLayouts {
		return nil
	}
	l := &layout{}
	fields := make([]reflect.StructField, 0, len(r.types))
	for _, id := range r.types {
		a := &r.arenas[id]
		l.ids, l.caps = append(l.ids, id), append(l.caps, a.cap)
		fields = append(fields, reflect.StructField{Name: "T" + strconv.Itoa(id), Type: reflect.ArrayOf(a.cap, a.ti.t)})
	}
	l.t = reflect.StructOf(fields)
	for i := range fields {
		l.offs = append(l.offs, l.t.Field(i).Offset)
	}
	if v, loaded := c.layouts.LoadOrStore(h, l); loaded {
		l = v.(*layout)
		if !l.fits(r) {
			return nil
		}
		return l
	}
	c.nlayouts++
	return l
}

// fits reports whether l is the layout of r's arenas (not another of
// the same hash).
func (l *layout) fits(r *run) bool {
	if len(l.ids) != len(r.types) {
		return false
	}
	for i, id := range r.types {
		if l.ids[i] != id || l.caps[i] != r.arenas[id].cap {
			return false
		}
	}
	return true
}
