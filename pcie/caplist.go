package pcie

import (
	"encoding/binary"

	"github.com/migsim/migsim/spec"
)

// Helpers to fill a layout: power-on values, write masks and
// write-1-to-clear masks.

func (l *layout) set8(o int, v uint8)   { l.init[o] = v }
func (l *layout) set16(o int, v uint16) { binary.LittleEndian.PutUint16(l.init[o:], v) }
func (l *layout) set32(o int, v uint32) { binary.LittleEndian.PutUint32(l.init[o:], v) }

func (l *layout) mask8(o int, m uint8)   { l.wmask[o] = m }
func (l *layout) mask16(o int, m uint16) { binary.LittleEndian.PutUint16(l.wmask[o:], m) }
func (l *layout) mask32(o int, m uint32) { binary.LittleEndian.PutUint32(l.wmask[o:], m) }

func (l *layout) w1c16(o int, m uint16) { binary.LittleEndian.PutUint16(l.w1c[o:], m) }

// capBuilder lays out the capability list from 0x40 and the extended
// capabilities from 0x100, linking each new capability to the previous one.
type capBuilder struct {
	l        *layout
	next     int // where the next capability goes
	lastNext int // offset of the previous capability's next pointer, 0 if none
	extNext  int
	lastExt  int // offset of the previous extended capability header, 0 if none
}

func newCapBuilder(l *layout) *capBuilder {
	return &capBuilder{l: l, next: 0x40, extNext: 0x100}
}

// add places a capability of the given ID and size and returns its offset.
// Sizes are fixed by the options migsim accepts, so the list always fits in
// the 192 bytes from 0x40 to 0x100.
func (b *capBuilder) add(id uint8, size int) int {
	o := (b.next + 3) &^ 3
	b.l.set8(o, id)
	if b.lastNext == 0 {
		b.l.set8(RegCapPtr, uint8(o))
		st := binary.LittleEndian.Uint16(b.l.init[RegStatus:])
		b.l.set16(RegStatus, st|StatusCapList)
	} else {
		b.l.set8(b.lastNext, uint8(o))
	}
	b.lastNext = o + 1
	b.next = o + size
	return o
}

// addExt places an extended capability (version 1) and returns its offset.
func (b *capBuilder) addExt(id uint16, size int) int {
	o := (b.extNext + 3) &^ 3
	b.l.set32(o, uint32(id)|1<<16)
	if b.lastExt != 0 {
		h := binary.LittleEndian.Uint32(b.l.init[b.lastExt:])
		b.l.set32(b.lastExt, h&0x000FFFFF|uint32(o)<<20)
	}
	b.lastExt = o
	b.extNext = o + size
	return o
}

// addPM adds the Power Management capability: D0 and D3hot, No_Soft_Reset,
// PME_En (RW) and PME_Status (RW1C).
func (b *capBuilder) addPM() {
	o := b.add(CapIDPM, pmCapSize)
	b.l.pm = o
	b.l.set16(o+PMCapReg, pmcValue)
	b.l.set16(o+PMCtrlStatus, PMCSRNoSoftReset)
	b.l.mask16(o+PMCtrlStatus, PMCSRPowerStateMask|PMCSRPMEEnable)
	b.l.w1c16(o+PMCtrlStatus, PMCSRPMEStatus)
}

// addPCIe adds the PCI Express capability of an endpoint with FLR.
func (b *capBuilder) addPCIe(vf bool) {
	o := b.add(CapIDPCIe, pcieCapSize)
	b.l.pcie = o
	b.l.set16(o+PCIeCapReg, 0x0002) // version 2, PCI Express Endpoint
	b.l.set32(o+PCIeDevCap, DevCapFLR|DevCapRoleBasedErr)
	// Device Control: error reporting enables, relaxed ordering, max payload,
	// extended tag, no snoop and max read request are writable; Initiate FLR
	// (bit 15) is not stored, so it reads 0.
	b.l.set16(o+PCIeDevCtl, 0x2810)
	b.l.mask16(o+PCIeDevCtl, 0x79FF)
	b.l.w1c16(o+PCIeDevSta, 0x000F) // error detected bits
	if !vf {
		// 2.5 GT/s, x1. A VF's link registers are reserved (zero).
		b.l.set32(o+PCIeLinkCap, 0x0011)
		b.l.set16(o+PCIeLinkSta, 0x0011)
	}
}

// addMSIX adds the MSI-X capability with its table and PBA in BAR0.
func (b *capBuilder) addMSIX(vectors int) {
	o := b.add(CapIDMSIX, msixCapSize)
	b.l.msix = o
	b.l.set16(o+MSIXMsgCtl, uint16(vectors-1))
	b.l.mask16(o+MSIXMsgCtl, MSIXCtlEnable|MSIXCtlFunctionMask)
	b.l.set32(o+MSIXTableReg, BAR0MSIXTable) // BIR 0
	b.l.set32(o+MSIXPBAReg, BAR0MSIXPBA)     // BIR 0
}

// addVirtio adds the four virtio PCI vendor capabilities pointing into BAR0.
func (b *capBuilder) addVirtio(deviceCfgLen uint32) {
	caps := []struct {
		typ         spec.VirtioPCICapType
		off, length uint32
	}{
		{spec.VirtioPCICapCommonCfg, BAR0CommonCfg, spec.CommonCfgSize},
		{spec.VirtioPCICapNotifyCfg, BAR0Notify, BAR0NotifyLen},
		{spec.VirtioPCICapISRCfg, BAR0ISR, 1},
		{spec.VirtioPCICapDeviceCfg, BAR0DeviceCfg, deviceCfgLen},
	}
	for _, c := range caps {
		size := virtioCapSize
		if c.typ == spec.VirtioPCICapNotifyCfg {
			size = virtioNotifyCapSize
		}
		o := b.add(CapIDVendor, size)
		b.l.set8(o+VirtioCapLen, uint8(size))
		b.l.set8(o+VirtioCapCfgType, uint8(c.typ))
		b.l.set8(o+VirtioCapBAR, 0)
		b.l.set32(o+VirtioCapOffset, c.off)
		b.l.set32(o+VirtioCapLength, c.length)
		if c.typ == spec.VirtioPCICapNotifyCfg {
			b.l.set32(o+VirtioCapNotifyMult, NotifyMultiplier)
		}
	}
}
