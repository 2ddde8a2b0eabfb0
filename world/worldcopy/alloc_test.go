package worldcopy

import (
	"reflect"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestGroup_TypesInOrder: a copy lists its objects' types in increasing
// order of their ids, whatever order its groups meet them in (the
// layouts are kept by the types in that order), each type once.
func TestGroup_TypesInOrder(t *testing.T) {
	type a struct{ v int }
	type b struct{ v [2]int }
	type c struct{ v [3]int }
	type root struct {
		as []*a
		bs []*b
		cs []*c
	}
	cp := New(Config{})
	// Compiled in one order, allocated in the others.
	cp.info(reflect.TypeFor[*root]())
	r := newRun(cp)
	for _, order := range [][3]int{{0, 1, 2}, {2, 1, 0}, {1, 2, 0}, {2, 0, 1}} {
		g := &root{}
		for range 3 {
			for _, k := range order {
				switch k {
				case 0:
					g.as = append(g.as, &a{1})
				case 1:
					g.bs = append(g.bs, &b{})
				case 2:
					g.cs = append(g.cs, &c{})
				}
			}
		}
		out, err := walkAndFill(r, g, cp.info(reflect.TypeOf(g)))
		require.NoError(t, err)
		require.Equal(t, 1, out.as[2].v)
		require.True(t, slices.IsSorted(r.types), "types %v", r.types)
		require.Equal(t, slices.Compact(slices.Clone(r.types)), r.types)
		require.Len(t, r.types, 7, "root, the three pointer slices' arrays, a, b, c")
		r.reset()
		// The next copy, of fewer types, lists only its own.
		g.bs, g.cs = nil, nil
		_, err = walkAndFill(r, g, cp.info(reflect.TypeOf(g)))
		require.NoError(t, err)
		require.Len(t, r.types, 3, "root, the array of *a, a")
		r.reset()
	}
}
