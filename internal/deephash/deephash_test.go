package deephash

import (
	"encoding/binary"
	"math"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
)

type leaf struct {
	b [8]byte
	s []byte
	n int
}

type node struct {
	name  string
	l     *leaf
	again *leaf
	m     map[string]*leaf
	f     func()
	self  *node
	any   any
}

func build(x byte, shared bool) *node {
	l := &leaf{b: [8]byte{x}, s: []byte{1, 2, x}, n: int(x)}
	other := &leaf{b: [8]byte{x}, s: []byte{1, 2, x}, n: int(x)}
	n := &node{name: "n", l: l, again: other, m: map[string]*leaf{"a": {n: 1}, "b": {n: 2}, "c": l}}
	if shared {
		n.again = l
	}
	n.self = n
	n.any = leaf{n: 7}
	return n
}

func TestHash(t *testing.T) {
	base := Hash(build(1, false))
	for _, c := range []struct {
		name string
		v    *node
		same bool
	}{
		{"an equal value built again", build(1, false), true},
		{"sharing a pointer instead of an equal copy", build(1, true), true},
		{"a byte in an array", func() *node { n := build(1, false); n.l.b[7] = 9; return n }(), false},
		{"a byte in a slice", func() *node { n := build(1, false); n.l.s[0] = 9; return n }(), false},
		{"a map entry", func() *node { n := build(1, false); n.m["d"] = &leaf{}; return n }(), false},
		{"a value behind an interface", func() *node { n := build(1, false); n.any = leaf{n: 8}; return n }(), false},
		{"a function (not hashed)", func() *node { n := build(1, false); n.f = func() {}; return n }(), true},
	} {
		assert.Equal(t, c.same, Hash(c.v) == base, c.name)
	}
}

func TestHashSkip(t *testing.T) {
	h := Hasher{Skip: func(t reflect.Type) bool { return t == reflect.TypeOf(&leaf{}) }}
	a, b := build(1, false), build(2, false)
	b.any = a.any
	assert.Equal(t, h.Hash(a), h.Hash(b), "the leaves are skipped")
	assert.NotEqual(t, Hash(a), Hash(b))
}

func TestHashMapOrder(t *testing.T) {
	m := map[int]int{}
	for i := range 100 {
		m[i] = i * i
	}
	first := Hash(m)
	for range 20 {
		assert.Equal(t, first, Hash(m))
	}
}

type selfHashed struct{ big [4096]byte }

func (s *selfHashed) StateHash() uint64 { return uint64(s.big[0]) + 1 }

func TestHashStateHasher(t *testing.T) {
	type holder struct{ p *selfHashed }
	a, b := &selfHashed{}, &selfHashed{}
	b.big[1] = 9 // not in its StateHash
	assert.Equal(t, Hash(holder{a}), Hash(holder{b}), "a StateHasher is hashed by its method")
	b.big[0] = 1
	assert.NotEqual(t, Hash(holder{a}), Hash(holder{b}))
}

// TestOps_Spans: the compiled walk reads runs of numbers and booleans
// with no padding between them (in nested structs and arrays too) as one
// span of memory, and never reads padding.
func TestOps_Spans(t *testing.T) {
	type packed struct {
		a uint32
		b [4]uint8
	}
	type padded struct {
		a uint8
		b uint32
	}
	type nested struct {
		p packed
		q uint64
		r padded
		s string
		f func()
		u [2]uint16
	}
	type spans = [][2]uintptr // off, n
	for _, c := range []struct {
		v     any
		spans spans
		calls int
	}{
		{packed{}, spans{{0, 8}}, 0},
		{[3]packed{}, spans{{0, 24}}, 0},
		{padded{}, spans{{0, 1}, {4, 4}}, 0},
		{[2]padded{}, spans{{0, 1}, {4, 5}, {12, 4}}, 0},
		{nested{}, spans{{0, 17}, {20, 4}, {48, 4}}, 1},
		{[0]int{}, nil, 0},
		{struct{ s string }{}, nil, 1},
		{[40]padded{}, nil, 1},
	} {
		var got spans
		calls := 0
		for _, o := range NewCache(nil).ops(nil, reflect.TypeOf(c.v), 0) {
			if o.fn != nil {
				calls++
				continue
			}
			got = append(got, [2]uintptr{o.off, o.n})
		}
		assert.Equal(t, c.spans, got, "%T", c.v)
		assert.Equal(t, c.calls, calls, "%T", c.v)
	}
}

// TestMix_BothArgumentsCount: Mix folds its two arguments apart. With the
// plain finaliser mix (h ^= v first) every pair with the same XOR collided:
// a list [1] whose hash starts from its length hashed like the empty list.
func TestMix_BothArgumentsCount(t *testing.T) {
	pairs := [][2][2]uint64{
		{{1, 1}, {0, 0}},
		{{2, 3}, {3, 2}},
		{{5, 0}, {0, 5}},
		{{0xff, 0x0f}, {0xf0, 0}},
	}
	for _, p := range pairs {
		assert.NotEqual(t, Mix(p[0][0], p[0][1]), Mix(p[1][0], p[1][1]), "Mix%v and Mix%v", p[0], p[1])
	}
}

type (
	skippedInt int
	padded     struct {
		a uint8
		b uint32
	}
	packed struct {
		a uint32
		b [4]uint8
	}
	kinds struct {
		b    bool
		i    int
		i8   int8
		i16  int16
		i32  int32
		i64  int64
		u    uint
		u16  uint16
		up   uintptr
		f32  float32
		f64  float64
		c64  complex64
		c128 complex128
		s    string
		sk   skippedInt
		ch   chan int
		fn   func()
	}
	wide struct {
		kinds
		pads    []padded
		packs   [3]packed
		none    [0]int
		empty   []int
		nilS    []int
		bytes   []byte
		noBytes []byte
		arr     [2]padded
		m       map[string]any
		anyS    any
		anyP    any
		anyNil  any
		self    *selfHashed
		ring    *ringNode
		next    **wide
		nested  [][]*leaf
		strs    []string
	}
	ringNode struct {
		v    int
		next *ringNode
	}
)

func wideValue(x int) *wide {
	r := &ringNode{v: x}
	r.next = &ringNode{v: x + 1, next: r}
	l := &leaf{b: [8]byte{byte(x)}, s: []byte{3}, n: x}
	w := &wide{
		kinds: kinds{b: x%2 == 0, i: -x, i8: -8, i16: 16, i32: -32, i64: int64(x) << 40, u: 7, u16: 9, up: 11,
			f32: 1.5, f64: -2.25, c64: complex(1, -1), c128: complex(float64(x), 2), s: "s", sk: 3},
		pads: []padded{{1, 2}, {3, uint32(x)}}, packs: [3]packed{{a: 1}, {b: [4]uint8{byte(x)}}},
		empty: []int{}, bytes: []byte{1, 2, byte(x)}, noBytes: []byte{}, arr: [2]padded{{a: 5}},
		m:    map[string]any{"a": padded{1, 2}, "b": l, "c": []int{x}},
		anyS: padded{a: byte(x)}, anyP: l, self: &selfHashed{}, ring: r,
		nested: [][]*leaf{{l, l}, nil, {}}, strs: []string{"x", ""},
	}
	w.next = &w
	return w
}

// TestCompiled_SameAsTheWalk: the compiled walk gives the hash the
// reflective walk gives, for every kind, skipped types, shared and cyclic
// pointers, interfaces and maps, at the top level by value and by pointer.
func TestCompiled_SameAsTheWalk(t *testing.T) {
	skip := func(t reflect.Type) bool {
		return t == reflect.TypeOf(skippedInt(0)) || t == reflect.TypeOf(&ringNode{})
	}
	values := []any{
		build(1, false), build(2, true), *build(3, false),
		wideValue(1), wideValue(2), *wideValue(3),
		[]padded{{1, 2}}, [2]padded{{a: 1}}, padded{1, 2}, packed{a: 1},
		map[int]*leaf{1: {n: 1}}, 5, "str", []byte(nil), (*wide)(nil),
		spans{a: 1, b: 2, e: [2]padded{{3, 4}}, s: "x", sk: 5}, &holder{padded{1, 2}},
		holder{[1]*leaf{{n: 2}}}, &holder{struct{ p *leaf }{&leaf{n: 3}}}, &holder{map[int]int{1: 2}},
		map[padded][]string{{1, 2}: {"a"}, {3, 4}: nil}, &strs{"0123456789abcdef0123456789abcdef0123456789"},
		[40]padded{{a: 1}}, [2][]*ringNode{{{v: 1}}, nil},
	}
	for _, sk := range []func(reflect.Type) bool{nil, skip} {
		for i, v := range values {
			fast := Hasher{Skip: sk}
			ref := Hasher{Skip: sk, Reflective: true}
			want := ref.Hash(v)
			assert.Equal(t, want, fast.Hash(v), "value %d (%T), skip %v", i, v, sk != nil)
			assert.Equal(t, want, fast.Hash(v), "value %d (%T) again, with the compiled functions cached", i, v)
		}
	}
	// An interface that holds pointers of one type, then another, then the
	// first again: the compiled walk keeps the last type's hasher.
	fast, ref := Hasher{}, Hasher{Reflective: true}
	for i, p := range []any{&leaf{n: 1}, &padded{a: 1}, &padded{a: 2}, &leaf{n: 1}, (*leaf)(nil), &ringNode{v: 3}} {
		w := wideValue(4)
		w.anyP = p
		assert.Equal(t, ref.Hash(w), fast.Hash(w), "anyP %d (%T)", i, p)
	}
	a, b := wideValue(1), wideValue(1)
	b.pads[1].b++
	assert.NotEqual(t, Hash(a), Hash(b), "a field of a struct in a slice")
	b = wideValue(1)
	b.ring.next.v++
	assert.NotEqual(t, Hash(a), Hash(b), "a field behind a cycle")
	b = wideValue(1)
	b.c64 = complex(1, 1)
	assert.NotEqual(t, Hash(a), Hash(b), "a complex64")
}

type (
	spans struct {
		a  uint8
		b  uint32 // three bytes of padding before
		c  [3]packed
		d  struct{ x, y uint16 }
		e  [2]padded
		f  float32
		s  string
		sk skippedInt
	}
	sharing   struct{ a, b []int }
	holder    struct{ v any }
	maps      struct{ m map[string]int }
	strs      struct{ s string }
	byteSlice struct{ s []byte }
)

// TestHash_SameValuesHashEqual: two values hash equal when, and only
// when, they hold the same values, whatever the padding between fields
// holds, in both walks, with a skipped type.
func TestHash_SameValuesHashEqual(t *testing.T) {
	skip := func(t reflect.Type) bool { return t == reflect.TypeOf(skippedInt(0)) }
	base := spans{a: 1, b: 2, c: [3]packed{{a: 3}}, d: struct{ x, y uint16 }{4, 5}, e: [2]padded{{6, 7}}, f: 1, s: "s"}
	with := func(f func(*spans)) *spans { v := base; f(&v); return &v }
	ring := func(n int) *ringNode {
		first := &ringNode{v: 1}
		r := first
		for range n - 1 {
			r.next = &ringNode{v: 1}
			r = r.next
		}
		r.next = first
		return first
	}
	shared := []int{1, 2, 3}
	shared0 := &packed{a: 1}
	long := "0123456789abcdef0123456789abcdef0123456789"
	mapOf := func(keys ...string) maps {
		m := map[string]int{}
		for _, k := range keys {
			m[k] = len(k)
		}
		return maps{m}
	}
	for _, c := range []struct {
		name string
		a, b any
		same bool
	}{
		{"padding bytes differ", &base, with(func(v *spans) {
			*(*[3]byte)(unsafe.Add(unsafe.Pointer(v), 1)) = [3]byte{9, 9, 9}
			*(*[3]byte)(unsafe.Add(unsafe.Pointer(&v.e[1]), 1)) = [3]byte{9, 9, 9}
		}), true},
		{"a byte before padding", &base, with(func(v *spans) { v.a++ }), false},
		{"a word after padding", &base, with(func(v *spans) { v.b++ }), false},
		{"an element of an array of structs", &base, with(func(v *spans) { v.c[2].b[3]++ }), false},
		{"a field of a nested struct", &base, with(func(v *spans) { v.d.y++ }), false},
		{"a field of a padded struct in an array", &base, with(func(v *spans) { v.e[1].b++ }), false},
		{"+0 and -0", &base, with(func(v *spans) { v.f = float32(math.Copysign(0, -1)) }), false},
		{"a skipped field", &base, with(func(v *spans) { v.sk++ }), true},
		{"a string", &base, with(func(v *spans) { v.s = "t" }), false},
		{"slices sharing an array, and copies", &sharing{shared[:2], shared[:2]}, &sharing{[]int{1, 2}, []int{1, 2}}, true},
		{"two windows of one array", &sharing{shared[:2], shared[1:]}, &sharing{shared[:2], shared[:2]}, false},
		{"nil and empty slices", &sharing{}, &sharing{[]int{}, []int{}}, false},
		{"one pointer-free target shared, and copies", &struct{ a, b *packed }{shared0, shared0}, &struct{ a, b *packed }{&packed{a: 1}, &packed{a: 1}}, true},
		{"pointer-free targets that differ", &struct{ a, b *packed }{shared0, shared0}, &struct{ a, b *packed }{&packed{a: 1}, &packed{a: 2}}, false},
		{"rings of one and two equal nodes", ring(1), ring(2), false},
		{"rings built twice", ring(3), ring(3), true},
		{"int64 and uint64 behind an interface", &holder{int64(5)}, &holder{uint64(5)}, false},
		{"nil and a nil pointer behind an interface", &holder{}, &holder{(*leaf)(nil)}, false},
		{"a value and a pointer behind an interface", &holder{leaf{n: 1}}, &holder{&leaf{n: 1}}, false},
		{"equal values behind an interface", &holder{leaf{n: 1}}, &holder{leaf{n: 1}}, true},
		{"an array of one pointer behind an interface", &holder{[1]*leaf{{n: 1}}}, &holder{[1]*leaf{{n: 2}}}, false},
		{"a struct of one pointer behind an interface", &holder{struct{ p *leaf }{&leaf{n: 1}}}, &holder{struct{ p *leaf }{&leaf{n: 1}}}, true},
		{"a struct of one pointer, another target", &holder{struct{ p *leaf }{&leaf{n: 1}}}, &holder{struct{ p *leaf }{&leaf{n: 2}}}, false},
		{"maps filled in another order", mapOf("a", "b", "c", "d", "e"), mapOf("e", "d", "c", "b", "a"), true},
		{"a nil and an empty map (as ever)", &maps{}, &maps{map[string]int{}}, true},
		{"maps with another key", mapOf("a", "b"), mapOf("a", "c"), false},
		{"long strings", &strs{long}, &strs{long[:len(long)-1] + "!"}, false},
		{"long strings, the first lane", &strs{long}, &strs{"!" + long[1:]}, false},
		{"long strings, the last lane", &strs{long}, &strs{long[:31] + "!" + long[32:]}, false},
		{"long strings, swapped lanes", &strs{long}, &strs{long[8:16] + long[:8] + long[16:]}, false},
		{"long strings built twice", &strs{long}, &strs{string([]byte(long))}, true},
		{"a trailing zero byte", &byteSlice{[]byte("ab")}, &byteSlice{[]byte("ab\x00")}, false},
		{"long byte slices", &byteSlice{[]byte(long)}, &byteSlice{[]byte(long[:40] + "?!")}, false},
	} {
		for _, refl := range []bool{false, true} {
			h := Hasher{Skip: skip, Reflective: refl}
			a, b := h.Hash(c.a), h.Hash(c.b)
			assert.Equal(t, c.same, a == b, "%s (reflective %v)", c.name, refl)
		}
	}
}

// BenchmarkHash hashes a value of every kind (wideValue) by the compiled
// walk and by the reflective one.
func BenchmarkHash(b *testing.B) {
	w := wideValue(1)
	for _, refl := range []bool{false, true} {
		b.Run(map[bool]string{false: "compiled", true: "reflective"}[refl], func(b *testing.B) {
			h := Hasher{Reflective: refl}
			for b.Loop() {
				h.Hash(w)
			}
		})
	}
}

// TestStream_ChunksDoNotMatter: the stream hashes its bytes alike however
// they were written (field by field, as the reflective walk writes them,
// or as spans of memory, as the compiled walk reads them), and another
// byte anywhere changes it.
func TestStream_ChunksDoNotMatter(t *testing.T) {
	var buf [41]byte
	for i := range buf {
		buf[i] = byte(i*37 + 1)
	}
	whole := start().span(unsafe.Pointer(&buf[0]), uintptr(len(buf))).sum()
	for _, chunks := range [][]int{
		{41},
		{1, 40},
		{8, 8, 8, 8, 8, 1},
		{3, 5, 7, 1, 8, 2, 6, 4, 5},
		{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 31},
		{7, 2, 16, 9, 7},
	} {
		s, at := start(), 0
		for _, n := range chunks {
			p := unsafe.Pointer(&buf[at])
			switch {
			case n == 8:
				s = s.word(*(*uint64)(p))
			case n < 8:
				s = s.put(tail(p, uintptr(n)), uint(n))
			default:
				s = s.span(p, uintptr(n))
			}
			at += n
		}
		assert.Equal(t, len(buf), at, "%v covers the buffer", chunks)
		assert.Equal(t, whole, s.sum(), "written in chunks %v", chunks)
	}
	for i := range buf {
		buf[i]++
		assert.NotEqual(t, whole, start().span(unsafe.Pointer(&buf[0]), uintptr(len(buf))).sum(), "byte %d", i)
		buf[i]--
	}
}

// TestLong_LanesDoNotCancel: a long string's four lanes are folded in
// order, not by a symmetric operation. With an exclusive or, the lanes of
// the first two words of a block could be swapped: since Mix(h, v) is
// the finaliser of h*k + v, the words (b-d, a+d), with d the difference of
// two lanes' seeds times k, give the lanes of (a, b) swapped, and the two
// strings hashed alike.
func TestLong_LanesDoNotCancel(t *testing.T) {
	const k = 0x9e3779b97f4a7c15
	seed0, seed1 := lane0, lane1
	d := (seed0 - seed1) * k
	for _, w := range [][2]uint64{{0x1111, 0x2222}, {0, 0}, {^uint64(0), 1 << 63}} {
		a, b := make([]byte, 40), make([]byte, 40)
		binary.LittleEndian.PutUint64(a[0:], w[0])
		binary.LittleEndian.PutUint64(a[8:], w[1])
		binary.LittleEndian.PutUint64(b[0:], w[1]-d)
		binary.LittleEndian.PutUint64(b[8:], w[0]+d)
		assert.NotEqual(t, Hash(string(a)), Hash(string(b)), "words %#x and the lanes' swap", w)
		assert.NotEqual(t, Hash(a), Hash(b), "bytes %#x and the lanes' swap", w)
	}
}
