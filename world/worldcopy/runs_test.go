package worldcopy

import (
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestWordRuns: a type's byte runs of up to four whole words at word
// offsets copy a word at a time, the others (longer, or of a part of a
// word) by memmove; either way the copy holds the original's bytes.
func TestWordRuns(t *testing.T) {
	type words struct {
		a, b int64 // two words
		p    *int  // a pointer between runs
		c, d int32 // a word
		e    byte  // a part of a word
		f    int64 // a word after padding
		q    *int
		g    [5]int64 // five words: longer than a word run
	}
	type narrow struct {
		a, b uint32
		p    *int
		c, d uint32
	}
	n := 3
	c := New(Config{})
	w := &words{a: 1, b: 2, p: &n, c: 3, d: 4, e: 5, f: 6, q: &n, g: [5]int64{7, 8, 9, 10, 11}}
	cp, err := Copy(c, w)
	require.NoError(t, err)
	require.Equal(t, words{a: 1, b: 2, p: cp.p, c: 3, d: 4, e: 5, f: 6, q: cp.p, g: [5]int64{7, 8, 9, 10, 11}}, *cp)
	require.Equal(t, []byteRun{{off: 0, n: 16, words: 2}, {off: 24, n: 9}, {off: 40, n: 8, words: 1}, {off: 56, n: 40}},
		c.info(reflect.TypeFor[words]()).runs)
	nw := &narrow{a: 1, b: 2, p: &n, c: 3, d: 4}
	ncp, err := Copy(c, nw)
	require.NoError(t, err)
	require.Equal(t, narrow{a: 1, b: 2, p: ncp.p, c: 3, d: 4}, *ncp)
	require.Equal(t, []byteRun{{off: 0, n: 8, words: 1}, {off: 16, n: 8, words: 1}}, c.info(reflect.TypeFor[narrow]()).runs)
}
