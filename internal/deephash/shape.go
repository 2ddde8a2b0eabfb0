package deephash

import "reflect"

// shape hashes what a type's walk writes apart from the values: its kind
// and, inside it, the shapes of its fields (with their count), of an
// array's elements (with their count), of a slice's, a pointer's or a
// map's elements; a skipped type as its name, a StateHasher pointer as
// such, an interface as its kind (its dynamic type is written with its
// value). Two values of different types write comparable streams only
// where the type is not fixed by where the value is: the value hashed, and
// an interface's (which also writes the type's name, dynWord).
func (h *Hasher) shape(t reflect.Type) uint64 {
	if h.cache != nil {
		if v, ok := h.cache.shapes.Load(t); ok {
			return v.(uint64)
		}
	} else if v, ok := h.shapes[t]; ok {
		return v
	}
	v, _ := h.shapeIn(t, map[reflect.Type]int{}, map[reflect.Type]uint64{})
	if h.cache != nil {
		h.cache.shapes.Store(t, v)
	} else {
		if h.shapes == nil {
			h.shapes = map[reflect.Type]uint64{}
		}
		h.shapes[t] = v
	}
	return v
}

// shapeIn hashes t's shape inside the types being hashed (outer, each
// with its depth): a type met again inside itself hashes as how far out
// it is. low is the depth of the outermost type the shape refers back to
// (len(outer) when none). done holds the shapes that refer back to no
// outer type.
func (h *Hasher) shapeIn(t reflect.Type, outer map[reflect.Type]int, done map[reflect.Type]uint64) (v uint64, low int) {
	fl := h.flags(t)
	if fl&typeSkip != 0 {
		return String(Mix(seed, 1), t.String()), len(outer)
	}
	if d, ok := outer[t]; ok {
		return Mix(Mix(seed, 2), uint64(len(outer)-d)), d
	}
	depth := len(outer)
	if v, ok := done[t]; ok {
		return v, depth
	}
	outer[t] = depth
	defer delete(outer, t)
	low = depth + 1
	v = Mix(seed, uint64(t.Kind()))
	sub := func(e reflect.Type) {
		x, l := h.shapeIn(e, outer, done)
		v = Mix(v, x)
		low = min(low, l)
	}
	switch t.Kind() {
	case reflect.Array:
		v = Mix(v, uint64(t.Len()))
		sub(t.Elem())
	case reflect.Slice:
		sub(t.Elem())
	case reflect.Pointer:
		if fl&typeSelf != 0 {
			v = Mix(v, 3)
		} else {
			sub(t.Elem())
		}
	case reflect.Map:
		sub(t.Key())
		sub(t.Elem())
	case reflect.Struct:
		v = Mix(v, uint64(t.NumField()))
		for i := range t.NumField() {
			sub(t.Field(i).Type)
		}
	}
	if low >= depth {
		done[t] = v
	}
	return v, min(low, depth)
}

// dynWord is what an interface holding a value of type t writes before
// it: t's name and shape, never 0 (a nil interface's).
func (h *Hasher) dynWord(t reflect.Type) uint64 {
	return Mix(String(seed, t.String()), h.shape(t)) | 1
}
