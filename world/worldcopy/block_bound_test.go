package worldcopy

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

type (
	blockA struct{ v int64 }
	blockB struct{ v int64 }
	blockC struct{ v int64 }
	blockD struct{ v int64 }
)

// TestBlock_GrownLayoutBounded: a layout grows each of its arrays for the
// largest count of its type any copy of its size needed, so copies that
// each need many objects of another type grow all of them; a copy of that
// size that needs few of each would then get a block several times what
// it needs. Past maxWaste times its bytes, the copy allocates per type
// instead (exactly what it needs); a copy that needs a fair part of a
// layout uses it.
func TestBlock_GrownLayoutBounded(t *testing.T) {
	c := New(Config{})
	types := []reflect.Type{reflect.TypeFor[blockA](), reflect.TypeFor[blockB](), reflect.TypeFor[blockC](), reflect.TypeFor[blockD]()}
	// runWith is a run whose arenas hold ns objects of the types.
	runWith := func(ns ...int) *run {
		r := newRun(c)
		for i, typ := range types {
			ti := c.info(typ)
			if ti.id >= len(r.arenas) {
				r.arenas = append(r.arenas, make([]arena, ti.id+1-len(r.arenas))...)
			}
			r.arenas[ti.id].ti, r.arenas[ti.id].n = ti, ns[i]
			r.types = append(r.types, ti.id)
		}
		return r
	}
	// 103 objects of 8 bytes: 824 bytes, one size (512 to 1023); each
	// copy grows another array to 128 elements: the first three use
	// blocks of up to 3,080 bytes, the fourth's would be 4,096.
	for _, ns := range [][]int{{100, 1, 1, 1}, {1, 100, 1, 1}, {1, 1, 100, 1}} {
		require.True(t, runWith(ns...).block(), "%v", ns)
	}
	require.False(t, runWith(1, 1, 1, 100).block(), "a block of 4,096 bytes for 824")
	r := runWith(100, 1, 1, 1)
	h, size := r.layoutKey()
	require.Equal(t, uintptr(824), size)
	l, ok := c.layouts.Load(h)
	require.True(t, ok)
	require.Equal(t, []int{128, 128, 128, 128}, l.(*layout).caps)
	require.Equal(t, uintptr(4096), l.(*layout).t.Size())
	require.False(t, r.block(), "a block of 4,096 bytes for 824")
	require.Nil(t, r.arenas[c.info(types[0]).id].base)
	// 1,016 bytes of that size (127 objects) fit in the grown layout
	// within the bound (four times theirs and a word per type); 3,200
	// bytes are another size, whose layout is made for them.
	require.True(t, runWith(124, 1, 1, 1).block())
	require.True(t, runWith(100, 100, 100, 100).block())
}
