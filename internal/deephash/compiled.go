package deephash

import (
	"reflect"
	"sync"
	"sync/atomic"
	"unsafe"
)

// hashFn writes the value of one type at address p to s.
type hashFn func(h *Hasher, s stream, p unsafe.Pointer) stream

// Cache keeps the compiled hashers of addressable values, per type, for
// every Hasher it makes (Cache.Hasher): the walk value makes, with each
// type's decisions (skipped, hashes itself, its fields' offsets and
// hashers, which runs of its fields and elements are one span of memory)
// taken once instead of at every value. A compiled hasher writes exactly
// the stream value writes (TestCompiled_SameAsTheWalk). A Cache is safe
// for concurrent use, so hashers that live for one run each share what
// they learnt of the types.
type Cache struct {
	skip func(reflect.Type) bool
	mu   sync.Mutex
	fns  sync.Map // reflect.Type → hashFn
	// flagsOf holds the types' flags for the cache's hashers (Hasher.flags),
	// the building one included; shapes their shapes (Hasher.shape).
	flagsOf, shapes sync.Map // reflect.Type → typeFlags, uint64
	// typedFns holds the dynamic types interfaces held (interfaceFn).
	typedFns sync.Map // reflect.Type → *typedFn
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

func nothing(_ *Hasher, s stream, _ unsafe.Pointer) stream { return s }

func (c *Cache) build(t reflect.Type) hashFn {
	if c.types.flags(t)&typeSkip != 0 {
		return nothing
	}
	switch t.Kind() {
	case reflect.String:
		return func(_ *Hasher, s stream, p unsafe.Pointer) stream { return s.str(*(*string)(p)) }
	case reflect.Slice:
		return c.sliceFn(t)
	case reflect.Pointer:
		return c.pointerFn(t)
	case reflect.Interface:
		return c.interfaceFn(t)
	case reflect.Map:
		return c.mapFn(t)
	case reflect.Func, reflect.Chan, reflect.UnsafePointer:
		return nothing
	}
	// Numbers, booleans, arrays and structs: their layout.
	return c.layoutFn(t)
}

// An op writes one part of a value laid out in memory: the span of n
// bytes at off, or (fn set) the value at off by its type's hasher, count
// times every size bytes.
type op struct {
	off, n      uintptr
	fn          *lazyFn
	count, size uintptr
}

// ops lays out a value of type t at off: its numbers and booleans, in
// structs and arrays, as spans (runs of them with no padding between are
// one span), anything else as a call of its type's hasher.
func (c *Cache) ops(out []op, t reflect.Type, off uintptr) []op {
	if c.types.flags(t)&typeSkip != 0 {
		return out
	}
	switch k := t.Kind(); {
	case k >= reflect.Bool && k <= reflect.Complex128:
		if n := len(out); n > 0 && out[n-1].fn == nil && out[n-1].off+out[n-1].n == off {
			out[n-1].n += t.Size()
			return out
		}
		return append(out, op{off: off, n: t.Size()})
	case k == reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			out = c.ops(out, f.Type, off+f.Offset)
		}
		return out
	case k == reflect.Array:
		n, size := uintptr(t.Len()), t.Elem().Size()
		if n == 0 {
			return out
		}
		elem := c.ops(nil, t.Elem(), 0)
		if len(elem) == 1 && elem[0].fn == nil && elem[0].off == 0 && elem[0].n == size {
			// Elements with no padding: one span.
			return c.appendOp(out, op{n: n * size}, off)
		}
		if len(elem) == 0 {
			return out
		}
		if n*uintptr(len(elem)) <= 16 {
			for i := range n {
				for _, e := range elem {
					out = c.appendOp(out, e, off+i*size)
				}
			}
			return out
		}
		return append(out, op{off: off, fn: &lazyFn{c: c, t: t.Elem()}, count: n, size: size})
	case k == reflect.Func || k == reflect.Chan || k == reflect.UnsafePointer:
		return out
	}
	return append(out, op{off: off, fn: &lazyFn{c: c, t: t}, count: 1})
}

// appendOp appends e moved by off, joining a span to the span before it
// when they touch.
func (c *Cache) appendOp(out []op, e op, off uintptr) []op {
	e.off += off
	if n := len(out); e.fn == nil && n > 0 && out[n-1].fn == nil && out[n-1].off+out[n-1].n == e.off {
		out[n-1].n += e.n
		return out
	}
	return append(out, e)
}

// layoutFn hashes a number, a boolean, an array or a struct by its ops.
func (c *Cache) layoutFn(t reflect.Type) hashFn {
	ops := c.ops(nil, t, 0)
	switch {
	case len(ops) == 0:
		return nothing
	case len(ops) == 1 && ops[0].fn == nil:
		off, n := ops[0].off, ops[0].n
		if n == 8 {
			return func(_ *Hasher, s stream, p unsafe.Pointer) stream { return s.word(*(*uint64)(unsafe.Add(p, off))) }
		}
		return func(_ *Hasher, s stream, p unsafe.Pointer) stream { return s.span(unsafe.Add(p, off), n) }
	}
	return func(h *Hasher, s stream, p unsafe.Pointer) stream {
		for i := range ops {
			o := &ops[i]
			if o.fn == nil {
				switch at := unsafe.Add(p, o.off); {
				case o.n == 8:
					s = s.word(*(*uint64)(at))
				case o.n < 8:
					s = s.put(tail(at, o.n), uint(o.n))
				default:
					s = s.span(at, o.n)
				}
				continue
			}
			fn := o.fn.get()
			for j := range o.count {
				s = fn(h, s, unsafe.Add(p, o.off+j*o.size))
			}
		}
		return s
	}
}

func (c *Cache) sliceFn(t reflect.Type) hashFn {
	elem := &lazyFn{c: c, t: t.Elem()}
	size := t.Elem().Size()
	bytes := t.Elem().Kind() == reflect.Uint8 && c.types.flags(t.Elem())&typeSkip == 0
	return func(h *Hasher, s stream, p unsafe.Pointer) stream {
		b := *(*[]byte)(p) // the header, whatever the element
		if b == nil {
			return s.word(nilSlice)
		}
		if bytes {
			return s.bytes(b)
		}
		n := len(b)
		s = s.word(uint64(n))
		if n == 0 {
			return s
		}
		fn := elem.get()
		data := unsafe.Pointer(unsafe.SliceData(b))
		for i := 0; i < n; i++ {
			s = fn(h, s, unsafe.Add(data, uintptr(i)*size))
		}
		return s
	}
}

// interfaceFn hashes an interface as value does: its dynamic type
// (dynWord), then its value, by its type's compiled hasher at the
// interface's data word (a pointer: the common case, a device's backend,
// a port) or where that word points (ifaceData).
func (c *Cache) interfaceFn(t reflect.Type) hashFn {
	// last is the dynamic type met last and its hasher: an interface
	// field mostly holds one type (a device's backend, a port).
	var last atomic.Pointer[typedFn]
	empty := t.NumMethod() == 0
	return func(h *Hasher, s stream, p unsafe.Pointer) stream {
		var et reflect.Type
		if empty {
			et = reflect.TypeOf(*(*any)(p))
		} else if v := reflect.NewAt(t, p).Elem(); !v.IsNil() {
			et = v.Elem().Type()
		}
		if et == nil {
			return s.word(0)
		}
		l := last.Load()
		if l == nil || l.t != et {
			l = c.typed(h, et)
			last.Store(l)
		}
		data := unsafe.Add(p, unsafe.Sizeof(uintptr(0)))
		if !l.direct {
			data = *(*unsafe.Pointer)(data)
		}
		return l.fn(h, s.word(l.word), data)
	}
}

// typed returns the typedFn of t, made once per cache.
func (c *Cache) typed(h *Hasher, t reflect.Type) *typedFn {
	if l, ok := c.typedFns.Load(t); ok {
		return l.(*typedFn)
	}
	l, _ := c.typedFns.LoadOrStore(t, &typedFn{t, h.dynWord(t), c.fn(t), direct(t)})
	return l.(*typedFn)
}

// typedFn is a type, what an interface holding it writes first
// (dynWord), and its compiled hasher.
type typedFn struct {
	t    reflect.Type
	word uint64
	fn   hashFn
	// direct: the interface's data word is the value (ifaceData).
	direct bool
}

func (c *Cache) pointerFn(t reflect.Type) hashFn {
	elem := t.Elem()
	target := &lazyFn{c: c, t: elem}
	fl := c.types.flags(t)
	self := fl&typeSelf != 0
	tw := typeWord(t)
	if c.types.flags(elem)&typeNoCycle != 0 && !self {
		// Nothing behind it can be met twice in a way that matters: its
		// target's hash is the same wherever it is met.
		return func(h *Hasher, s stream, p unsafe.Pointer) stream {
			to := *(*unsafe.Pointer)(p)
			if to == nil {
				return s.word(0)
			}
			return s.word(target.get()(h, start(), to).sum() | 1)
		}
	}
	return func(h *Hasher, s stream, p unsafe.Pointer) stream {
		to := *(*unsafe.Pointer)(p)
		if to == nil {
			return s.word(0)
		}
		if n, seen := h.seen.enter(uintptr(to), tw); seen {
			if n == inProgress {
				return s.word(cycleWord)
			}
			return s.word(n)
		}
		var n uint64
		if self {
			n = reflect.NewAt(elem, to).Interface().(StateHasher).StateHash() | 1
		} else {
			n = target.get()(h, start(), to).sum() | 1
		}
		h.seen.leave(uintptr(to), tw, n)
		return s.word(n)
	}
}

// mapFn hashes a map as value does, its keys and values copied out by its
// iterator and hashed by their types' compiled hashers.
func (c *Cache) mapFn(t reflect.Type) hashFn {
	key, val := &lazyFn{c: c, t: t.Key()}, &lazyFn{c: c, t: t.Elem()}
	// copies holds places to copy an entry to, for the hashers of every
	// goroutine and maps of this type inside each other.
	copies := sync.Pool{New: func() any {
		k, v := reflect.New(t.Key()).Elem(), reflect.New(t.Elem()).Elem()
		return &entryCopy{k, v, k.Addr().UnsafePointer(), v.Addr().UnsafePointer()}
	}}
	return func(h *Hasher, s stream, p unsafe.Pointer) stream {
		m := reflect.NewAt(t, p).Elem()
		if m.IsNil() {
			return s.word(0)
		}
		var buf [8][2]uint64
		pairs := buf[:0]
		e := copies.Get().(*entryCopy)
		kfn, vfn := key.get(), val.get()
		it := m.MapRange()
		for it.Next() {
			e.k.SetIterKey(it)
			e.v.SetIterValue(it)
			pairs = append(pairs, [2]uint64{kfn(h, start(), e.kp).sum(), vfn(h, start(), e.vp).sum()})
		}
		copies.Put(e)
		return writePairs(s, pairs)
	}
}

// entryCopy is where a map's entry is copied to be hashed.
type entryCopy struct {
	k, v   reflect.Value
	kp, vp unsafe.Pointer
}
