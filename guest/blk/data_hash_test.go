package blk

import (
	"hash/fnv"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestDataHash: dataHash is hash/fnv's FNV-64a for every length around the
// eight-byte steps, a sector and two, zeros and patterns.
func TestDataHash(t *testing.T) {
	pattern := make([]byte, 2*sectorSize)
	fillPattern(pattern, 7, 0x61)
	zeros := make([]byte, 2*sectorSize)
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil}, {"one", pattern[:1]}, {"seven", pattern[:7]}, {"eight", pattern[:8]},
		{"nine", pattern[:9]}, {"fifteen", pattern[3:18]}, {"sector", pattern[:sectorSize]},
		{"two sectors", pattern}, {"zeros", zeros}, {"zeros, odd", zeros[:sectorSize+5]},
	} {
		h := fnv.New64a()
		h.Write(tc.b)
		assert.Equal(t, h.Sum64(), dataHash(tc.b), tc.name)
	}
}
