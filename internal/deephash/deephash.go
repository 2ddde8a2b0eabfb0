// Package deephash hashes a Go value by walking it with reflection:
// every field (exported or not), the elements of slices and arrays, the
// entries of maps in an order that does not depend on map iteration, and
// what pointers and interfaces point to. A pointer's target is hashed once
// and its hash reused wherever the pointer appears again; a pointer met
// again while its target is being hashed (a cycle) hashes as a constant.
// Functions, channels and unsafe pointers hash as their kind only; a type
// the caller skips hashes as its name; a pointer to a StateHasher hashes as
// what its StateHash returns.
//
// It is the reference for hand-written state hashes: complete by
// construction. An addressable value (everything behind a pointer) is
// hashed by a function compiled once per type (compiled.go; a Cache shares
// them between hashers), which gives the hash the reflective walk gives;
// map entries and non-pointer values inside interfaces take the walk.
package deephash

import (
	"math"
	"reflect"
	"slices"
	"unsafe"
)

// Hasher hashes values; Skip, when set, names the types whose values are
// not walked (shared resources a caller hashes on their own). Skip must not
// change once the hasher has hashed (its compiled hashers, or its Cache's,
// keep the decisions it made).
type Hasher struct {
	Skip func(reflect.Type) bool
	// Reflective, when set, walks every value by reflection alone: the
	// reference the compiled walk (compiled.go) is checked against.
	Reflective bool
	seen       map[ptrKey]uint64
	// types caches, per type, whether it is skipped and whether it hashes
	// itself.
	types map[reflect.Type]typeFlags
	// cache holds the compiled hashers of addressable values
	// (compiled.go): a Cache's, or the hasher's own.
	cache *Cache
	// ptr holds an interface's pointer for the hasher of its type
	// (interfaceFn).
	ptr unsafe.Pointer
}

type typeFlags uint8

const (
	typeSkip typeFlags = 1 << iota
	typeSelf
	typeKnown
	// typePlain: only numbers and booleans inside, and no padding: an
	// addressable value hashes as its bytes.
	typePlain
)

// plain reports whether t holds only numbers and booleans (in structs and
// arrays) and no padding, so that its bytes say everything and nothing
// else: padding is not always zero (a struct copied field by field keeps
// what the memory held).
func plain(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
		return true
	case reflect.Array:
		return plain(t.Elem())
	case reflect.Struct:
		end := uintptr(0)
		for i := range t.NumField() {
			f := t.Field(i)
			if f.Offset != end || !plain(f.Type) {
				return false
			}
			end = f.Offset + f.Type.Size()
		}
		return end == t.Size()
	}
	return false
}

func (h *Hasher) flags(t reflect.Type) typeFlags {
	f, ok := h.types[t]
	if ok {
		return f
	}
	if h.cache != nil {
		// The hashers of a Cache share its decisions: a hasher lives for
		// one run, and reflect's Implements is dear.
		if f, ok := h.cache.flagsOf.Load(t); ok {
			return f.(typeFlags)
		}
		defer func() { h.cache.flagsOf.Store(t, f) }()
	}
	f = typeKnown
	if h.Skip != nil && h.Skip(t) {
		f |= typeSkip
	}
	if t.Kind() == reflect.Pointer && t.Implements(stateHasherType) {
		f |= typeSelf
	}
	if (t.Kind() == reflect.Struct || t.Kind() == reflect.Array) && plain(t) && t.Size() > 0 {
		f |= typePlain
	}
	if h.types == nil {
		h.types = map[reflect.Type]typeFlags{}
	}
	h.types[t] = f
	return f
}

type ptrKey struct {
	p uintptr
	t reflect.Type
}

// inProgress marks a pointer whose target is being hashed.
const inProgress = 0

// Hash returns the deep hash of v.
func (h *Hasher) Hash(v any) uint64 {
	if h.seen == nil {
		h.seen = map[ptrKey]uint64{}
	}
	clear(h.seen)
	return h.value(seed, reflect.ValueOf(v))
}

// Hash hashes v with a fresh Hasher that skips nothing.
func Hash(v any) uint64 {
	var h Hasher
	return h.Hash(v)
}

const seed uint64 = 0x9e3779b97f4a7c15

// StateHasher is implemented by types that hash their own state: a pointer
// to one is hashed by calling StateHash instead of walking it. The method
// must cover everything the walk would (pcie.ConfigSpace,
// virtq.GuestMemory).
type StateHasher interface {
	StateHash() uint64
}

var stateHasherType = reflect.TypeOf((*StateHasher)(nil)).Elem()

// Mix folds v into h: a multiply-add, so that the result depends on h and
// v apart (with h ^= v, as a plain finaliser mix does, Mix(1, 1) ==
// Mix(0, 0): a list [1] whose hash starts from its length hashed like the
// empty list), then the splitmix64 finaliser.
func Mix(h, v uint64) uint64 {
	h = h*0x9e3779b97f4a7c15 + v
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 31
	h *= 0x94d049bb133111eb
	return h ^ h>>29
}

// String hashes s with its length.
func String(h uint64, s string) uint64 {
	h = Mix(h, uint64(len(s)))
	for len(s) >= 8 {
		h = Mix(h, uint64(s[0])|uint64(s[1])<<8|uint64(s[2])<<16|uint64(s[3])<<24|
			uint64(s[4])<<32|uint64(s[5])<<40|uint64(s[6])<<48|uint64(s[7])<<56)
		s = s[8:]
	}
	var tail uint64
	for i := 0; i < len(s); i++ {
		tail |= uint64(s[i]) << (8 * i)
	}
	return Mix(h, tail)
}

// Bytes hashes b with its length.
func Bytes(h uint64, b []byte) uint64 {
	h = Mix(h, uint64(len(b)))
	for len(b) >= 8 {
		h = Mix(h, uint64(b[0])|uint64(b[1])<<8|uint64(b[2])<<16|uint64(b[3])<<24|
			uint64(b[4])<<32|uint64(b[5])<<40|uint64(b[6])<<48|uint64(b[7])<<56)
		b = b[8:]
	}
	var tail uint64
	for i := 0; i < len(b); i++ {
		tail |= uint64(b[i]) << (8 * i)
	}
	return Mix(h, tail)
}

func (h *Hasher) value(acc uint64, v reflect.Value) uint64 {
	if !v.IsValid() {
		return Mix(acc, 0xdead)
	}
	k := v.Kind()
	if !h.Reflective && v.CanAddr() && k != reflect.Interface && k != reflect.Map {
		return h.compiled(v.Type())(h, acc, v.Addr().UnsafePointer())
	}
	if k <= reflect.Complex128 && h.Skip == nil || k <= reflect.Complex128 && !h.Skip(v.Type()) {
		return basic(Mix(acc, uint64(k)), v)
	}
	fl := h.flags(v.Type())
	if fl&typeSkip != 0 {
		return String(acc, v.Type().String())
	}
	if fl&typePlain != 0 && v.CanAddr() {
		return Bytes(acc, unsafe.Slice((*byte)(unsafe.Pointer(v.UnsafeAddr())), v.Type().Size()))
	}
	acc = Mix(acc, uint64(k))
	switch k {
	case reflect.String:
		return String(acc, v.String())
	case reflect.Slice:
		if v.IsNil() {
			return Mix(acc, 0xffff_ffff)
		}
		if v.Type().Elem().Kind() == reflect.Uint8 && v.Len() > 0 {
			return Bytes(acc, unsafe.Slice((*byte)(v.UnsafePointer()), v.Len()))
		}
		fallthrough
	case reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 && k == reflect.Array && v.CanAddr() && v.Len() > 0 {
			return Bytes(acc, unsafe.Slice((*byte)(unsafe.Pointer(v.UnsafeAddr())), v.Len()))
		}
		acc = Mix(acc, uint64(v.Len()))
		for i := 0; i < v.Len(); i++ {
			acc = h.value(acc, v.Index(i))
		}
		return acc
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			acc = h.value(acc, v.Field(i))
		}
		return acc
	case reflect.Pointer:
		if v.IsNil() {
			return Mix(acc, 0)
		}
		p := ptrKey{v.Pointer(), v.Type()}
		if r, seen := h.enter(acc, p); seen {
			return r
		}
		var n uint64
		if fl&typeSelf != 0 {
			// The type hashes its own state (faster, and kept as it changes).
			n = reflect.NewAt(v.Type().Elem(), v.UnsafePointer()).Interface().(StateHasher).StateHash() | 1
		} else {
			n = h.value(seed, v.Elem()) | 1
		}
		return h.leave(acc, p, n)
	case reflect.Interface:
		if v.IsNil() {
			return Mix(acc, 0)
		}
		e := v.Elem()
		return h.value(String(acc, e.Type().String()), e)
	case reflect.Map:
		if v.IsNil() {
			return Mix(acc, 0)
		}
		pairs := make([][2]uint64, 0, v.Len())
		it := v.MapRange()
		for it.Next() {
			pairs = append(pairs, [2]uint64{h.value(seed, it.Key()), h.value(seed, it.Value())})
		}
		slices.SortFunc(pairs, func(a, b [2]uint64) int {
			if a[0] != b[0] {
				if a[0] < b[0] {
					return -1
				}
				return 1
			}
			if a[1] < b[1] {
				return -1
			}
			if a[1] > b[1] {
				return 1
			}
			return 0
		})
		acc = Mix(acc, uint64(len(pairs)))
		for _, p := range pairs {
			acc = Mix(Mix(acc, p[0]), p[1])
		}
		return acc
	}
	// Func, Chan, UnsafePointer: their kind only.
	return acc
}

// enter starts hashing what pointer key points to: seen is true when it
// was met before in this hash, and r is then acc with its hash (a constant
// for a pointer met again while its target is being hashed: a cycle).
func (h *Hasher) enter(acc uint64, key ptrKey) (r uint64, seen bool) {
	if n, ok := h.seen[key]; ok {
		if n == inProgress {
			return Mix(acc, 0xc1c1e), true
		}
		return Mix(acc, n), true
	}
	h.seen[key] = inProgress
	return 0, false
}

// leave records n, the hash of what key points to, and folds it into acc.
func (h *Hasher) leave(acc uint64, key ptrKey, n uint64) uint64 {
	h.seen[key] = n
	return Mix(acc, n)
}

// basic hashes a boolean or a number.
func basic(acc uint64, v reflect.Value) uint64 {
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			return Mix(acc, 1)
		}
		return Mix(acc, 0)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return Mix(acc, uint64(v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return Mix(acc, v.Uint())
	case reflect.Float32, reflect.Float64:
		return Mix(acc, math.Float64bits(v.Float()))
	}
	c := v.Complex()
	return Mix(Mix(acc, math.Float64bits(real(c))), math.Float64bits(imag(c)))
}

// Fresh returns a hasher that hashes as h does (its Skip, Reflective and
// Cache) without h's scratch (the pointers met in the last hash, the types'
// flags it cached): what a copy of a value holding h holds in its place.
func (h *Hasher) Fresh() Hasher {
	return Hasher{Skip: h.Skip, Reflective: h.Reflective, cache: h.cache}
}
