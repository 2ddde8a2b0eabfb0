package worldcopy

import (
	"fmt"
	"reflect"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/require"
)

// memo is a type with a pointer copier of its own (as a guest memory is
// in a world): the copy of a *memo is its clone.
type memo struct{ pages []byte }

// withMemo holds a graph, a memory copied by its own copier, twice.
type withMemo struct {
	g    *graph
	a, b *memo
}

// memoCopier is testCopier with *memo copied by a clone of its own.
func memoCopier() *Copier {
	c := testCopier()
	c.cfg.Custom[reflect.TypeFor[*memo]()] = func(dst, src unsafe.Pointer) {
		s := *(**memo)(src)
		*(**memo)(dst) = &memo{pages: append(make([]byte, 0, len(s.pages)), s.pages...)}
	}
	return c
}

func sampleWithMemo() *withMemo {
	g := sample()
	g.fn = nil // a zero field: the shape walk compares it
	m := &memo{pages: []byte{1, 2, 3}}
	return &withMemo{g: g, a: m, b: m}
}

// checkedCopies runs f under CheckFrozen and returns the checks' reports.
func checkedCopies(t *testing.T, f func()) []error {
	var reports []error
	CheckFrozen(func(_ reflect.Type, err error) { reports = append(reports, err) })
	defer CheckFrozen(nil)
	f()
	return reports
}

// TestCopyFrozen_PlanIsTheWalks: the Frozen CopyFrozen returns with its
// copy has the plan a walk of the copy finds (CheckFrozen compares them
// at every copy of it, the first included), and its copies are the
// copies Copy makes of the copy: equal values, the same sharing, apart
// from each other and from the copy; for graphs of pointers into arrays
// and structs, slices of one array, maps, interfaces, cycles, shared
// values, value and pointer types with copiers of their own; in blocks
// and, with no layout left, with one allocation per type.
func TestCopyFrozen_PlanIsTheWalks(t *testing.T) {
	for _, layouts := range []int{maxLayouts, 0} {
		t.Run(fmt.Sprintf("layouts=%d", layouts), func(t *testing.T) {
			c := memoCopier()
			c.maxLayouts = layouts
			each := func(name string, copyFrozen func() (kept any, copies []any, ref any)) {
				var kept, ref any
				var copies []any
				reports := checkedCopies(t, func() { kept, copies, ref = copyFrozen() })
				require.Len(t, reports, len(copies), "%s: one check per copy", name)
				for i, err := range reports {
					require.NoError(t, err, "%s: copy %d", name, i)
				}
				for i, cp := range copies {
					sameShapeAny(t, kept, ref, cp)
					for _, other := range copies[:i] {
						sameShapeAny(t, kept, other, cp)
					}
				}
			}
			each("graph", func() (any, []any, any) { return copyFrozenN(t, c, sampleWithMemo(), 3) })
			each("aliases", func() (any, []any, any) { return copyFrozenN(t, c, sampleAliases(), 3) })
			each("ring", func() (any, []any, any) {
				return copyFrozenN(t, c, &struct{ nodes []*node }{ring(300)}, 2)
			})
		})
	}
}

// copyFrozenN copies root with CopyFrozen, then its copy n times with the
// Frozen it returned; ref is Copy's copy of the copy.
func copyFrozenN[T any](t *testing.T, c *Copier, root *T, n int) (kept any, copies []any, ref any) {
	k, f, err := CopyFrozen(c, root)
	require.NoError(t, err)
	sameShape(t, root, mustCopyWith(t, c, root), k)
	for range n {
		cp, err := f.Copy()
		require.NoError(t, err)
		copies = append(copies, cp)
	}
	return k, copies, mustCopyWith(t, c, k)
}

func mustCopyWith[T any](t *testing.T, c *Copier, g *T) *T {
	cp, err := Copy(c, g)
	require.NoError(t, err)
	return cp
}

// sameShapeAny is sameShape for roots of one pointer type held in
// interfaces.
func sameShapeAny(t *testing.T, g, a, b any) {
	switch g := g.(type) {
	case *withMemo:
		sameShape(t, g, a.(*withMemo), b.(*withMemo))
		require.NotSame(t, g.a, b.(*withMemo).a, "the memory is cloned")
		require.Same(t, b.(*withMemo).a, b.(*withMemo).b, "one memory, one clone")
	case *aliases:
		sameShape(t, g, a.(*aliases), b.(*aliases))
		require.Same(t, &b.(*aliases).all[5], &b.(*aliases).tail[0])
	case *struct{ nodes []*node }:
		sameShape(t, g, a.(*struct{ nodes []*node }), b.(*struct{ nodes []*node }))
	default:
		t.Fatalf("a %T", g)
	}
}

// TestCopyFrozen_CheckSeesWrites: a write to the shape of CopyFrozen's
// copy before its Frozen's first copy is reported by CheckFrozen there (a
// moved plan is checked as a walked one), and the copy refuses with it.
func TestCopyFrozen_CheckSeesWrites(t *testing.T) {
	type leaf struct{ v int }
	type root struct {
		s   []*leaf
		p   *leaf
		m   map[string]*leaf
		any any
		n   int
	}
	build := func() *root {
		s := make([]*leaf, 2, 4)
		s[0], s[1] = &leaf{1}, &leaf{2}
		return &root{s: s, p: &leaf{3}, m: map[string]*leaf{"a": {4}}, any: &leaf{5}, n: 6}
	}
	for _, tc := range []struct {
		name  string
		write func(g *root)
		want  string // "" for no report
	}{
		{"none", func(*root) {}, ""},
		{"plain value", func(g *root) { g.n, g.p.v = 60, 30 }, ""},
		{"slice grown within its capacity", func(g *root) { g.s = append(g.s, &leaf{7}) }, "is 3 long"},
		{"pointer to a new object", func(g *root) { g.p = &leaf{8} }, "which its first copy did not"},
		{"pointer to nothing", func(g *root) { g.p = nil }, "no longer reaches"},
		{"map entry added", func(g *root) { g.m["b"] = &leaf{9} }, "which its first copy did not"},
		{"interface of another type", func(g *root) { g.any = leaf{10} }, "frozen graph changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Config{})
			kept, f, err := CopyFrozen(c, build())
			require.NoError(t, err)
			tc.write(kept)
			var cp *root
			reports := checkedCopies(t, func() { cp, err = f.Copy() })
			require.Len(t, reports, 1, "the first copy is checked")
			if tc.want == "" {
				require.NoError(t, err)
				require.NoError(t, reports[0])
				sameShape(t, kept, mustCopyWith(t, c, kept), cp)
				return
			}
			require.ErrorContains(t, reports[0], tc.want)
			require.Equal(t, reports[0], err, "the copy refused with the check's error")
		})
	}
}

// TestCopyFrozen_NilAndRefusal: a nil root gives a nil copy whose Frozen
// copies nil; a graph the copier refuses is refused with its path.
func TestCopyFrozen_NilAndRefusal(t *testing.T) {
	k, f, err := CopyFrozen[node](New(Config{}), nil)
	require.NoError(t, err)
	require.Nil(t, k)
	cp, err := f.Copy()
	require.NoError(t, err)
	require.Nil(t, cp)
	type holder struct{ in []*struct{ hook func() } }
	_, fh, err := CopyFrozen(New(Config{}), &holder{in: []*struct{ hook func() }{{}, {hook: func() {}}}})
	require.ErrorContains(t, err, "holder.in[1].*.hook")
	require.Nil(t, fh)
}
