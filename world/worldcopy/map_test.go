package worldcopy

import (
	"fmt"
	"reflect"
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

// slotID is a named key kind: a map keyed by it goes the way of its
// underlying uint16 (ptrMap), and an error names its key as the map's key
// type formats it.
type slotID uint16

func (s slotID) String() string { return fmt.Sprintf("slot-%d", uint16(s)) }

// sharedID is a key type a copier shares.
type sharedID int

// TestCopy_MapsByShape: maps of a pointer value by a key of a basic kind
// (each kind, a named one too) go through the compiled loop (ptrMap) where
// the build has them (compiledMapLoops), the others through package
// reflect; both copy as TestCopy_Maps requires:
// the entries' values translated into the copy (one object reached from
// two maps and a field is one object in the copy), a nil value nil, a
// value of a shared type as it is, the copy apart from the original, a
// map reached twice one map; and a walk that meets what it refuses names
// the entry by its key.
func TestCopy_MapsByShape(t *testing.T) {
	type leaf struct{ v int }
	type shared struct{ v int }
	type pair struct{ a, b *leaf }
	type root struct {
		one      *leaf
		ints     map[int]*leaf
		i8       map[int8]*leaf
		i16      map[int16]*leaf
		i32      map[int32]*leaf
		i64      map[int64]*leaf
		u        map[uint]*leaf
		u8       map[uint8]*leaf
		u16      map[uint16]*leaf
		u32      map[uint32]*leaf
		u64      map[uint64]*leaf
		uptr     map[uintptr]*leaf
		strs     map[string]*leaf
		named    map[slotID]*leaf
		named2   map[slotID]*leaf
		nils     map[uint16]*leaf
		share    map[uint32]*shared
		pairs    map[uint16]pair
		arrays   map[uint16]*[4]byte
		empties  map[uint16]*leaf
		byShared map[sharedID]*leaf
	}
	one, other := &leaf{1}, &leaf{2}
	sh := &shared{3}
	g := &root{one: one,
		ints: map[int]*leaf{-1: one, 2: other}, i8: map[int8]*leaf{-8: one}, i16: map[int16]*leaf{-16: one},
		i32: map[int32]*leaf{-32: one}, i64: map[int64]*leaf{-64: other}, u: map[uint]*leaf{1: one},
		u8: map[uint8]*leaf{8: one}, u16: map[uint16]*leaf{16: one, 17: other}, u32: map[uint32]*leaf{32: one},
		u64: map[uint64]*leaf{1 << 40: one}, uptr: map[uintptr]*leaf{7: other}, strs: map[string]*leaf{"a": one, "b": other},
		named: map[slotID]*leaf{3: one, 4: {4}}, nils: map[uint16]*leaf{1: nil, 2: one},
		share: map[uint32]*shared{5: sh}, pairs: map[uint16]pair{1: {one, other}},
		arrays: map[uint16]*[4]byte{1: {1, 2, 3, 4}}, empties: map[uint16]*leaf{}, byShared: map[sharedID]*leaf{1: one}}
	g.named2 = g.named
	c := New(Config{Share: func(t reflect.Type) bool { return t == reflect.TypeFor[shared]() || t == reflect.TypeFor[sharedID]() }})
	rt := reflect.TypeFor[root]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if f.Type.Kind() != reflect.Map {
			continue
		}
		// Not a struct value, nor a key the copier does not copy as
		// it is; and none where the package's build has no compiled
		// loops (maps_reflect.go).
		byShape := compiledMapLoops && f.Name != "pairs" && f.Name != "byShared"
		require.Equal(t, byShape, c.info(f.Type).ptrMap != nil, "%s: copied by the compiled loop", f.Name)
		// A map of shared values by a plain key is cloned whole, its
		// values as they are; one of values to copy is not.
		require.Equal(t, f.Name == "share", c.info(f.Type).mapPlain, "%s: cloned whole", f.Name)
	}
	for range 2 {
		cp, err := Copy(c, g)
		require.NoError(t, err)
		require.NotSame(t, one, cp.one)
		for name, m := range map[string]*leaf{
			"ints": cp.ints[-1], "i8": cp.i8[-8], "i16": cp.i16[-16], "i32": cp.i32[-32], "u": cp.u[1], "u8": cp.u8[8],
			"u16": cp.u16[16], "u32": cp.u32[32], "u64": cp.u64[1<<40], "strs": cp.strs["a"], "named": cp.named[3],
			"nils": cp.nils[2], "pairs": cp.pairs[1].a,
		} {
			require.Same(t, cp.one, m, "%s: the one leaf's copy", name)
		}
		for name, m := range map[string]*leaf{"ints": cp.ints[2], "i64": cp.i64[-64], "uptr": cp.uptr[7], "u16": cp.u16[17], "strs": cp.strs["b"], "pairs": cp.pairs[1].b} {
			require.Equal(t, 2, m.v, name)
			require.NotSame(t, other, m, name)
		}
		require.Same(t, cp.ints[2], cp.u16[17], "the other leaf: one copy")
		require.Same(t, cp.one, cp.byShared[1], "through reflect: the one leaf's copy")
		require.Equal(t, 4, cp.named[4].v)
		require.Nil(t, cp.nils[1])
		require.Len(t, cp.nils, 2)
		require.Same(t, sh, cp.share[5], "a shared type's value as it is")
		require.Equal(t, [4]byte{1, 2, 3, 4}, *cp.arrays[1])
		require.NotSame(t, g.arrays[1], cp.arrays[1])
		require.NotNil(t, cp.empties)
		require.Empty(t, cp.empties)
		// Apart from the original; the map reached twice is one map.
		cp.named[9] = &leaf{9}
		cp.u16[18] = nil
		cp.one.v = 10
		require.Len(t, cp.named2, 3)
		require.Len(t, g.named, 2)
		require.Len(t, g.u16, 2)
		require.Equal(t, 1, one.v)
		require.Equal(t, 10, cp.ints[-1].v)
	}
	type refusing struct{ hook func() }
	type holder struct{ by map[slotID]*refusing }
	_, err := Copy(testCopier(), &holder{by: map[slotID]*refusing{5: {hook: func() {}}}})
	require.ErrorContains(t, err, "holder.by[slot-5].*.hook")
}
