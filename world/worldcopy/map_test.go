package worldcopy

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// TestCopy_Maps: a map is copied to a new map of its entries, empty or
// not, of plain entries or of entries to walk: a map reached twice is one
// map in the copy, of plain entries or not, a nil map stays nil, and
// writes to a copied map reach neither the original nor another copy.
func TestCopy_Maps(t *testing.T) {
	type leaf struct{ v int }
	type root struct {
		empty, empty2 map[int]*leaf
		full, full2   map[int]*leaf
		plainEmpty    map[string]int
		plain, plain2 map[string]int
		nilMap        map[int]*leaf
		keyed         map[[2]int]*leaf
	}
	for _, layouts := range []int{maxLayouts, 0} {
		c := New(Config{})
		c.maxLayouts = layouts
		l := &leaf{1}
		g := &root{empty: map[int]*leaf{}, full: map[int]*leaf{1: l, 2: l, 3: {3}}, plainEmpty: map[string]int{},
			plain: map[string]int{"a": 1, "b": 2}, keyed: map[[2]int]*leaf{{1, 2}: l}}
		g.empty2, g.full2, g.plain2 = g.empty, g.full, g.plain
		for range 2 { // the second copy reuses the run's temporaries
			cp, err := Copy(c, g)
			require.NoError(t, err)
			for name, m := range map[string]map[int]*leaf{"empty": cp.empty, "full": cp.full} {
				require.NotNil(t, m, name)
			}
			require.Empty(t, cp.empty)
			require.Nil(t, cp.nilMap)
			require.Equal(t, map[string]int{"a": 1, "b": 2}, cp.plain)
			require.Empty(t, cp.plainEmpty)
			require.NotNil(t, cp.plainEmpty)
			require.Len(t, cp.full, 3)
			require.Same(t, cp.full[1], cp.full[2], "one leaf, one copy")
			require.NotSame(t, l, cp.full[1])
			require.Same(t, cp.full[1], cp.keyed[[2]int{1, 2}])
			require.Equal(t, 3, cp.full[3].v)
			// Writes: the maps reached twice are one map in the copy,
			// apart from the original.
			cp.empty[7] = &leaf{7}
			cp.full[4] = &leaf{4}
			cp.plainEmpty["x"] = 1
			cp.plain["c"] = 3
			require.Len(t, cp.empty2, 1)
			require.Len(t, cp.full2, 4)
			require.Equal(t, map[string]int{"a": 1, "b": 2, "c": 3}, cp.plain2, "a plain map reached twice is one map")
			require.Len(t, g.plain, 2)
			require.Empty(t, g.empty)
			require.Len(t, g.full, 3)
			require.Empty(t, g.plainEmpty)
		}
	}
}
