package worldcopy

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestFrozen_CheckSeesWrites: with CheckFrozen, a later copy of a Frozen
// whose graph was written after its first copy reports the write, for each
// kind of write that changes what the plan recorded; a graph left alone,
// or written only in its plain values, reports nothing. Without the
// check, such a copy is silently not Copy's: a pointer appended to a
// slice within its capacity is left nil.
func TestFrozen_CheckSeesWrites(t *testing.T) {
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
			var reports []error
			CheckFrozen(func(rt reflect.Type, err error) {
				require.Equal(t, reflect.TypeFor[root](), rt)
				reports = append(reports, err)
			})
			defer CheckFrozen(nil)
			g := build()
			f := Freeze(New(Config{}), g)
			_, err := f.Copy()
			require.NoError(t, err)
			require.Empty(t, reports, "the first copy walks the graph: nothing to check")
			tc.write(g)
			cp, err := f.Copy()
			require.Len(t, reports, 1, "one check per later copy")
			if tc.want == "" {
				require.NoError(t, err)
				require.NoError(t, reports[0])
				sameShape(t, g, mustCopy(t, g), cp)
				return
			}
			require.ErrorContains(t, reports[0], tc.want)
			require.Equal(t, reports[0], err, "the copy refused with the check's error")
		})
	}
	t.Run("unchecked copy after a write", func(t *testing.T) {
		g := build()
		f := Freeze(New(Config{}), g)
		_, err := f.Copy()
		require.NoError(t, err)
		g.s = append(g.s, &leaf{7})
		cp, err := f.Copy()
		require.NoError(t, err)
		require.Len(t, cp.s, 3)
		require.Nil(t, cp.s[2], "the plan copies the slice's first two elements only")
		ref := mustCopy(t, g)
		require.Equal(t, 7, ref.s[2].v, "Copy copies all three")
		// A pointer to an object the plan does not hold is an error,
		// not a panic.
		g.p = &leaf{8}
		_, err = f.Copy()
		require.ErrorContains(t, err, "which its first copy did not reach")
	})
}

func mustCopy[T any](t *testing.T, g *T) *T {
	c, err := Copy(New(Config{}), g)
	require.NoError(t, err)
	return c
}
