package worldcopy

import (
	"reflect"
	"unsafe"
)

// The map primitives a copy uses in place of package reflect's, which
// cost several times the map operation they wrap (a reflect.Value per
// entry, its assignability checked at every SetMapIndex): a copy makes a
// dozen maps, half of them empty, and most of the rest hold a few entries
// (docs/engine.md, "Copying the world's data"). Each is the Go runtime's
// own function under the name it gives it for other packages
// (runtime/map.go: makemap_small, which make(map[K]V) calls; mapclone,
// which maps.Clone calls; reflect_makemap and reflect_mapassign, which
// reflect.MakeMapWithSize and reflect.Value.SetMapIndex call): the same
// maps the reflective calls make, without their checks, which the
// copier's types already passed when they were compiled (Copier.build: a
// map type's key and value types).

// makemapSmall returns a new empty map of any map type: a map's type is
// given at each operation, not kept in the map.
//
//go:linkname makemapSmall runtime.makemap_small
func makemapSmall() unsafe.Pointer

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

// ptrMap copies and walks the maps of one shape: a key of a basic kind
// (an integer or a string) and a pointer value, which most maps the world
// holds are (a driver's buffers and queues by index, a host's members).
// A map's layout and its key's hash function are its key's and value's
// sizes and kinds: a map[uint16]*T is, in memory, a map[uint16]
// unsafe.Pointer, so that one compiled range loop and one map assignment
// per entry (instead of package reflect's iterator and SetMapIndex) serve
// every such map of one key kind (ptrMapFor).
type ptrMap struct {
	// fill returns a new map holding m's entries, each value translated
	// into the copy (nil and shared values as they are), as fillPart
	// copies a pointer.
	fill func(r *run, m unsafe.Pointer, share bool) unsafe.Pointer
	// walk notes what m's values reach, through the temporary t of the
	// value's type; on the first error it returns the key of its entry.
	walk func(r *run, m unsafe.Pointer, val *tinfo, t *tempVar) (any, error)
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
