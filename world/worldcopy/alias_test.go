package worldcopy

import (
	"reflect"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

type elem struct {
	a, b int
	p    *int
}

type aliases struct {
	all   []elem
	third *elem  // element 3 of all
	field *int   // all[4].b
	pf    **int  // &all[5].p
	mid   []elem // all[2:6:7]
	tail  []elem // all[5:]
	short []elem // all[0:1:1]
	ints  [8]int
	view  []int // ints[3:5]
	m     map[string]*elem
	ifp   any // *elem (all[1])
	ifv   any // elem value holding a pointer
	cyc   *aliases
	zero  *struct{}
	zs    any
}

func sampleAliases() *aliases {
	shared := 7
	all := make([]elem, 8, 10)
	for i := range all {
		all[i] = elem{a: i, b: 10 * i, p: &shared}
	}
	h := &aliases{all: all, third: &all[3], field: &all[4].b, pf: &all[5].p,
		mid: all[2:6:7], tail: all[5:], short: all[0:1:1]}
	h.view = h.ints[3:5]
	h.m = map[string]*elem{"x": &all[3], "y": &all[3], "z": &all[6]}
	h.ifp = &all[1]
	h.ifv = elem{a: 1, p: &all[2].a}
	h.cyc = h
	h.zero = &struct{}{}
	h.zs = struct{}{}
	return h
}

// TestCopy_Aliases: pointers into the middle of copied arrays and
// structs, slices of one array at different offsets and capacities, maps
// of pointers to shared objects, interfaces and cycles keep their sharing
// in the copy, and the copy is independent of the original.
func TestCopy_Aliases(t *testing.T) {
	for _, layouts := range []int{maxLayouts, 0} {
		c := New(Config{})
		c.maxLayouts = layouts
		for range 2 {
			g := sampleAliases()
			cp, err := Copy(c, g)
			require.NoError(t, err)
			runtime.GC()
			require.True(t, reflect.DeepEqual(g.all, cp.all))
			require.NotSame(t, &g.all[0], &cp.all[0])
			require.Same(t, &cp.all[3], cp.third)
			require.Same(t, &cp.all[4].b, cp.field)
			require.Same(t, &cp.all[5].p, cp.pf)
			require.Same(t, &cp.all[2], &cp.mid[0])
			require.Equal(t, 4, len(cp.mid))
			require.Equal(t, 5, cap(cp.mid))
			require.Same(t, &cp.all[5], &cp.tail[0])
			require.Equal(t, 5, cap(cp.tail))
			require.Same(t, &cp.all[0], &cp.short[0])
			require.Same(t, &cp.ints[3], &cp.view[0])
			require.Same(t, cp.third, cp.m["x"])
			require.Same(t, cp.third, cp.m["y"])
			require.Same(t, &cp.all[6], cp.m["z"])
			require.Same(t, &cp.all[1], cp.ifp.(*elem))
			require.Same(t, &cp.all[2].a, cp.ifv.(elem).p)
			require.Same(t, cp, cp.cyc)
			require.Same(t, cp.all[0].p, cp.all[7].p)
			require.NotSame(t, g.all[0].p, cp.all[0].p)
			require.NotNil(t, cp.zero)
			require.Equal(t, struct{}{}, cp.zs)
			// Writes on either side stay on their side.
			cp.third.a, *cp.field, *cp.all[0].p = 100, 200, 300
			g.all[6].a = 400
			require.Equal(t, 3, g.all[3].a)
			require.Equal(t, 40, g.all[4].b)
			require.Equal(t, 7, *g.all[0].p)
			require.Equal(t, 6, cp.m["z"].a)
			// An append past a slice's length writes where the original's would.
			cp.mid = append(cp.mid, elem{a: 99})
			require.Equal(t, 99, cp.all[6].a)
			require.Equal(t, 400, g.all[6].a)
		}
	}
}

// TestCopy_StaleCapacity: a slice's plain elements between its length
// and its capacity are read again by reslicing (s[:cap(s)]): the copy
// holds what the original holds there; elements with pointers there are
// not walked and stay zero.
func TestCopy_StaleCapacity(t *testing.T) {
	type holder struct {
		ints []int
		strs []string
	}
	h := &holder{ints: []int{1, 2, 3, 4}[:2], strs: []string{"a", "b", "c"}[:1]}
	cp, err := Copy(New(Config{}), h)
	require.NoError(t, err)
	require.Equal(t, h.ints[:cap(h.ints)], cp.ints[:cap(cp.ints)])
	require.Equal(t, []string{"a", "", ""}, cp.strs[:cap(cp.strs)])
}

// TestCopy_Concurrent: copies from several goroutines of one Copier (its
// layouts, type cache and pooled runs) are each exact (run with -race).
func TestCopy_Concurrent(t *testing.T) {
	c := New(Config{})
	c.maxLayouts = 3 // some goroutines reach the cap and fall back
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				g := &struct{ nodes []*node }{ring(50 * (1 + (w+i)%4))}
				cp, err := Copy(c, g)
				if err != nil {
					errs <- err
					return
				}
				runtime.GC()
				if !reflect.DeepEqual(g, cp) || cp.nodes[0] == g.nodes[0] || cp.nodes[1].next != cp.nodes[2] {
					errs <- errShape
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	require.LessOrEqual(t, c.nlayouts, 3)
}

var errShape = &pathError{msg: "a concurrent copy differs from its original"}
