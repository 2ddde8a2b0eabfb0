package owner

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// handleTLP serves a host access to the PF's configuration space or BAR0.
func (p *PF) handleTLP(fx *Effects, tlp pcie.TLP) {
	isRead := tlp.Kind == pcie.CfgRead || tlp.Kind == pcie.MemRead
	if p.flr {
		fx.note(TargetPF, "%s during FLR: dropped", tlp.Kind)
		if isRead {
			fx.ReadData = allOnes(tlp.Len)
		}
		return
	}
	switch tlp.Kind {
	case pcie.CfgRead:
		v, err := p.cs.Read(int(tlp.Addr), tlp.Len)
		if err != nil {
			fx.note(TargetPF, "config read: %v", err)
			fx.ReadData = allOnes(tlp.Len)
			return
		}
		fx.ReadData = leBytes(uint64(v), tlp.Len)
	case pcie.CfgWrite:
		p.configWrite(fx, tlp)
	case pcie.MemRead:
		fx.ReadData = p.mmioRead(fx, tlp.Addr-p.cs.BAR0(), tlp.Len)
	case pcie.MemWrite:
		p.mmioWrite(fx, tlp.Addr-p.cs.BAR0(), tlp.Data)
	default:
		fx.note(TargetPF, "%s TLP: not for the PF", tlp.Kind)
	}
}

func leBytes(v uint64, n int) []byte {
	b := make([]byte, n)
	for i := 0; i < n && i < 8; i++ {
		b[i] = byte(v >> (8 * i))
	}
	return b
}

func leValue(b []byte) uint64 {
	var v uint64
	for i := 0; i < len(b) && i < 8; i++ {
		v |= uint64(b[i]) << (8 * i)
	}
	return v
}

func (p *PF) configWrite(fx *Effects, tlp pcie.TLP) {
	before := p.NumVFs()
	eff, err := p.cs.Write(int(tlp.Addr), len(tlp.Data), uint32(leValue(tlp.Data)))
	if err != nil {
		fx.note(TargetPF, "config write: %v", err)
		return
	}
	if eff.Has(pcie.MSIXEnableChanged) {
		p.msixOn = eff.MSIXEnabled
	}
	if eff.Has(pcie.FLRInitiated) {
		p.startFLR(fx)
		return
	}
	if eff.Has(pcie.VFEnableChanged) {
		if eff.VFEnabled {
			fx.note(TargetPF, "VF Enable set: %d VFs exist (members are created on first use)", p.NumVFs())
		} else {
			p.removeVFs(fx, before, "VF Enable cleared")
		}
	}
}

func (p *PF) mmioRead(fx *Effects, off uint64, n int) []byte {
	switch {
	case off+uint64(n) <= spec.CommonCfgSize:
		img := p.tr.image()
		return append([]byte(nil), img[off:off+uint64(n)]...)
	case off == pcie.BAR0ISR:
		v := p.tr.isr
		p.tr.isr = 0
		return leBytes(uint64(v), n)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXTable+uint64(p.tr.msix.Len())*pcie.MSIXEntrySize:
		o := (off - pcie.BAR0MSIXTable) % pcie.MSIXEntrySize
		if o+uint64(n) > pcie.MSIXEntrySize {
			break
		}
		return p.tr.msix.Read(off-pcie.BAR0MSIXTable, n)
	case off == pcie.BAR0MSIXPBA:
		return p.tr.msix.ReadPBA(0, n)
	}
	if off < pcie.BAR0Size {
		return make([]byte, n)
	}
	fx.note(TargetPF, "MMIO read at BAR0+%#x: outside BAR0", off)
	return allOnes(n)
}

func (p *PF) mmioWrite(fx *Effects, off uint64, data []byte) {
	switch {
	case off+uint64(len(data)) <= spec.CommonCfgSize:
		p.commonWrite(fx, off, data)
	case off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen:
		q := uint16((off - pcie.BAR0Notify) / pcie.NotifyMultiplier)
		p.notify(fx, q)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXTable+uint64(p.tr.msix.Len())*pcie.MSIXEntrySize:
		p.msixWrite(fx, off-pcie.BAR0MSIXTable, data)
	default:
		fx.note(TargetPF, "MMIO write at BAR0+%#x (%d bytes): ignored", off, len(data))
	}
}

// msixWrite writes MSI-X table bytes. The owner driver writes a whole
// entry in one 16-byte access; the table takes aligned dwords and qwords
// (PCIe), so an access of whole dwords inside one entry is handed over in
// those. Unmasking an entry with its pending bit set sends the message.
func (p *PF) msixWrite(fx *Effects, off uint64, data []byte) {
	if off%pcie.MSIXEntrySize+uint64(len(data)) > pcie.MSIXEntrySize {
		fx.note(TargetPF, "MSI-X write across entries at +%#x: ignored", off)
		return
	}
	if off%4 != 0 || len(data)%4 != 0 {
		fx.note(TargetPF, "MSI-X write of %d bytes at +%#x: not whole dwords, ignored", len(data), off)
		return
	}
	for len(data) > 0 {
		n := 4
		if off%8 == 0 && len(data) >= 8 {
			n = 8
		}
		v, fire, err := p.tr.msix.Write(off, data[:n])
		if err != nil {
			fx.note(TargetPF, "MSI-X write at +%#x: %v", off, err)
			return
		}
		if fire {
			p.tr.msix.ClearPending(v)
			p.sendMSIX(fx, v)
		}
		off, data = off+uint64(n), data[n:]
	}
}

// sendMSIX raises vector v of the PF if MSI-X is enabled and the entry is
// unmasked; a masked entry keeps the message pending.
func (p *PF) sendMSIX(fx *Effects, v uint16) {
	if int(v) >= p.tr.msix.Len() {
		return
	}
	if !p.msixOn {
		fx.note(TargetPF, "MSI-X disabled: vector %d not sent", v)
		return
	}
	if msg, sent := p.tr.msix.Signal(p.rid, v); sent {
		fx.Interrupts = append(fx.Interrupts, msg)
	}
}
