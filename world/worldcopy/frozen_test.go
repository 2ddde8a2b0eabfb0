package worldcopy

import (
	"fmt"
	"reflect"
	"runtime"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// target is where a pointer, a slice or a map of a graph points, in the
// original (g) and in two copies of it (a, b), with the extent of what it
// points to.
type target struct {
	g, a, b uintptr
	size    uintptr
	isMap   bool
	path    string
}

// shapes walks an original and two copies of it side by side: every value
// equal, and the targets of their pointers, slices and maps, in order.
type shapes struct {
	t       *testing.T
	targets []target
	seen    map[[2]uintptr]bool
}

func (s *shapes) walk(g, a, b reflect.Value, path string) {
	require.Equal(s.t, g.Kind(), a.Kind(), path)
	require.Equal(s.t, g.Kind(), b.Kind(), path)
	switch g.Kind() {
	case reflect.Pointer:
		require.Equal(s.t, g.IsNil(), a.IsNil(), path)
		require.Equal(s.t, g.IsNil(), b.IsNil(), path)
		if g.IsNil() {
			return
		}
		s.targets = append(s.targets, target{g: g.Pointer(), a: a.Pointer(), b: b.Pointer(), size: g.Type().Elem().Size(), path: path})
		k := [2]uintptr{g.Pointer(), uintptr(reflect.ValueOf(g.Type()).UnsafePointer())}
		if s.seen[k] {
			return
		}
		s.seen[k] = true
		s.walk(g.Elem(), a.Elem(), b.Elem(), path+".*")
	case reflect.Slice:
		require.Equal(s.t, []int{g.Len(), g.Cap()}, []int{a.Len(), a.Cap()}, path)
		require.Equal(s.t, []int{g.Len(), g.Cap()}, []int{b.Len(), b.Cap()}, path)
		if g.Cap() == 0 {
			return
		}
		s.targets = append(s.targets, target{g: g.Pointer(), a: a.Pointer(), b: b.Pointer(), size: uintptr(g.Cap()) * g.Type().Elem().Size(), path: path})
		for i := range g.Len() {
			s.walk(g.Index(i), a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Array:
		for i := range g.Len() {
			s.walk(g.Index(i), a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i))
		}
	case reflect.Struct:
		for i := range g.NumField() {
			s.walk(g.Field(i), a.Field(i), b.Field(i), path+"."+g.Type().Field(i).Name)
		}
	case reflect.Interface:
		require.Equal(s.t, g.IsNil(), a.IsNil(), path)
		require.Equal(s.t, g.IsNil(), b.IsNil(), path)
		if !g.IsNil() {
			require.Equal(s.t, g.Elem().Type(), b.Elem().Type(), path)
			s.walk(g.Elem(), a.Elem(), b.Elem(), path+".("+g.Elem().Type().String()+")")
		}
	case reflect.Map:
		require.Equal(s.t, g.Len(), a.Len(), path)
		require.Equal(s.t, g.Len(), b.Len(), path)
		if g.IsNil() {
			return
		}
		s.targets = append(s.targets, target{g: g.Pointer(), a: a.Pointer(), b: b.Pointer(), isMap: true, path: path})
		k := [2]uintptr{g.Pointer(), uintptr(reflect.ValueOf(g.Type()).UnsafePointer())}
		if s.seen[k] {
			return
		}
		s.seen[k] = true
		keys := g.MapKeys()
		slices.SortFunc(keys, func(x, y reflect.Value) int { return compareStrings(fmt.Sprint(x), fmt.Sprint(y)) })
		for _, k := range keys {
			s.walk(g.MapIndex(k), a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", path, k))
		}
	case reflect.Func:
		require.Equal(s.t, a.IsNil(), b.IsNil(), path)
	case reflect.String:
		require.Equal(s.t, g.String(), b.String(), path)
	case reflect.Bool:
		require.Equal(s.t, g.Bool(), b.Bool(), path)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		require.Equal(s.t, g.Int(), b.Int(), path)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		require.Equal(s.t, g.Uint(), b.Uint(), path)
	default:
		s.t.Fatalf("%s: a %s the test does not compare", path, g.Kind())
	}
}

func compareStrings(x, y string) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// sameShape requires b to be a copy of g as a is: equal values, what a
// shares with g shared by b too, what a copies copied by b (apart from g
// and from a), the same targets one object in b where they are one in a,
// and a pointer into an object at the same offset of b's.
func sameShape[T any](t *testing.T, g, a, b *T) {
	s := &shapes{t: t, seen: map[[2]uintptr]bool{}}
	s.walk(reflect.ValueOf(g), reflect.ValueOf(a), reflect.ValueOf(b), "root")
	require.NotEmpty(t, s.targets)
	for i, x := range s.targets {
		if x.a == x.g {
			require.Equal(t, x.g, x.b, "%s: shared with the original in Copy's copy, not in this one", x.path)
			continue
		}
		require.NotEqual(t, x.g, x.b, "%s: shared with the original", x.path)
		require.NotEqual(t, x.a, x.b, "%s: shared with another copy", x.path)
		for _, y := range s.targets[i+1:] {
			if (x.a == y.a) != (x.b == y.b) {
				t.Fatalf("%s and %s: one object in one copy, not in the other", x.path, y.path)
			}
			if x.isMap || y.isMap || y.a == y.g {
				continue
			}
			if y.a >= x.a && y.a < x.a+x.size && y.a-x.a != y.b-x.b {
				t.Fatalf("%s inside %s: at offset %d in one copy, %d in the other", y.path, x.path, y.a-x.a, y.b-x.b)
			}
			if x.a >= y.a && x.a < y.a+y.size && x.a-y.a != x.b-y.b {
				t.Fatalf("%s inside %s: at offset %d in one copy, %d in the other", x.path, y.path, x.a-y.a, x.b-y.b)
			}
		}
	}
}

// frozenCopies makes n copies of root with one Frozen, and Copy's.
func frozenCopies[T any](t *testing.T, c *Copier, root *T, n int) (ref *T, copies []*T) {
	ref, err := Copy(c, root)
	require.NoError(t, err)
	f := Freeze(c, root)
	for range n {
		cp, err := f.Copy()
		require.NoError(t, err)
		runtime.GC()
		copies = append(copies, cp)
	}
	return ref, copies
}

// TestFrozen_CopiesAsCopy: every copy of a Frozen, the first (which walks
// the graph) and the next ones (which fill the first's groups again), is
// the copy Copy makes: equal values, the same sharing inside it and with
// the original (shared types, a custom copier's result, maps of one
// object), pointers into arrays and structs at their offsets, every copy
// apart from the others; in one block and with one allocation per type.
func TestFrozen_CopiesAsCopy(t *testing.T) {
	for _, layouts := range []int{maxLayouts, 0} {
		t.Run(fmt.Sprintf("layouts=%d", layouts), func(t *testing.T) {
			c := testCopier()
			c.maxLayouts = layouts
			g := sample()
			g.fn = nil // a zero field: the walk compares it
			ref, copies := frozenCopies(t, c, g, 4)
			for i, cp := range copies {
				sameShape(t, g, ref, cp)
				require.Same(t, cp, cp.self, "copy %d", i)
				for _, other := range copies[:i] {
					sameShape(t, g, other, cp)
				}
			}
			h := sampleAliases()
			hr, hcopies := frozenCopies(t, c, h, 3)
			for i, cp := range hcopies {
				sameShape(t, h, hr, cp)
				require.Same(t, &cp.all[5], &cp.tail[0], "copy %d", i)
			}
			nodes := &struct{ nodes []*node }{ring(300)}
			nr, ncopies := frozenCopies(t, c, nodes, 3)
			for _, cp := range ncopies {
				sameShape(t, nodes, nr, cp)
			}
		})
	}
}

// TestFrozen_WritesStayInTheirCopy: writes into one copy of a Frozen reach
// neither the original nor the other copies, made before or after.
func TestFrozen_WritesStayInTheirCopy(t *testing.T) {
	g := sampleAliases()
	f := Freeze(New(Config{}), g)
	first, err := f.Copy()
	require.NoError(t, err)
	second, err := f.Copy()
	require.NoError(t, err)
	first.third.a, *first.field, *first.all[0].p = 100, 200, 300
	first.m["z"] = nil
	third, err := f.Copy()
	require.NoError(t, err)
	for _, cp := range []*aliases{second, third} {
		require.Equal(t, 3, cp.third.a)
		require.Equal(t, 40, *cp.field)
		require.Equal(t, 7, *cp.all[0].p)
		require.Same(t, &cp.all[6], cp.m["z"])
	}
	require.Equal(t, 3, g.third.a)
	require.Equal(t, 7, *g.all[0].p)
	require.NotNil(t, g.m["z"])
}

// TestFrozen_NilRootAndRefusal: a nil root copies to nil every time; a
// graph the copier refuses is refused by each copy, with its path.
func TestFrozen_NilRootAndRefusal(t *testing.T) {
	f := Freeze[node](New(Config{}), nil)
	for range 2 {
		c, err := f.Copy()
		require.NoError(t, err)
		require.Nil(t, c)
	}
	type holder struct{ in []*struct{ hook func() } }
	h := &holder{in: []*struct{ hook func() }{{}, {hook: func() {}}}}
	fh := Freeze(New(Config{}), h)
	for range 2 {
		_, err := fh.Copy()
		require.ErrorContains(t, err, "holder.in[1].*.hook")
	}
}
