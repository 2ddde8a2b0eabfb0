package virtq

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestRingIndexErrors checks that an index moved backwards is described as
// going back, and one moved too far forward as ahead, for the driver's
// used idx and the device's avail idx.
func TestRingIndexErrors(t *testing.T) {
	tests := []struct {
		name      string
		lastUsed  uint16
		usedIdx   uint16
		lastAvail uint16
		availIdx  uint16
		usedErr   string
		availErr  string
	}{
		{name: "back by one", lastUsed: 2, usedIdx: 1, lastAvail: 2, availIdx: 1,
			usedErr:  "virtq: used idx went back from 2 to 1: the index only moves forward",
			availErr: "virtq: avail idx went back from 2 to 1: the index only moves forward"},
		{name: "back across the wrap", lastUsed: 1, usedIdx: 65535, lastAvail: 1, availIdx: 65535,
			usedErr:  "virtq: used idx went back from 1 to 65535: the index only moves forward",
			availErr: "virtq: avail idx went back from 1 to 65535: the index only moves forward"},
		{name: "ahead by more than the size", lastUsed: 0, usedIdx: 5, lastAvail: 0, availIdx: 5,
			usedErr:  "virtq: used idx 5 is 5 ahead of last_used 0, more than queue size 4",
			availErr: "virtq: avail idx 5 is 5 ahead of last_avail 0, more than queue size 4"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mem := NewGuestMemory()
			l := NewLayout(0x10000, 4)
			drv, err := NewDriverRing(mem, rid, l)
			require.NoError(t, err)
			drv.lastUsed = tc.lastUsed
			require.NoError(t, mem.WriteMem(rid, l.usedIdxAddr(), binary.LittleEndian.AppendUint16(nil, tc.usedIdx)))
			_, err = drv.Harvest()
			require.EqualError(t, err, tc.usedErr)

			dev := DeviceRing{Layout: l, LastAvail: tc.lastAvail}
			require.NoError(t, mem.WriteMem(rid, l.availIdxAddr(), binary.LittleEndian.AppendUint16(nil, tc.availIdx)))
			_, _, err = dev.Pop(mem, rid)
			require.EqualError(t, err, tc.availErr)
		})
	}
}
