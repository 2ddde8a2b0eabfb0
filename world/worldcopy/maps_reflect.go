//go:build !go1.24 || go1.27 || worldcopy_reflect

package worldcopy

import (
	"reflect"
	"unsafe"
)

// The map primitives through package reflect alone, for the Go releases
// maps_runtime.go was not checked against (before 1.24, whose maps were
// runtime/map.go's hash buckets; 1.27 and later, which may drop the
// functions that file links to or change the layout of
// internal/runtime/maps that it relies on), and for any release under the
// build tag worldcopy_reflect, which CI's tests of the package use to keep
// this file working. Slower (a reflect.Value per entry, SetMapIndex's
// checks), the same copies.

// compiledMapLoops reports that no map takes a compiled loop: ptrMapFor
// returns nil, and maps of pointers go entry by entry as the others do.
const compiledMapLoops = false

// mapTypeOf returns the map type whose type word is t: the type of an
// interface holding that word and no value.
func mapTypeOf(t unsafe.Pointer) reflect.Type {
	var i any
	(*eface)(unsafe.Pointer(&i)).typ = t
	return reflect.TypeOf(i)
}

// makemapSmall returns a new empty map of the map type t (a type word).
func makemapSmall(t unsafe.Pointer) unsafe.Pointer { return makemap(t, 0) }

// makemap returns a new map of the map type t (a type word) with room
// for n entries.
func makemap(t unsafe.Pointer, n int) unsafe.Pointer {
	return reflect.MakeMapWithSize(mapTypeOf(t), n).UnsafePointer()
}

// mapassign sets m[*key] = *val in the map m of the map type t (a type
// word).
func mapassign(t, m, key, val unsafe.Pointer) {
	var i any
	e := (*eface)(unsafe.Pointer(&i))
	e.typ, e.data = t, m
	mv := reflect.ValueOf(i)
	mt := mv.Type()
	mv.SetMapIndex(reflect.NewAt(mt.Key(), key).Elem(), reflect.NewAt(mt.Elem(), val).Elem())
}

// cloneMap returns a copy of the map m of ti's type (a map type) whose
// entries copy as they are (ti.mapPlain).
func (ti *tinfo) cloneMap(m unsafe.Pointer) unsafe.Pointer {
	sv := ti.mapValue(m)
	nv := reflect.MakeMapWithSize(ti.t, sv.Len())
	for it := sv.MapRange(); it.Next(); {
		nv.SetMapIndex(it.Key(), it.Value())
	}
	return nv.UnsafePointer()
}

// ptrMapFor returns nil: no map takes a compiled loop, which would read a
// map[K]*T as a map[K]unsafe.Pointer, a layout this file does not assume.
func ptrMapFor(reflect.Kind) *ptrMap { return nil }
