package worldcopy

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// many has plain runs, strings and a shared pointer (copied as they are)
// around parts the copy writes again: a pointer, a slice, a map, an
// interface (nil and not) and a value with its own copier.
type many struct {
	a     int
	name  string
	b     uint16
	p     *outer
	c     [3]int32
	share *shared
	s     []int
	d     bool
	m     map[string]int
	nilM  map[string]int
	any1  any
	nilIf any
	log   counter
	e     float64
}

// manyZero is many with a field declared zero, and holds one inside.
type manyZero struct {
	a, b, c int
	name    string
	fn      func()
	p       *outer
}

type holdsZero struct {
	x, y  int
	label string
	z     manyZero
}

type wholeRoot struct {
	one   *many
	elems []many // filled n at a time
	zero  *manyZero
	holds *holdsZero
}

func TestCopy_WholeStructs(t *testing.T) {
	c := New(Config{
		Share:  func(t reflect.Type) bool { return t == reflect.TypeOf(shared{}) },
		Zero:   map[reflect.Type][]string{reflect.TypeOf(manyZero{}): {"fn"}},
		Custom: testCopier().cfg.Custom,
	})
	for _, tc := range []struct {
		v     any
		whole bool
	}{
		{many{}, true},
		{outer{}, true}, // two runs and a string
		{inner{}, false},
		{manyZero{}, false},  // a field declared zero
		{holdsZero{}, false}, // one inside
		{[2]many{}, false},   // not a struct
	} {
		ti := c.info(reflect.TypeOf(tc.v))
		require.Equal(t, tc.whole, ti.whole, "%T", tc.v)
	}

	a := &outer{inner: inner{n: 1, tags: []string{"x"}}, name: "a", buf: [4]byte{1, 2, 3, 4}}
	sh := &shared{v: 7}
	mk := func(i int) many {
		return many{a: i, name: "n", b: uint16(i), p: a, c: [3]int32{1, 2, int32(i)}, share: sh,
			s: []int{i, i + 1}, d: true, m: map[string]int{"k": i}, any1: a,
			log: counter{entries: []int{i}}, e: 1.5}
	}
	one := mk(0)
	root := &wholeRoot{one: &one, elems: []many{mk(1), mk(2), mk(3)},
		zero:  &manyZero{a: 1, b: 2, c: 3, name: "z", fn: func() {}, p: a},
		holds: &holdsZero{x: 4, y: 5, label: "h", z: manyZero{a: 6, fn: func() {}, p: a}}}
	cp, err := Copy(c, root)
	require.NoError(t, err)

	check := func(o, n *many) {
		require.Equal(t, o.a, n.a)
		require.Equal(t, o.name, n.name)
		require.Equal(t, o.b, n.b)
		require.Equal(t, o.c, n.c)
		require.Equal(t, o.d, n.d)
		require.Equal(t, o.e, n.e)
		require.Same(t, o.share, n.share, "a shared pointer is copied as it is")
		require.NotSame(t, o.p, n.p, "a pointer is translated")
		require.Equal(t, *o.p, *n.p)
		require.Equal(t, o.s, n.s)
		require.NotSame(t, &o.s[0], &n.s[0])
		require.Equal(t, o.m, n.m)
		require.NotEqual(t, reflect.ValueOf(o.m).Pointer(), reflect.ValueOf(n.m).Pointer())
		require.Nil(t, n.nilM)
		require.Nil(t, n.nilIf)
		require.Same(t, n.p, n.any1.(*outer), "the interface's pointer is the copy's")
		require.Equal(t, o.log, n.log)
	}
	check(root.one, cp.one)
	require.Len(t, cp.elems, 3)
	for i := range root.elems {
		check(&root.elems[i], &cp.elems[i])
		require.Same(t, cp.one.p, cp.elems[i].p, "one object in the copy")
	}
	require.Nil(t, cp.zero.fn, "a field declared zero stays zero")
	require.Equal(t, [3]int{1, 2, 3}, [3]int{cp.zero.a, cp.zero.b, cp.zero.c})
	require.Equal(t, "z", cp.zero.name)
	require.Same(t, cp.one.p, cp.zero.p)
	require.Nil(t, cp.holds.z.fn, "a field declared zero inside another struct stays zero")
	require.Equal(t, 6, cp.holds.z.a)
	require.Equal(t, "h", cp.holds.label)
	require.Same(t, cp.one.p, cp.holds.z.p)

	// The copy is apart from the original.
	cp.elems[1].s[0] = 99
	cp.elems[1].m["k"] = 99
	cp.one.p.n = 42
	require.Equal(t, 2, root.elems[1].s[0])
	require.Equal(t, 2, root.elems[1].m["k"])
	require.Equal(t, 1, a.n)
}
