package worldcopy

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// node is a graph's vertex with parts of every kind the flattened copy
// handles: a short array of pointers (flattened), a long one (one op
// looping over it), an embedded struct, a slice, an interface and a map.
type node struct {
	next  *node
	short [3]*int
	long  [100]*int
	in    struct {
		name string
		tags []string
	}
	any any
	m   map[int]*node
}

// ring builds n nodes (a multiple of 50) in a ring sharing ints, a map and slices of one
// array between them.
func ring(n int) []*node {
	ints := make([]int, 50)
	tags := []string{"a", "b", "c", "d"}
	nodes := make([]*node, n)
	for i := range nodes {
		nodes[i] = &node{}
	}
	m := map[int]*node{}
	for i, nd := range nodes {
		nd.next = nodes[(i+1)%n]
		nd.short = [3]*int{&ints[i%50], &ints[(i+7)%50], nil}
		nd.long[i%100] = &ints[(i+3)%50]
		nd.in.name = string(rune('a' + i%26))
		nd.in.tags = tags[i%3 : i%3+1]
		if i%2 == 0 {
			nd.any = nodes[(i+5)%n]
		} else {
			nd.any = &ints[i%50]
		}
		nd.m = m
		m[i] = nd
	}
	return nodes
}

// TestCopy_LargeGraph: a copy of a graph of hundreds of objects (the
// address index grows) keeps its shape, its sharing and is independent,
// whether the new objects are in one block or in one allocation per
// type (no layout left).
func TestCopy_LargeGraph(t *testing.T) {
	for _, row := range []struct {
		name    string
		n       int
		layouts int
	}{
		{"one block", 300, maxLayouts},
		{"per type", 300, 0},
		{"fewer, one block", 50, maxLayouts},
	} {
		t.Run(row.name, func(t *testing.T) {
			c := New(Config{})
			c.maxLayouts = row.layouts
			g := &struct{ nodes []*node }{ring(row.n)}
			for range 3 {
				cp, err := Copy(c, g)
				require.NoError(t, err)
				require.True(t, reflect.DeepEqual(g, cp), "the copy has the original's shape and values")
				n := len(cp.nodes)
				for i, nd := range cp.nodes {
					o := g.nodes[i]
					require.NotSame(t, o, nd)
					require.Same(t, cp.nodes[(i+1)%n], nd.next, "node %d: next", i)
					require.Same(t, nd, nd.m[i], "node %d: map", i)
					require.Same(t, cp.nodes[0].m[0], nd.m[0], "node %d: one map", i)
					require.NotSame(t, o.short[0], nd.short[0])
					require.Same(t, cp.nodes[(i+7)%n].short[0], nd.short[1], "node %d: shared int", i)
					require.Same(t, nd.long[i%100], cp.nodes[(i+3)%n].short[0], "node %d: long array", i)
					if i%2 == 0 {
						require.Same(t, cp.nodes[(i+5)%n], nd.any.(*node), "node %d: interface", i)
					}
					require.Same(t, &cp.nodes[0].in.tags[0], &cp.nodes[3].in.tags[0], "one array of tags")
				}
				*cp.nodes[0].short[0] = 99
				cp.nodes[1].in.tags[0] = "changed"
				require.Zero(t, *g.nodes[0].short[0], "the copy's writes do not reach the original")
				require.Equal(t, "b", g.nodes[1].in.tags[0])
			}
			if row.layouts == 0 {
				require.Zero(t, c.nlayouts)
			} else {
				require.Equal(t, 1, c.nlayouts, "three copies of one graph share a layout")
			}
		})
	}
}

// TestCopy_RefusesAFuncInALongArray: a refusal inside an array too long
// to flatten names the element.
func TestCopy_RefusesAFuncInALongArray(t *testing.T) {
	type holder struct {
		arr [100]*struct{ f func() }
	}
	h := &holder{}
	for i := range h.arr {
		h.arr[i] = &struct{ f func() }{}
	}
	h.arr[70].f = func() {}
	_, err := Copy(New(Config{}), h)
	require.ErrorContains(t, err, "holder.arr[70].*.f")
}

// TestCopy_NilRoot: a nil root copies to nil.
func TestCopy_NilRoot(t *testing.T) {
	c, err := Copy[node](New(Config{}), nil)
	require.NoError(t, err)
	require.Nil(t, c)
}
