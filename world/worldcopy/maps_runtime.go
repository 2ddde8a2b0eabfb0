//go:build go1.24 && !go1.27 && !worldcopy_reflect

package worldcopy

import (
	"reflect"
	"unsafe"
)

// The map primitives through the Go runtime's own functions, under the
// names the runtime gives them for other packages (runtime/map.go:
// makemap_small, which make(map[K]V) calls; mapclone, which maps.Clone
// calls; reflect_makemap and reflect_mapassign, which
// reflect.MakeMapWithSize and reflect.Value.SetMapIndex call): the same
// maps the reflective calls make, without their checks, which the
// copier's types already passed when they were compiled (Copier.build: a
// map type's key and value types).
//
// Checked against Go 1.24, 1.25 and 1.26, whose maps are the Swiss tables
// of internal/runtime/maps: a map's header (maps.Map) keeps no type, the
// type being given at each operation, and its groups' layout and its
// key's hash function follow from its key's and value's sizes, alignment
// and pointers alone, which ptrMapOf relies on. A later release builds
// maps_reflect.go instead until this file is checked against it.

// compiledMapLoops reports that maps of pointers by a basic key take
// ptrMapFor's compiled loops.
const compiledMapLoops = true

// runtimeMakemapSmall returns a new empty map of any map type.
//
//go:linkname runtimeMakemapSmall runtime.makemap_small
func runtimeMakemapSmall() unsafe.Pointer

// makemapSmall returns a new empty map of the map type t (a type word),
// as make(map[K]V) makes one: a map's type is given at each operation,
// not kept in the map, so t is not needed here.
func makemapSmall(t unsafe.Pointer) unsafe.Pointer { return runtimeMakemapSmall() }

// mapsClone returns a copy of the map m holds (maps.Clone's runtime
// half): its entries copied as they are, in one pass over its groups.
//
//go:linkname mapsClone maps.clone
func mapsClone(m any) any

// makemap returns a new map of the map type t (a type word) with room
// for n entries.
//
//go:linkname makemap reflect.makemap
func makemap(t unsafe.Pointer, n int) unsafe.Pointer

// mapassign sets m[*key] = *val in the map m of the map type t (a type
// word).
//
//go:linkname mapassign reflect.mapassign0
func mapassign(t, m, key, val unsafe.Pointer)

// cloneMap returns a copy of the map m of ti's type (a map type) whose
// entries copy as they are (ti.mapPlain).
func (ti *tinfo) cloneMap(m unsafe.Pointer) unsafe.Pointer {
	var i any
	e := (*eface)(unsafe.Pointer(&i))
	e.typ, e.data = ti.mapType, m
	c := mapsClone(i)
	return (*eface)(unsafe.Pointer(&c)).data
}

// ptrMapFor returns the ptrMap of the maps whose key is of kind k, or nil
// for another kind.
func ptrMapFor(k reflect.Kind) *ptrMap {
	switch k {
	case reflect.Int:
		return ptrMapOf[int]()
	case reflect.Int8:
		return ptrMapOf[int8]()
	case reflect.Int16:
		return ptrMapOf[int16]()
	case reflect.Int32:
		return ptrMapOf[int32]()
	case reflect.Int64:
		return ptrMapOf[int64]()
	case reflect.Uint:
		return ptrMapOf[uint]()
	case reflect.Uint8:
		return ptrMapOf[uint8]()
	case reflect.Uint16:
		return ptrMapOf[uint16]()
	case reflect.Uint32:
		return ptrMapOf[uint32]()
	case reflect.Uint64:
		return ptrMapOf[uint64]()
	case reflect.Uintptr:
		return ptrMapOf[uintptr]()
	case reflect.String:
		return ptrMapOf[string]()
	}
	return nil
}

// ptrMapOf returns the ptrMap of the maps whose key's underlying type is
// K, each read and made as a map[K]unsafe.Pointer.
func ptrMapOf[K comparable]() *ptrMap {
	return &ptrMap{
		fill: func(r *run, m unsafe.Pointer, share bool) unsafe.Pointer {
			src := *(*map[K]unsafe.Pointer)(unsafe.Pointer(&m))
			dst := make(map[K]unsafe.Pointer, len(src))
			for k, v := range src {
				if v != nil && !share {
					v = r.translate(v)
				}
				dst[k] = v
			}
			return *(*unsafe.Pointer)(unsafe.Pointer(&dst))
		},
		walk: func(r *run, m unsafe.Pointer, val *tinfo, t *tempVar) (any, error) {
			src := *(*map[K]unsafe.Pointer)(unsafe.Pointer(&m))
			for k, v := range src {
				*(*unsafe.Pointer)(t.p) = v
				if err := r.walkOne(t.p, val); err != nil {
					return k, err
				}
			}
			return nil, nil
		},
	}
}
