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
// The walk writes a stream of bytes (stream.go): numbers and booleans as
// their bytes in memory (never the padding between fields), lengths and
// the hashes of pointers' targets as words; what the value's type fixes
// (the kinds, the skipped types' names) is written once, as the type's
// shape (shape.go), where the type is not fixed by the place: the value
// hashed and an interface's.
//
// It is the reference for hand-written state hashes: complete by
// construction. The walk is compiled once per type (compiled.go; a Cache
// shares the compiled functions between hashers): runs of numbers and
// booleans with no padding between them, in nested structs and arrays,
// are read as one span of memory. It writes the stream the reflective walk
// (Hasher.Reflective) writes field by field.
package deephash

import (
	"cmp"
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
	seen       seenTable
	// types caches, per type, whether it is skipped and whether it hashes
	// itself.
	types map[reflect.Type]typeFlags
	// shapes caches the types' shapes (shape.go) when there is no Cache.
	shapes map[reflect.Type]uint64
	// cache holds the compiled hashers of addressable values
	// (compiled.go): a Cache's, or the hasher's own.
	cache *Cache
	// root is the type last hashed, its shape and its compiled hasher.
	root *typedFn
	// ptr holds the value hashed when it is one pointer (Hash).
	ptr unsafe.Pointer
}

type typeFlags uint8

const (
	typeSkip typeFlags = 1 << iota
	typeSelf
	typeKnown
	// typeNoCycle: nothing a value of the type holds leads to a pointer,
	// an interface or a map (strings and slices of such values do not),
	// so no pointer cycle or shared target goes through it: a pointer
	// to it need not be tracked.
	typeNoCycle
)

// noCycle reports whether a value of t can reach no pointer, interface or
// map (typeNoCycle), for a hasher that skips what skip names.
func noCycle(t reflect.Type, skip func(reflect.Type) bool) bool {
	if skip != nil && skip(t) {
		return true
	}
	switch t.Kind() {
	case reflect.Pointer, reflect.Interface, reflect.Map, reflect.UnsafePointer:
		return false
	case reflect.Array, reflect.Slice:
		return noCycle(t.Elem(), skip)
	case reflect.Struct:
		for i := range t.NumField() {
			if !noCycle(t.Field(i).Type, skip) {
				return false
			}
		}
	}
	return true
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
	if noCycle(t, h.Skip) {
		f |= typeNoCycle
	}
	if h.types == nil {
		h.types = map[reflect.Type]typeFlags{}
	}
	h.types[t] = f
	return f
}

// inProgress marks a pointer whose target is being hashed.
const inProgress = 0

// cycleWord is what a pointer met again while its target is being hashed
// writes (even: the hash of a target is odd).
const cycleWord = 0xc1c1e

// Hash returns the deep hash of v: the stream (stream.go) of v's type's
// shape (shape.go), then of v.
func (h *Hasher) Hash(v any) uint64 {
	h.seen.reset()
	s := start()
	if v == nil {
		return s.word(0xdead).sum()
	}
	t := reflect.TypeOf(v)
	if h.Reflective {
		return h.reflective(s, v)
	}
	if h.root == nil || h.root.t != t {
		// A hasher mostly hashes values of one type (a device, a driver).
		h.root = &typedFn{t, h.shape(t), h.compiled(t), direct(t)}
	}
	// The value's address, where the hasher does not make v escape: a
	// value the interface holds in its data word is copied to h.ptr.
	data := (*[2]unsafe.Pointer)(unsafe.Pointer(&v))[1]
	if h.root.direct {
		h.ptr = data
		data = unsafe.Pointer(&h.ptr)
	}
	return h.root.fn(h, s.word(h.root.word), data).sum()
}

// reflective hashes v by value, the reference walk.
func (h *Hasher) reflective(s stream, v any) uint64 {
	t := reflect.TypeOf(v)
	return h.value(s.word(h.shape(t)), reflect.NewAt(t, ifaceData(unsafe.Pointer(&v), t)).Elem()).sum()
}

// ifaceData returns the address of the value of type t that the
// interface at p holds: its data word when t is direct, else where that
// word points (the runtime boxes the value).
func ifaceData(p unsafe.Pointer, t reflect.Type) unsafe.Pointer {
	data := unsafe.Add(p, unsafe.Sizeof(uintptr(0)))
	if direct(t) {
		return data
	}
	return *(*unsafe.Pointer)(data)
}

// direct reports whether an interface holds a value of type t in its data
// word rather than a pointer to it: when t is one word and that word is a
// pointer, whatever zero-size fields sit beside it (its size and its
// pointer bytes both one word: internal/abi's TFlagDirectIface, the Go
// compiler's types.IsDirectIface since Go 1.26; TestDirect_AsTheRuntime).
func direct(t reflect.Type) bool {
	return t.Size() == unsafe.Sizeof(uintptr(0)) && pointerFirst(t)
}

// pointerFirst reports whether the first word of a value of type t holds
// a pointer: t is one, or its first field or element of non-zero size,
// at offset 0, begins with one.
func pointerFirst(t reflect.Type) bool {
	switch t.Kind() {
	case reflect.Pointer, reflect.Chan, reflect.Map, reflect.Func, reflect.UnsafePointer:
		return true
	case reflect.Array:
		return t.Len() > 0 && t.Elem().Size() > 0 && pointerFirst(t.Elem())
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.Type.Size() > 0 {
				return f.Offset == 0 && pointerFirst(f.Type)
			}
		}
	}
	return false
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

// value writes addressable value v to s by reflection, one field and one
// element at a time: a number or a boolean as its bytes in memory; a
// string, or a slice of bytes, as its length and bytes; any other slice
// as its length (nil: 0xffff_ffff) and elements; an array or a struct as
// its elements or fields; a pointer as the hash of its target, tracked
// (enter), or 0 for nil; an interface as its dynamic type (dynWord) and
// value, or 0 for nil; a map as its length and its entries' hashes,
// sorted; a skipped type, a function, a channel and an unsafe pointer as
// nothing (their shape says what they are).
func (h *Hasher) value(s stream, v reflect.Value) stream {
	t := v.Type()
	k := v.Kind()
	fl := h.flags(t)
	if fl&typeSkip != 0 {
		return s
	}
	switch k {
	case reflect.Bool:
		if v.Bool() {
			return s.put(1, 1)
		}
		return s.put(0, 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return s.put(uint64(v.Int())&sizeMask(t.Size()), uint(t.Size()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return s.put(v.Uint(), uint(t.Size()))
	case reflect.Float32:
		// Its bits as they are (the conversion to float64 quiets a
		// signalling NaN).
		return s.put(uint64(*(*uint32)(v.Addr().UnsafePointer())), 4)
	case reflect.Float64:
		return s.word(math.Float64bits(v.Float()))
	case reflect.Complex64:
		return s.put(*(*uint64)(v.Addr().UnsafePointer()), 8)
	case reflect.Complex128:
		c := v.Complex()
		return s.word(math.Float64bits(real(c))).word(math.Float64bits(imag(c)))
	case reflect.String:
		return s.str(v.String())
	case reflect.Slice:
		if v.IsNil() {
			return s.word(nilSlice)
		}
		if t.Elem().Kind() == reflect.Uint8 && h.flags(t.Elem())&typeSkip == 0 {
			return s.bytes(unsafe.Slice((*byte)(v.UnsafePointer()), v.Len()))
		}
		s = s.word(uint64(v.Len()))
		for i := 0; i < v.Len(); i++ {
			s = h.value(s, v.Index(i))
		}
		return s
	case reflect.Array:
		for i := 0; i < v.Len(); i++ {
			s = h.value(s, v.Index(i))
		}
		return s
	case reflect.Struct:
		for i := 0; i < v.NumField(); i++ {
			s = h.value(s, v.Field(i))
		}
		return s
	case reflect.Pointer:
		if v.IsNil() {
			return s.word(0)
		}
		to, tw := v.UnsafePointer(), typeWord(t)
		track := h.flags(t.Elem())&typeNoCycle == 0 || fl&typeSelf != 0
		if track {
			if n, seen := h.seen.enter(uintptr(to), tw); seen {
				if n == inProgress {
					return s.word(cycleWord)
				}
				return s.word(n)
			}
		}
		var n uint64
		if fl&typeSelf != 0 {
			// The type hashes its own state (faster, and kept as it changes).
			n = reflect.NewAt(t.Elem(), to).Interface().(StateHasher).StateHash() | 1
		} else {
			n = h.value(start(), v.Elem()).sum() | 1
		}
		if track {
			h.seen.leave(uintptr(to), tw, n)
		}
		return s.word(n)
	case reflect.Interface:
		if v.IsNil() {
			return s.word(0)
		}
		et := v.Elem().Type()
		return h.value(s.word(h.dynWord(et)), reflect.NewAt(et, ifaceData(v.Addr().UnsafePointer(), et)).Elem())
	case reflect.Map:
		if v.IsNil() {
			return s.word(0)
		}
		pairs := make([][2]uint64, 0, v.Len())
		// A map of an unexported field cannot be iterated into copies.
		it := reflect.NewAt(t, v.Addr().UnsafePointer()).Elem().MapRange()
		key, val := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		for it.Next() {
			key.SetIterKey(it)
			val.SetIterValue(it)
			pairs = append(pairs, [2]uint64{h.value(start(), key).sum(), h.value(start(), val).sum()})
		}
		return writePairs(s, pairs)
	}
	// Func, Chan, UnsafePointer: nothing.
	return s
}

// nilSlice is what a nil slice writes where a slice writes its length.
const nilSlice = 0xffff_ffff

// sizeMask keeps the low size bytes of a word.
func sizeMask(size uintptr) uint64 {
	if size >= 8 {
		return ^uint64(0)
	}
	return 1<<(8*size) - 1
}

// writePairs writes a map's entries, each the hashes of its key and its
// value, in an order that does not depend on the map's: its length, then
// the pairs sorted.
func writePairs(s stream, pairs [][2]uint64) stream {
	slices.SortFunc(pairs, func(a, b [2]uint64) int {
		if c := cmp.Compare(a[0], b[0]); c != 0 {
			return c
		}
		return cmp.Compare(a[1], b[1])
	})
	s = s.word(uint64(len(pairs)))
	for _, p := range pairs {
		s = s.word(p[0]).word(p[1])
	}
	return s
}

// Fresh returns a hasher that hashes as h does (its Skip, Reflective and
// Cache) without h's scratch (the pointers met in the last hash, the types'
// flags it cached): what a copy of a value holding h holds in its place.
func (h *Hasher) Fresh() Hasher {
	return Hasher{Skip: h.Skip, Reflective: h.Reflective, cache: h.cache}
}
