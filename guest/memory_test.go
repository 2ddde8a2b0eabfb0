package guest

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestRegion(t *testing.T) {
	r := Region{Base: 0x1000, Size: 0x100}
	tests := []struct {
		name     string
		addr, n  uint64
		contains bool
	}{
		{"whole", 0x1000, 0x100, true},
		{"last byte", 0x10ff, 1, true},
		{"empty at end", 0x1100, 0, true},
		{"one past", 0x1100, 1, false},
		{"before", 0xfff, 1, false},
		{"straddles end", 0x10f0, 0x20, false},
		{"huge", 0x1000, 1 << 63, false},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.contains, r.Contains(tt.addr, tt.n), tt.name)
	}
	assert.True(t, r.Overlaps(Region{Base: 0x10ff, Size: 1}))
	assert.False(t, r.Overlaps(Region{Base: 0x1100, Size: 1}), "adjacent")
	assert.False(t, r.Overlaps(Region{Base: 0x1000}), "empty")
	assert.Equal(t, "[0x1000, 0x1100)", r.String())
	p := MemoryPlan{Rings: []Region{{0, 1}, {1, 1}}, Buffers: Region{2, 1}}
	assert.Equal(t, []Region{{0, 1}, {1, 1}, {2, 1}}, p.Regions())
}

// TestMemoryPlanWhere: a plan names the ring of a queue with the offset
// into it, a buffer, or nothing for an address outside it (the first and
// last bytes of each region count, the byte after does not).
func TestMemoryPlanWhere(t *testing.T) {
	p := MemoryPlan{Rings: []Region{{Base: 0x1000, Size: 0x100}, {Base: 0x2000, Size: 0x100}}, Buffers: Region{Base: 0x8000, Size: 0x1000}}
	const who = "guest vcpu0's driver (VF 1)"
	for _, tc := range []struct {
		addr uint64
		want string
	}{
		{0x1000, "the ring memory of queue 0 of guest vcpu0's driver (VF 1), offset 0x0"},
		{0x20ff, "the ring memory of queue 1 of guest vcpu0's driver (VF 1), offset 0xff"},
		{0x2100, ""},
		{0x8000, "a buffer of guest vcpu0's driver (VF 1)"},
		{0x8fff, "a buffer of guest vcpu0's driver (VF 1)"},
		{0x9000, ""},
		{0, ""},
	} {
		assert.Equal(t, tc.want, p.Where(tc.addr, who), "%#x", tc.addr)
	}
}
