package worldcopy

import (
	"math"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"
)

// largeLeaf is a map value of TestCopy_MapsLarge.
type largeLeaf struct{ v int }

// largeEntries is how many entries TestCopy_MapsLarge's maps hold (255
// for a key of 8 bits): past the eight slots of a Swiss table's one
// group, so that a lookup hashes its key (a map of up to eight entries of
// a small key is searched by comparing every key, whatever its hash) and
// the entries spread over several tables.
const largeEntries = 1500

// copyLarge copies a map of n entries keyed by key(i), i < n, and
// checks, in the copy, every key's lookup (its hash and slot read as the
// map's own type reads them), the values translated, the length, and a
// write and a delete that reach neither the original nor miss the entry.
func copyLarge[K comparable](t *testing.T, name string, n int, key func(i int) K) {
	t.Helper()
	type root struct{ m map[K]*largeLeaf }
	g := &root{m: make(map[K]*largeLeaf)}
	for i := range n {
		g.m[key(i)] = &largeLeaf{i}
	}
	cp, err := Copy(New(Config{}), g)
	require.NoError(t, err, name)
	require.Len(t, cp.m, n, name)
	for i := range n {
		v, ok := cp.m[key(i)]
		require.True(t, ok, "%s: key %d found in the copy", name, i)
		require.Equal(t, i, v.v, "%s: key %d", name, i)
		require.NotSame(t, g.m[key(i)], v, "%s: key %d translated", name, i)
	}
	seen := 0
	for k, v := range cp.m {
		require.Same(t, v, cp.m[k], name)
		seen++
	}
	require.Equal(t, n, seen, name)
	delete(cp.m, key(0))
	cp.m[key(n)] = nil
	require.Len(t, cp.m, n, name)
	_, ok := cp.m[key(0)]
	require.False(t, ok, name)
	require.Len(t, g.m, n, name)
	require.Equal(t, 0, g.m[key(0)].v, name)
}

// TestCopy_MapsLarge: maps of every key kind ptrMapFor handles (and a
// named one), holding more entries than one group, copy to maps whose
// every key is found again: a compiled loop that read a map's keys at the
// wrong size, or made the copy with another key type's hash function,
// copies a map whose lookups miss, which a map of up to eight entries
// does not show.
func TestCopy_MapsLarge(t *testing.T) {
	copyLarge(t, "int", largeEntries, func(i int) int { return i*7919 - 3000 })
	copyLarge(t, "int8", 255, func(i int) int8 { return int8(i) })
	copyLarge(t, "int16", largeEntries, func(i int) int16 { return int16(i*31 - 20000) })
	copyLarge(t, "int32", largeEntries, func(i int) int32 { return int32(i)*104729 - 1<<30 })
	copyLarge(t, "int64", largeEntries, func(i int) int64 { return int64(i)<<33 - 5 })
	copyLarge(t, "uint", largeEntries, func(i int) uint { return uint(i) << 34 })
	copyLarge(t, "uint8", 255, func(i int) uint8 { return uint8(i) })
	copyLarge(t, "uint16", largeEntries, func(i int) uint16 { return uint16(i * 43) })
	copyLarge(t, "uint32", largeEntries, func(i int) uint32 { return uint32(i) * 2654435761 })
	copyLarge(t, "uint64", largeEntries, func(i int) uint64 { return uint64(i) << 40 })
	copyLarge(t, "uintptr", largeEntries, func(i int) uintptr { return uintptr(i) << 36 })
	copyLarge(t, "string", largeEntries, func(i int) string { return "key-" + strconv.Itoa(i) })
	copyLarge(t, "slotID", largeEntries, func(i int) slotID { return slotID(i * 41) })
	copyLarge(t, "array", largeEntries, func(i int) [2]int { return [2]int{i, -i} })
}

// TestCopy_MapsNaN: a map of plain entries keyed by NaN (which no lookup
// finds and each assignment adds) keeps every entry in the copy, as
// maps.Clone keeps them.
func TestCopy_MapsNaN(t *testing.T) {
	type root struct{ m map[float64]int }
	g := &root{m: map[float64]int{1: 1}}
	for i := range 20 {
		g.m[math.NaN()] = i
	}
	cp, err := Copy(New(Config{}), g)
	require.NoError(t, err)
	require.Len(t, cp.m, 21)
	require.Equal(t, 1, cp.m[1])
	sum := 0
	for k, v := range cp.m {
		if k != k {
			sum += v
		}
	}
	require.Equal(t, 190, sum, "every NaN entry's value")
}
