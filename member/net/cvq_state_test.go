package net

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/devctx"
)

// TestVLANTable_ListsSetIDsAscending: the table lists exactly the ids set,
// ascending, including both ends of every 64-bit word and of the id range.
func TestVLANTable_ListsSetIDsAscending(t *testing.T) {
	for _, tc := range []struct {
		name string
		set  []uint16
		want []uint16
	}{
		{"empty", nil, nil},
		{"one", []uint16{100}, []uint16{100}},
		{"word ends", []uint16{64, 63, 0, 127}, []uint16{0, 63, 64, 127}},
		{"range ends", []uint16{devctx.NetVLANMax - 1, 1}, []uint16{1, devctx.NetVLANMax - 1}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s cvqState
			for _, id := range tc.set {
				s.setVLAN(id, true)
			}
			assert.Equal(t, tc.want, s.vlanTable())
			for _, id := range tc.set {
				assert.True(t, s.hasVLAN(id), "vlan %d", id)
			}
		})
	}
}
