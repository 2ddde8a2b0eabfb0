package guest_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/pcie"
)

// capBus is a configuration space with a capability list, and a
// device_status that reads 0 only after resetAfter polls.
type capBus struct {
	cfg        map[uint16]uint32
	status     uint8
	resetAfter int
	polls      int
	slept      uint64
}

func (b *capBus) CfgRead(off uint16, n int) uint32 { return b.cfg[off] & (1<<(8*n) - 1) }
func (b *capBus) CfgWrite(uint16, int, uint32)     {}
func (b *capBus) MMIORead(addr uint64, n int) []byte {
	b.polls++
	if b.polls > b.resetAfter {
		b.status = 0
	}
	return []byte{b.status}
}
func (b *capBus) MMIOWrite(uint64, []byte)   {}
func (b *capBus) WaitIRQ() (uint16, bool)    { return 0, false }
func (b *capBus) Sleep(ns uint64)            { b.slept += ns }
func (b *capBus) Memory() pcie.MemoryPort    { return nil }
func (b *capBus) BAR0() uint64               { return 0 }
func (b *capBus) commonCfg() guest.CommonCfg { return guest.CommonCfg{Bus: b} }
func header(id uint8, next uint16) uint32    { return uint32(id) | uint32(next)<<8 }

func TestFindCaps(t *testing.T) {
	tests := []struct {
		name            string
		cfg             map[uint16]uint32
		wantPCIe, wantX uint16
	}{
		{"PM, PCIe, MSI-X", map[uint16]uint32{0x34: 0x40, 0x40: header(0x01, 0x50), 0x50: header(0x10, 0x60), 0x60: header(0x11, 0)}, 0x50, 0x60},
		{"no list", map[uint16]uint32{}, 0, 0},
		{"MSI-X only, low bits of the pointers ignored", map[uint16]uint32{0x34: 0x43, 0x40: header(0x11, 0)}, 0, 0x40},
		{"a looping list ends", map[uint16]uint32{0x34: 0x40, 0x40: header(0x10, 0x40)}, 0x40, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p, x := guest.FindCaps(&capBus{cfg: tc.cfg})
			assert.Equal(t, tc.wantPCIe, p)
			assert.Equal(t, tc.wantX, x)
		})
	}
}

func TestResetDevice(t *testing.T) {
	// The polls an FLR started with the reset's write outlasts: all ones
	// for pcie.FLRDurationNs, then 0.
	const flrPolls = pcie.FLRDurationNs/1_000_000 + 1
	tests := []struct {
		name       string
		resetAfter int
		want       bool
		wantSlept  uint64
	}{
		{"reads 0 at once", 0, true, 0},
		{"reads 0 after three polls", 3, true, 3_000_000},
		// A reset written while the host FLRs the function: all ones
		// until the FLR's 100 ms are over, then 0 (Linux waits it out).
		{"reads 0 once an FLR in progress ends", int(flrPolls), true, flrPolls * 1_000_000},
		{"never reads 0", guest.ResetPolls + 10, false, guest.ResetPolls * 1_000_000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := &capBus{status: 0x0f, resetAfter: tc.resetAfter}
			assert.Equal(t, tc.want, guest.ResetDevice(b.commonCfg()))
			assert.Equal(t, tc.wantSlept, b.slept)
		})
	}
}
