package worldcopy

import (
	"fmt"
	"reflect"
	"runtime"
	"testing"
	"unsafe"
	"weak"

	"github.com/stretchr/testify/require"
)

// TestFrozen_KeepsNoCopy: a Frozen keeps what it needs to copy its graph
// again (the plan), not the copies it made: once the caller drops a copy,
// the collector frees it, its objects (the block or the arrays per type)
// and what a pointer type's own copier made for it. A Frozen lives as long
// as its kept copy or its checkpoint, so a copy it kept would stay in
// memory for as long, one per kept copy.
func TestFrozen_KeepsNoCopy(t *testing.T) {
	type leaf struct{ v [8]int }
	type owned struct{ v [8]int }
	type root struct {
		a, b *leaf
		s    []*leaf
		own  *owned // copied by its pointer type's own copier
	}
	for _, layouts := range []int{maxLayouts, 0} {
		t.Run(fmt.Sprintf("layouts=%d", layouts), func(t *testing.T) {
			c := New(Config{Custom: map[reflect.Type]func(dst, src unsafe.Pointer){
				reflect.TypeFor[*owned](): func(dst, src unsafe.Pointer) {
					cp := **(**owned)(src)
					*(**owned)(dst) = &cp
				},
			}})
			c.maxLayouts = layouts
			g := &root{a: &leaf{}, b: &leaf{}, s: []*leaf{{}, {}}, own: &owned{}}
			f := Freeze(c, g)
			for i := range 3 {
				cp, err := f.Copy()
				require.NoError(t, err)
				require.NotSame(t, g.a, cp.a)
				require.NotSame(t, g.own, cp.own)
				ws := []weak.Pointer[leaf]{weak.Make(cp.a), weak.Make(cp.b), weak.Make(cp.s[0])}
				wr, wo := weak.Make(cp), weak.Make(cp.own)
				cp = nil
				runtime.GC()
				require.Nil(t, wr.Value(), "copy %d: its root is still reachable after the caller dropped it", i)
				for k, w := range ws {
					require.Nil(t, w.Value(), "copy %d: its leaf %d is still reachable after the caller dropped it", i, k)
				}
				require.Nil(t, wo.Value(), "copy %d: its own copier's object is still reachable after the caller dropped it", i)
			}
			runtime.KeepAlive(f)
		})
	}
}
