package world

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/addrmap"
)

// TestRegLabel pins the labels of a guest's BAR0 accesses, which schedule
// files record: every register class, the fallback for an offset no
// register holds, and a write of no bytes, which keeps its "=".
func TestRegLabel(t *testing.T) {
	g := &guestActor{vf: 2}
	g.name = "vcpu1"
	base := addrmap.GuestBAR0(2)
	cases := []struct {
		off   uint64
		data  []byte
		write bool
		want  string
	}{
		{0x14, nil, false, "vcpu1:mmio-read device_status"},
		{0x20, []byte{0x00, 0x10, 0x00, 0x00}, true, "vcpu1:mmio-write queue_desc_lo=00100000"},
		{pcie.BAR0ISR, nil, false, "vcpu1:mmio-read isr"},
		{pcie.BAR0DeviceCfg + 32, []byte{1}, true, "vcpu1:mmio-write devcfg+32=01"},
		{pcie.BAR0Notify + 4, []byte{0, 0}, true, "vcpu1:mmio-write notify+4=0000"},
		{pcie.BAR0MSIXTable + 2*pcie.MSIXEntrySize + 8, nil, false, "vcpu1:mmio-read msix[2]"},
		{0x80, nil, false, "vcpu1:mmio-read bar0+0x80"},
		{0x14, []byte{}, true, "vcpu1:mmio-write device_status="},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, g.regLabel(map[bool]string{false: ":mmio-read ", true: ":mmio-write "}[c.write], base+c.off, c.data, c.write))
	}
}

// TestCfgLabel pins the labels of a guest's configuration accesses, which
// schedule files record.
func TestCfgLabel(t *testing.T) {
	g := &guestActor{}
	g.name = "vcpu0"
	for _, c := range []struct {
		verb string
		off  uint16
		sep  string
		val  uint64
		base int
		want string
	}{
		{":cfg-read 0x", 0x4, "/", 2, 10, "vcpu0:cfg-read 0x4/2"},
		{":cfg-read 0x", 0x100, "/", 4, 10, "vcpu0:cfg-read 0x100/4"},
		{":cfg-write 0x", 0x48, "=0x", 0x8000, 16, "vcpu0:cfg-write 0x48=0x8000"},
		{":cfg-write 0x", 0x4, "=0x", 0, 16, "vcpu0:cfg-write 0x4=0x0"},
		{":cfg-write 0x", 0xffc, "=0x", 0xffffffff, 16, "vcpu0:cfg-write 0xffc=0xffffffff"},
	} {
		assert.Equal(t, c.want, g.cfgLabel(c.verb, c.off, c.sep, c.val, c.base))
	}
}
