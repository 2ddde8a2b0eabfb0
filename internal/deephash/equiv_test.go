package deephash

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"unsafe"
)

// The types of the values TestHash_EqualIffSameValue generates: padding
// (filled with noise), unexported fields, pointers to pointer-free targets
// (untracked) and to targets with pointers (tracked), cycles, shared
// targets and backing arrays, arrays of pointers, interfaces holding
// values and pointers, maps, zero-size fields, a skipped type, long strings
// and NaNs.
type (
	eqPadded struct {
		a uint8
		b int64
		c bool
		f float32
		d uint16
	}
	eqSkipped struct{ x int }
	eqNode    struct {
		v    int16
		next *eqNode
		pad  *eqPadded
		pi   *int32
		s    []int32
		i    any
		m    map[int8]*eqPadded
		arr  [2]*eqPadded
		z    struct{}
		str  string
		sk   eqSkipped
		c    complex64
		f64  float64
		bs   []byte
		za   [0]*eqNode
		as   [3]string
		pads [2]eqPadded
	}
	eqHolder struct{ v any }
	eqOne    struct{ p *eqPadded }
	// eqZeroFirst is held in an interface's data word (direct).
	eqZeroFirst struct {
		z struct{}
		p *eqPadded
	}
)

// eqGen draws values from small domains, so that many of them are equal.
type eqGen struct {
	r     *rand.Rand
	pads  []*eqPadded
	ints  []*int32
	nodes []*eqNode
	back  []int32
}

func (g *eqGen) n(k int) int { return g.r.IntN(k) }

var eqStrings = []string{"", "a", "b", strings.Repeat("x", 31), strings.Repeat("x", 32), strings.Repeat("x", 33),
	strings.Repeat("x", 31) + "y", strings.Repeat("x", 8) + "y" + strings.Repeat("x", 23), strings.Repeat("x", 64) + "y",
	strings.Repeat("x", 65)}

// eqFloats are float32 values whose bits differ, two NaNs among them (a
// quiet one and a signalling one, which a conversion to float64 quiets).
var eqFloats = []float32{0, float32(math.Copysign(0, -1)), 1, math.Float32frombits(0x7fc00000), math.Float32frombits(0x7fa00000)}

// padded returns a padded value whose padding holds noise.
func (g *eqGen) padded() *eqPadded {
	p := new(eqPadded)
	for i, b := 0, unsafe.Slice((*byte)(unsafe.Pointer(p)), unsafe.Sizeof(*p)); i < len(b); i++ {
		b[i] = byte(g.r.Uint32())
	}
	p.a, p.b, p.c, p.d = uint8(g.n(2)), int64(g.n(2)), g.n(2) == 0, uint16(g.n(2))
	p.f = eqFloats[g.n(len(eqFloats))]
	return p
}

func (g *eqGen) padPtr() *eqPadded {
	if g.n(4) == 0 {
		return nil
	}
	return g.pads[g.n(len(g.pads))]
}

func (g *eqGen) anyVal() any {
	switch g.n(11) {
	case 0:
		return nil
	case 1:
		return int(g.n(2))
	case 2:
		return int64(g.n(2))
	case 3:
		return g.padPtr()
	case 4:
		return *g.pads[g.n(len(g.pads))]
	case 5:
		return g.nodes[g.n(len(g.nodes))]
	case 6:
		return [1]*eqPadded{g.padPtr()}
	case 7:
		return eqOne{g.padPtr()}
	case 8:
		return eqStrings[g.n(len(eqStrings))]
	case 9:
		return eqZeroFirst{p: g.padPtr()}
	}
	return map[int8]int8{int8(g.n(2)): 1}
}

func (g *eqGen) fill(x *eqNode) {
	x.v = int16(g.n(2))
	if g.n(2) == 0 {
		x.next = g.nodes[g.n(len(g.nodes))]
	}
	x.pad = g.padPtr()
	if g.n(2) == 0 {
		x.pi = g.ints[g.n(len(g.ints))]
	}
	switch g.n(4) {
	case 1:
		x.s = []int32{}
	case 2:
		i := g.n(3)
		x.s = g.back[i : i+g.n(3)]
	case 3:
		x.s = []int32{int32(g.n(2))}
	}
	x.i = g.anyVal()
	switch g.n(3) {
	case 1:
		x.m = map[int8]*eqPadded{}
	case 2:
		x.m = map[int8]*eqPadded{0: g.padPtr(), int8(g.n(2) + 1): g.padPtr()}
	}
	x.arr = [2]*eqPadded{g.padPtr(), g.padPtr()}
	x.str = eqStrings[g.n(len(eqStrings))]
	x.sk = eqSkipped{g.n(3)}
	x.c = complex(float32(g.n(2)), eqFloats[g.n(len(eqFloats))])
	x.f64 = []float64{0, math.Copysign(0, -1), math.NaN(), 1}[g.n(4)]
	switch g.n(4) {
	case 1:
		x.bs = []byte{}
	case 2:
		x.bs = []byte{byte(g.n(2))}
	case 3:
		x.bs = []byte(eqStrings[g.n(len(eqStrings))])
	}
	x.as[g.n(3)] = eqStrings[g.n(3)]
	x.pads[g.n(2)] = *g.padded()
}

// eqValue builds a graph from seed and returns a value held in an
// eqHolder: the root's type is fixed, what differs is held by interfaces.
func eqValue(seed uint64) eqHolder {
	g := &eqGen{r: rand.New(rand.NewPCG(seed, 7))}
	for range 3 {
		g.pads = append(g.pads, g.padded())
		v := int32(g.n(2))
		g.ints = append(g.ints, &v)
	}
	g.back = []int32{int32(g.n(2)), int32(g.n(2)), 0, 1, int32(g.n(2))}
	for range 1 + g.n(3) {
		g.nodes = append(g.nodes, &eqNode{})
	}
	for _, x := range g.nodes {
		if g.n(2) == 0 {
			g.fill(x)
		} else if x.v = int16(g.n(2)); g.n(2) == 0 {
			x.next = g.nodes[g.n(len(g.nodes))]
		}
	}
	switch g.n(6) {
	case 0:
		return eqHolder{g.nodes[0]}
	case 1:
		return eqHolder{*g.nodes[0]}
	case 2:
		return eqHolder{[2]*eqPadded{g.padPtr(), g.padPtr()}}
	case 3:
		return eqHolder{struct{ a, b *eqNode }{g.nodes[0], g.nodes[len(g.nodes)-1]}}
	case 4:
		return eqHolder{g.anyVal()}
	}
	return eqHolder{[]*eqPadded{g.padPtr(), g.padPtr()}}
}

func eqSkip(t reflect.Type) bool { return t == reflect.TypeFor[eqSkipped]() }

// refEncoding writes v as text, by a walk independent of the hash's: what
// two values hash equal by exactly when they are equal. A pointer's target
// is written once and its text reused where the pointer is met again (a
// pointer met while its target is being written: "cycle"), as the hash
// does; which pointers alias, and padding, write nothing.
type refEncoding struct {
	done map[[2]uintptr]string
}

func (e *refEncoding) write(v reflect.Value) string {
	t := v.Type()
	// An addressable copy that can be read (an unexported field's too):
	// a float32 is read as its bits, which a conversion would change.
	if v.CanAddr() {
		v = reflect.NewAt(t, v.Addr().UnsafePointer()).Elem()
	} else {
		c := reflect.New(t).Elem()
		c.Set(v)
		v = c
	}
	if eqSkip(t) {
		return "skip"
	}
	switch v.Kind() {
	case reflect.Bool:
		return fmt.Sprint(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return fmt.Sprint(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return fmt.Sprint(v.Uint())
	case reflect.Float32:
		return fmt.Sprintf("%#x", *(*uint32)(v.Addr().UnsafePointer()))
	case reflect.Float64:
		return fmt.Sprintf("%#x", math.Float64bits(v.Float()))
	case reflect.Complex64:
		c := (*[2]uint32)(v.Addr().UnsafePointer())
		return fmt.Sprintf("%#x,%#x", c[0], c[1])
	case reflect.String:
		return fmt.Sprintf("%q", v.String())
	case reflect.Slice:
		if v.IsNil() {
			return "nil"
		}
		fallthrough
	case reflect.Array:
		parts := make([]string, v.Len())
		for i := range parts {
			parts[i] = e.write(v.Index(i))
		}
		return "[" + strings.Join(parts, " ") + "]"
	case reflect.Struct:
		parts := make([]string, v.NumField())
		for i := range parts {
			parts[i] = e.write(v.Field(i))
		}
		return "{" + strings.Join(parts, " ") + "}"
	case reflect.Pointer:
		if v.IsNil() {
			return "nil"
		}
		key := [2]uintptr{uintptr(v.UnsafePointer()), uintptr(reflect.ValueOf(t).UnsafePointer())}
		if s, ok := e.done[key]; ok {
			return s
		}
		e.done[key] = "cycle"
		s := "&" + e.write(v.Elem())
		e.done[key] = s
		return s
	case reflect.Interface:
		if v.IsNil() {
			return "nil"
		}
		return v.Elem().Type().String() + "(" + e.write(v.Elem()) + ")"
	case reflect.Map:
		if v.IsNil() {
			return "nil"
		}
		var parts []string
		for it := v.MapRange(); it.Next(); {
			parts = append(parts, e.write(it.Key())+":"+e.write(it.Value()))
		}
		slices.Sort(parts)
		return "map[" + strings.Join(parts, " ") + "]"
	}
	panic("refEncoding: kind " + v.Kind().String())
}

func refText(v eqHolder) string {
	e := refEncoding{done: map[[2]uintptr]string{}}
	return e.write(reflect.ValueOf(v))
}

// eqCheck compares the values of seeds a and b: equal texts iff equal
// hashes, by the compiled walk and the reflective one.
func eqCheck(t *testing.T, c *Cache, a, b uint64) {
	va, vb := eqValue(a), eqValue(b)
	same := refText(va) == refText(vb)
	h := c.Hasher()
	r := Hasher{Skip: eqSkip, Reflective: true}
	ha, hb := h.Hash(va), h.Hash(vb)
	if ra, rb := r.Hash(va), r.Hash(vb); ra != ha || rb != hb {
		t.Errorf("seeds %d, %d: the reflective walk hashes %#x, %#x; the compiled one %#x, %#x", a, b, ra, rb, ha, hb)
	}
	if (ha == hb) != same {
		t.Errorf("seeds %d, %d: values equal %v, hashes equal %v\n%s\n%s", a, b, same, ha == hb, refText(va), refText(vb))
	}
}

// TestHash_EqualIffSameValue: over many generated values, two hash equal
// exactly when they are the same value (refEncoding): no difference the
// walk misses (a field, a padded struct's, an element behind a shared
// backing array, a long string's byte, a NaN's bits, an interface's type),
// and none it makes up (padding, which pointers alias, map order).
func TestHash_EqualIffSameValue(t *testing.T) {
	const n = 1500
	c := NewCache(eqSkip)
	texts := map[string][]uint64{}
	for i := range uint64(n) {
		s := refText(eqValue(i))
		texts[s] = append(texts[s], i)
	}
	equalPairs := 0
	for _, seeds := range texts {
		equalPairs += len(seeds) * (len(seeds) - 1) / 2
	}
	if equalPairs < 1000 || len(texts) < n/4 {
		t.Fatalf("%d distinct values of %d, %d equal pairs: the generator must make both", len(texts), n, equalPairs)
	}
	t.Logf("%d values, %d distinct, %d equal pairs", n, len(texts), equalPairs)
	hashes := map[uint64]string{}
	h := c.Hasher()
	for s, seeds := range texts {
		// Every value of one text hashes alike...
		for _, seed := range seeds[1:] {
			eqCheck(t, c, seeds[0], seed)
		}
		// ...and no two texts hash alike.
		x := h.Hash(eqValue(seeds[0]))
		if other, ok := hashes[x]; ok {
			t.Errorf("two different values hash %#x:\n%s\n%s", x, s, other)
		}
		hashes[x] = s
	}
}

// FuzzHash_EqualIffSameValue compares the generated values of two seeds
// (TestHash_EqualIffSameValue).
func FuzzHash_EqualIffSameValue(f *testing.F) {
	for _, s := range [][2]uint64{{0, 1}, {2, 3}, {5, 60}} {
		f.Add(s[0], s[1])
	}
	c := NewCache(eqSkip)
	f.Fuzz(func(t *testing.T, a, b uint64) { eqCheck(t, c, a, b) })
}
