package worldcopy

import (
	"reflect"
	"strings"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

type inner struct {
	n    int
	tags []string
}

type outer struct {
	inner
	name string
	buf  [4]byte
}

type graph struct {
	a, b   *outer
	in     *inner // points into a
	s1, s2 []int  // two slices of one array
	bytes  []byte // a slice of a.buf
	m1, m2 map[string]*outer
	plain  map[string]int
	any1   any // a pointer
	any2   any // a struct holding a pointer, in the interface's word
	any3   any // a boxed struct holding a pointer
	fn     func()
	log    counter
	share  *shared
	self   *graph
}

type counter struct{ entries []int }

type shared struct{ v int }

type boxed struct{ p *outer }

type boxed2 struct {
	p *outer
	n int
}

func testCopier() *Copier {
	return New(Config{
		Share: func(t reflect.Type) bool { return t == reflect.TypeOf(shared{}) },
		Zero:  map[reflect.Type][]string{reflect.TypeOf(graph{}): {"fn"}},
		Custom: map[reflect.Type]func(dst, src unsafe.Pointer){
			reflect.TypeOf(counter{}): func(dst, src unsafe.Pointer) {
				s := (*counter)(src)
				*(*counter)(dst) = counter{entries: s.entries[:len(s.entries):len(s.entries)]}
			},
		},
	})
}

func sample() *graph {
	a := &outer{inner: inner{n: 1, tags: []string{"x", "y"}}, name: "a", buf: [4]byte{1, 2, 3, 4}}
	arr := make([]int, 6, 8)
	g := &graph{a: a, b: a, in: &a.inner, s1: arr[:2], s2: arr[1:6], bytes: a.buf[1:3]}
	g.m1 = map[string]*outer{"a": a}
	g.m2 = g.m1
	g.plain = map[string]int{"k": 3}
	g.any1 = a
	g.any2 = boxed{p: a}
	g.any3 = boxed2{p: a, n: 5}
	g.fn = func() {}
	g.log = counter{entries: []int{1, 2}}
	g.share = &shared{v: 9}
	g.self = g
	return g
}

func TestCopy_KeepsSharingAndIsIndependent(t *testing.T) {
	g := sample()
	c, err := Copy(testCopier(), g)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"new root", c != g && c.self == c},
		{"a copied", c.a != g.a && c.a.name == "a" && c.a.n == 1},
		{"alias kept", c.a == c.b && c.in == &c.a.inner},
		{"tags copied", &c.a.tags[0] != &g.a.tags[0] && c.a.tags[1] == "y"},
		{"one array", &c.s1[1] == &c.s2[0] && &c.s1[0] != &g.s1[0] && len(c.s2) == 5 && cap(c.s2) == 7},
		{"slice into a struct", &c.bytes[0] == &c.a.buf[1] && c.bytes[1] == 3},
		{"maps", c.m1["a"] == c.a && reflect.ValueOf(c.m1).Pointer() == reflect.ValueOf(c.m2).Pointer() &&
			reflect.ValueOf(c.m1).Pointer() != reflect.ValueOf(g.m1).Pointer()},
		{"plain map", c.plain["k"] == 3 && reflect.ValueOf(c.plain).Pointer() != reflect.ValueOf(g.plain).Pointer()},
		{"iface pointer", c.any1.(*outer) == c.a},
		{"iface direct struct", c.any2.(boxed).p == c.a},
		{"iface box", c.any3.(boxed2).p == c.a && c.any3.(boxed2).n == 5},
		{"zero field", c.fn == nil},
		{"custom", len(c.log.entries) == 2 && cap(c.log.entries) == 2 && &c.log.entries[0] == &g.log.entries[0]},
		{"shared", c.share == g.share},
	}
	for _, ck := range checks {
		if !ck.ok {
			t.Errorf("%s: wrong", ck.name)
		}
	}
	c.a.tags[0] = "changed"
	c.s2[0] = 7
	if g.a.tags[0] != "x" || g.s1[1] != 0 {
		t.Errorf("the copy's writes reached the original")
	}
}

func TestCopy_RefusesAnUnknownFunc(t *testing.T) {
	type holder struct {
		name string
		in   []*struct{ hook func() }
	}
	h := &holder{in: []*struct{ hook func() }{{}, {hook: func() {}}}}
	_, err := Copy(testCopier(), h)
	if err == nil || !strings.Contains(err.Error(), "holder.in[1].*.hook") {
		t.Fatalf("err = %v, want a refusal naming .in[1].hook", err)
	}
}

// TestCopy_RefusesOverlaps: a pointer into an object that a function of
// its own copies cannot be translated into the copy: refused.
func TestCopy_RefusesOverlaps(t *testing.T) {
	type custom struct{ v [4]int }
	type holder struct {
		c  *custom
		in *int
	}
	cv := &custom{}
	h := &holder{c: cv, in: &cv.v[1]}
	c := New(Config{Custom: map[reflect.Type]func(dst, src unsafe.Pointer){
		reflect.TypeOf(&custom{}): func(dst, src unsafe.Pointer) {
			cp := **(**custom)(src)
			*(**custom)(dst) = &cp
		},
	}})
	_, err := Copy(c, h)
	require.ErrorContains(t, err, "its own copier")
}
