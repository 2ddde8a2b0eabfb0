package blk

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestFillPattern: byte j of sector s holds pattern ^ low byte of s ^ low
// byte of j, whatever the sector, the pattern and the count.
func TestFillPattern(t *testing.T) {
	for _, tc := range []struct {
		sector  uint64
		count   int
		pattern byte
	}{{0, 1, 0}, {0, 2, 0xa1}, {7, 3, 0x61}, {255, 2, 0xff}, {1 << 40, 1, 0x5a}} {
		b := make([]byte, tc.count*sectorSize)
		fillPattern(b, tc.sector, tc.pattern)
		for i := range b {
			s := tc.sector + uint64(i/sectorSize)
			want := tc.pattern ^ byte(s) ^ byte(i%sectorSize)
			if b[i] != want {
				t.Fatalf("sector %d pattern %#x: byte %d is %#x, want %#x", tc.sector, tc.pattern, i, b[i], want)
			}
		}
	}
}

// TestHoldsExpected: a sector matches what the guest last wrote there, or
// zeros where it never wrote; one wrong byte anywhere in it does not.
func TestHoldsExpected(t *testing.T) {
	g := &Driver{shadow: map[uint64]byte{4: 0xa1, 5: 0x00}}
	good := make([]byte, 3*sectorSize) // sectors 4, 5 (written) and 6 (never)
	fillPattern(good[:2*sectorSize], 4, 0xa1)
	fillPattern(good[sectorSize:2*sectorSize], 5, 0x00)
	assert.True(t, g.holdsExpected(good, 4))
	for _, at := range []int{0, 7, 8, 511, 512, 519, 1023, 1024, 1031, 1535} {
		bad := append([]byte(nil), good...)
		bad[at] ^= 0x10
		assert.False(t, g.holdsExpected(bad, 4), "byte %d flipped", at)
	}
	assert.False(t, g.holdsExpected(good, 5), "the same bytes one sector later")
}
