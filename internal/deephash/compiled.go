package deephash

import (
	"math"
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// hashFn hashes the value of one type at address p into acc.
type hashFn func(h *Hasher, acc uint64, p unsafe.Pointer) uint64

// Cache keeps the compiled hashers of addressable values, per type, for
// every Hasher it makes (Cache.Hasher): the walk value makes, with each
// type's decisions (skipped, plain, hashes itself, its fields' offsets and
// hashers) taken once instead of at every value. A compiled hasher gives
// exactly the hash value gives (TestCompiled_SameAsTheWalk). A Cache is
// safe for concurrent use, so hashers that live for one run each share
// what they learnt of the types.
type Cache struct {
	skip func(reflect.Type) bool
	mu   sync.Mutex
	fns  sync.Map // reflect.Type → hashFn
	// flagsOf holds the types' flags for the cache's hashers (Hasher.flags),
	// the building one included.
	flagsOf sync.Map // reflect.Type → typeFlags
	// types computes the types' flags while building (under mu).
	types Hasher
}

// NewCache returns a cache of compiled hashers that skip the types skip
// names (Hasher.Skip).
func NewCache(skip func(reflect.Type) bool) *Cache {
	c := &Cache{skip: skip}
	c.types = Hasher{Skip: skip, cache: c}
	return c
}

// Hasher returns a hasher whose Skip is the cache's and that compiles
// into the cache.
func (c *Cache) Hasher() Hasher { return Hasher{Skip: c.skip, cache: c} }

// compiled returns the compiled hasher of type t.
func (h *Hasher) compiled(t reflect.Type) hashFn {
	if h.cache == nil {
		h.cache = NewCache(h.Skip)
	}
	return h.cache.fn(t)
}

func (c *Cache) fn(t reflect.Type) hashFn {
	if f, ok := c.fns.Load(t); ok {
		return f.(hashFn)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if f, ok := c.fns.Load(t); ok {
		return f.(hashFn)
	}
	f := c.build(t)
	c.fns.Store(t, f)
	return f
}

// lazyFn is the compiled hasher of a type another type contains, looked
// up on first use: the type may contain the one being built (through a
// pointer, slice or array), so it cannot be built first.
type lazyFn struct {
	c *Cache
	t reflect.Type
	p atomic.Pointer[hashFn]
}

func (l *lazyFn) get() hashFn {
	if f := l.p.Load(); f != nil {
		return *f
	}
	f := l.c.fn(l.t)
	l.p.Store(&f)
	return f
}

func (c *Cache) build(t reflect.Type) hashFn {
	k := t.Kind()
	if k <= reflect.Complex128 && (c.skip == nil || !c.skip(t)) {
		return basicFn(k)
	}
	fl := c.types.flags(t)
	if fl&typeSkip != 0 {
		name := t.String()
		return func(_ *Hasher, acc uint64, _ unsafe.Pointer) uint64 { return String(acc, name) }
	}
	if fl&typePlain != 0 {
		size := t.Size()
		return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
			return Bytes(acc, unsafe.Slice((*byte)(p), size))
		}
	}
	kind := uint64(k)
	switch k {
	case reflect.String:
		return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
			return String(Mix(acc, kind), *(*string)(p))
		}
	case reflect.Slice:
		return c.sliceFn(t)
	case reflect.Array:
		return c.arrayFn(t)
	case reflect.Struct:
		return c.structFn(t)
	case reflect.Pointer:
		return c.pointerFn(t, fl)
	case reflect.Interface:
		return c.interfaceFn(t)
	case reflect.Map:
		// Its keys and values are not addressable: the reflective walk.
		return func(h *Hasher, acc uint64, p unsafe.Pointer) uint64 {
			return h.value(acc, reflect.NewAt(t, p).Elem())
		}
	}
	// Func, Chan, UnsafePointer: their kind only.
	return func(_ *Hasher, acc uint64, _ unsafe.Pointer) uint64 { return Mix(acc, kind) }
}

func (c *Cache) sliceFn(t reflect.Type) hashFn {
	kind := uint64(reflect.Slice)
	elem := &lazyFn{c: c, t: t.Elem()}
	size := t.Elem().Size()
	bytes := t.Elem().Kind() == reflect.Uint8
	return func(h *Hasher, acc uint64, p unsafe.Pointer) uint64 {
		acc = Mix(acc, kind)
		data := unsafe.SliceData(*(*[]byte)(p)) // the header's data pointer, whatever the element
		n := len(*(*[]byte)(p))
		if data == nil {
			return Mix(acc, 0xffff_ffff)
		}
		if bytes && n > 0 {
			return Bytes(acc, unsafe.Slice(data, n))
		}
		acc = Mix(acc, uint64(n))
		if n == 0 {
			return acc
		}
		fn := elem.get()
		for i := 0; i < n; i++ {
			acc = fn(h, acc, unsafe.Add(unsafe.Pointer(data), uintptr(i)*size))
		}
		return acc
	}
}

func (c *Cache) arrayFn(t reflect.Type) hashFn {
	kind := uint64(reflect.Array)
	elem := &lazyFn{c: c, t: t.Elem()}
	size, n := t.Elem().Size(), t.Len()
	if t.Elem().Kind() == reflect.Uint8 && n > 0 {
		return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
			return Bytes(Mix(acc, kind), unsafe.Slice((*byte)(p), n))
		}
	}
	return func(h *Hasher, acc uint64, p unsafe.Pointer) uint64 {
		acc = Mix(Mix(acc, kind), uint64(n))
		if n == 0 {
			return acc
		}
		fn := elem.get()
		for i := 0; i < n; i++ {
			acc = fn(h, acc, unsafe.Add(p, uintptr(i)*size))
		}
		return acc
	}
}

func (c *Cache) structFn(t reflect.Type) hashFn {
	kind := uint64(reflect.Struct)
	type field struct {
		off uintptr
		fn  *lazyFn
	}
	fields := make([]field, t.NumField())
	for i := range fields {
		f := t.Field(i)
		fields[i] = field{f.Offset, &lazyFn{c: c, t: f.Type}}
	}
	return func(h *Hasher, acc uint64, p unsafe.Pointer) uint64 {
		acc = Mix(acc, kind)
		for _, f := range fields {
			acc = f.fn.get()(h, acc, unsafe.Add(p, f.off))
		}
		return acc
	}
}

// interfaceFn hashes an interface as value does: its dynamic type's name,
// then its value. A pointer (the common case: a device's backend, a port)
// is hashed by its type's compiled hasher, which reads it first thing; any
// other value is not addressable and takes the reflective walk.
func (c *Cache) interfaceFn(t reflect.Type) hashFn {
	kind := uint64(reflect.Interface)
	// last is the dynamic type met last and its hasher: an interface
	// field mostly holds one type (a device's backend, a port).
	var last atomic.Pointer[typedFn]
	return func(h *Hasher, acc uint64, p unsafe.Pointer) uint64 {
		acc = Mix(acc, kind)
		v := reflect.NewAt(t, p).Elem()
		if v.IsNil() {
			return Mix(acc, 0)
		}
		e := v.Elem()
		et := e.Type()
		if e.Kind() != reflect.Pointer {
			return h.value(String(acc, et.String()), e)
		}
		l := last.Load()
		if l == nil || l.t != et {
			l = &typedFn{et, et.String(), c.fn(et)}
			last.Store(l)
		}
		acc = String(acc, l.name)
		// The pointer's hasher (pointerFn, or a skipped type's, which reads
		// nothing) reads the word at its address before anything else, so
		// one word of the hasher holds it for the call.
		h.ptr = e.UnsafePointer()
		return l.fn(h, acc, unsafe.Pointer(&h.ptr))
	}
}

// typedFn is a type's name and compiled hasher.
type typedFn struct {
	t    reflect.Type
	name string
	fn   hashFn
}

func (c *Cache) pointerFn(t reflect.Type, fl typeFlags) hashFn {
	kind := uint64(reflect.Pointer)
	elem := t.Elem()
	target := &lazyFn{c: c, t: elem}
	self := fl&typeSelf != 0
	return func(h *Hasher, acc uint64, p unsafe.Pointer) uint64 {
		acc = Mix(acc, kind)
		to := *(*unsafe.Pointer)(p)
		if to == nil {
			return Mix(acc, 0)
		}
		key := ptrKey{uintptr(to), t}
		if v, seen := h.enter(acc, key); seen {
			return v
		}
		var n uint64
		if self {
			n = reflect.NewAt(elem, to).Interface().(StateHasher).StateHash() | 1
		} else {
			n = target.get()(h, seed, to) | 1
		}
		return h.leave(acc, key, n)
	}
}

// basicFn hashes a boolean or a number of kind k as basic does.
func basicFn(k reflect.Kind) hashFn {
	kind := uint64(k)
	switch k {
	case reflect.Bool:
		return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
			if *(*bool)(p) {
				return Mix(Mix(acc, kind), 1)
			}
			return Mix(Mix(acc, kind), 0)
		}
	case reflect.Int:
		return intFn[int](kind)
	case reflect.Int8:
		return intFn[int8](kind)
	case reflect.Int16:
		return intFn[int16](kind)
	case reflect.Int32:
		return intFn[int32](kind)
	case reflect.Int64:
		return intFn[int64](kind)
	case reflect.Uint:
		return uintFn[uint](kind)
	case reflect.Uint8:
		return uintFn[uint8](kind)
	case reflect.Uint16:
		return uintFn[uint16](kind)
	case reflect.Uint32:
		return uintFn[uint32](kind)
	case reflect.Uint64:
		return uintFn[uint64](kind)
	case reflect.Uintptr:
		return uintFn[uintptr](kind)
	case reflect.Float32:
		return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
			return Mix(Mix(acc, kind), math.Float64bits(float64(*(*float32)(p))))
		}
	case reflect.Float64:
		return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
			return Mix(Mix(acc, kind), math.Float64bits(*(*float64)(p)))
		}
	case reflect.Complex64:
		return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
			c := complex128(*(*complex64)(p))
			return Mix(Mix(Mix(acc, kind), math.Float64bits(real(c))), math.Float64bits(imag(c)))
		}
	}
	return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
		c := *(*complex128)(p)
		return Mix(Mix(Mix(acc, kind), math.Float64bits(real(c))), math.Float64bits(imag(c)))
	}
}

func intFn[T int | int8 | int16 | int32 | int64](kind uint64) hashFn {
	return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
		return Mix(Mix(acc, kind), uint64(int64(*(*T)(p))))
	}
}

func uintFn[T uint | uint8 | uint16 | uint32 | uint64 | uintptr](kind uint64) hashFn {
	return func(_ *Hasher, acc uint64, p unsafe.Pointer) uint64 {
		return Mix(Mix(acc, kind), uint64(*(*T)(p)))
	}
}
