package blk

import "testing"

// TestReadHash: the hash of a read, kept for the process when the read
// holds what the guest expects, is dataHash of its bytes, asked twice
// (the second from the table), for reads of sectors written with various
// patterns, partly or never written, and for bytes the guest does not
// expect.
func TestReadHash(t *testing.T) {
	for _, c := range []struct {
		name    string
		written map[uint64]byte
		sector  uint64
		count   int
		corrupt bool
	}{
		{"never written", nil, 0, 8, false},
		{"two patterns", map[uint64]byte{0: 0x11, 1: 0x11, 2: 0x11, 3: 0x11, 4: 0x22, 5: 0x22, 6: 0x22, 7: 0x22}, 0, 8, false},
		{"same sectors, other patterns", map[uint64]byte{0: 0x22, 1: 0x11, 2: 0x11, 3: 0x11, 4: 0x22, 5: 0x22, 6: 0x22, 7: 0x22}, 0, 8, false},
		{"partly written", map[uint64]byte{5: 0x33}, 4, 2, false},
		{"pattern zero", map[uint64]byte{4: 0}, 4, 2, false},
		{"past the kept size", map[uint64]byte{9: 0x44}, 0, 16, false},
		{"unexpected bytes", map[uint64]byte{0: 0x11}, 0, 1, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := &Driver{shadow: map[uint64]byte{}}
			buf := make([]byte, c.count*sectorSize)
			for i := 0; i < c.count; i++ {
				s := c.sector + uint64(i)
				if p, ok := c.written[s]; ok {
					g.shadow[s] = p
					fillPattern(buf[i*sectorSize:(i+1)*sectorSize], s, p)
				}
			}
			if c.corrupt {
				buf[3] ^= 0xff
			}
			expected := g.holdsExpected(buf, c.sector)
			if expected == c.corrupt {
				t.Fatalf("holdsExpected = %v for corrupt=%v", expected, c.corrupt)
			}
			for round := range 2 {
				if got, want := g.readHash(buf, c.sector, c.count, expected), dataHash(buf); got != want {
					t.Errorf("round %d: readHash = %#x, dataHash = %#x", round, got, want)
				}
			}
		})
	}
}
