package member

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// maxMMIO bounds the size of one BAR access.
const maxMMIO = 64

// tlp routes a TLP: configuration TLPs to config space, memory TLPs inside
// BAR0 to the BAR0 regions.
func (d *Core) tlp(t pcie.TLP, fx *Effects) {
	switch t.Kind {
	case pcie.CfgRead, pcie.CfgWrite:
		d.cfgTLP(t, fx)
	case pcie.MemRead, pcie.MemWrite:
		d.memTLP(t, fx)
	default:
		fx.note("%s TLP ignored", t.Kind)
	}
}

// memTLP serves an MMIO access to BAR0. During an FLR memory requests are
// dropped (a read completes with all ones).
func (d *Core) memTLP(t pcie.TLP, fx *Effects) {
	n := t.Len
	if t.Kind == pcie.MemWrite {
		n = len(t.Data)
	}
	if n <= 0 || n > maxMMIO {
		fx.note("%s of %d bytes at %#x: size must be 1..%d", t.Kind, n, t.Addr, maxMMIO)
		if t.Kind == pcie.MemRead {
			fx.ReadData = make([]byte, max(0, min(n, maxMMIO)))
		}
		return
	}
	bar0 := d.cfg.BAR0
	if t.Addr < bar0 || t.Addr-bar0 >= pcie.BAR0Size || t.Addr-bar0+uint64(n) > pcie.BAR0Size {
		fx.note("%s at %#x outside BAR0 [%#x, %#x)", t.Kind, t.Addr, bar0, bar0+pcie.BAR0Size)
		if t.Kind == pcie.MemRead {
			fx.ReadData = allOnes(n)
		}
		return
	}
	off := t.Addr - bar0
	if d.flrPending {
		fx.note("%s at BAR0+%#x dropped: FLR in progress", t.Kind, off)
		if t.Kind == pcie.MemRead {
			fx.ReadData = allOnes(n)
		}
		return
	}
	// The virtio registers handle accesses in order: register work an
	// earlier write started (a FEATURES_OK validation, a queue enable) is
	// finished before a common-configuration access or a doorbell is served
	// (pending_work.go). The MSI-X table, PBA, ISR and device configuration
	// do not wait for it.
	if d.st.hasPendingWork() && (off < spec.CommonCfgSize || off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen) {
		d.finishWork(fx)
	}
	if t.Kind == pcie.MemRead {
		fx.ReadData = d.barRead(off, n, fx)
		return
	}
	d.barWrite(off, t.Data, fx)
}

// barRead reads n bytes at BAR0 offset off.
func (d *Core) barRead(off uint64, n int, fx *Effects) []byte {
	switch {
	case off < spec.CommonCfgSize:
		img := d.commonImage()
		return window(img[:], off, n)
	case off == pcie.BAR0ISR:
		v := d.st.isr
		d.st.isr = 0
		out := make([]byte, n)
		out[0] = v
		return out
	case off >= pcie.BAR0DeviceCfg && off < pcie.BAR0DeviceCfg+pcie.BAR0DeviceCfgLen:
		return window(d.st.backend().ReadConfig(), off-pcie.BAR0DeviceCfg, n)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXPBA:
		return d.msix.Read(off-pcie.BAR0MSIXTable, n)
	case off >= pcie.BAR0MSIXPBA && off < pcie.BAR0Size:
		return d.msix.ReadPBA(off-pcie.BAR0MSIXPBA, n)
	}
	fx.note("read of %d bytes at BAR0+%#x: no register", n, off)
	return make([]byte, n)
}

// barWrite writes data at BAR0 offset off.
func (d *Core) barWrite(off uint64, data []byte, fx *Effects) {
	switch {
	case off < spec.CommonCfgSize:
		d.commonWrite(uint32(off), data, fx)
	case off == pcie.BAR0ISR:
		fx.note("write to ISR ignored (read-only)")
	case off >= pcie.BAR0DeviceCfg && off < pcie.BAR0DeviceCfg+pcie.BAR0DeviceCfgLen:
		d.deviceCfgWrite(off-pcie.BAR0DeviceCfg, data, fx)
	case off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen:
		d.notify(off-pcie.BAR0Notify, data, fx)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXPBA:
		d.msixWrite(off-pcie.BAR0MSIXTable, data, fx)
	default:
		fx.note("write of %d bytes at BAR0+%#x: no writable register", len(data), off)
	}
}

// msixWrite writes MSI-X table bytes. Unmasking an entry with its pending
// bit set sends the message, unless the device is quiesced (a pending
// message is an interrupt, held like any other) or MSI-X is disabled or
// the function masked (it waits for the Message Control write that
// allows it: msixControlWritten).
func (d *Core) msixWrite(off uint64, data []byte, fx *Effects) {
	v, fire, err := d.msix.Write(off, data)
	if err != nil {
		fx.note("MSI-X table write of %d bytes at %#x ignored", len(data), off)
		return
	}
	if !fire || d.quiesced() {
		return // while quiesced the message waits for deliverHeld
	}
	if !d.msixMayFire() {
		fx.note("MSI-X vector %d unmasked with its pending bit set: kept pending (MSI-X disabled or function masked)", v)
		return
	}
	d.sendPending(v, fx)
}

// window returns n bytes of b from off, zero past its end.
func window(b []byte, off uint64, n int) []byte {
	out := make([]byte, n)
	if off < uint64(len(b)) {
		copy(out, b[off:])
	}
	return out
}

// allOnes returns n bytes of 0xff: what a read that no function completes
// returns.
func allOnes(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = 0xff
	}
	return out
}

// le returns the n low bytes of v, little-endian.
func le(v uint64, n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = byte(v >> (8 * i))
	}
	return out
}

// leValue reads up to 8 little-endian bytes.
func leValue(b []byte) uint64 {
	var v uint64
	for i := len(b) - 1; i >= 0; i-- {
		if i < 8 {
			v = v<<8 | uint64(b[i])
		}
	}
	return v
}
