package member

import (
	"encoding/binary"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// maxMMIO bounds the size of one BAR access.
const maxMMIO = 64

// tlp routes a TLP: configuration TLPs to config space, memory TLPs inside
// BAR0 to the BAR0 regions.
func (b *Blk) tlp(t pcie.TLP, fx *Effects) {
	switch t.Kind {
	case pcie.CfgRead, pcie.CfgWrite:
		b.cfgTLP(t, fx)
	case pcie.MemRead, pcie.MemWrite:
		b.memTLP(t, fx)
	default:
		fx.note("%s TLP ignored", t.Kind)
	}
}

// memTLP serves an MMIO access to BAR0. During an FLR memory requests are
// dropped (a read completes with all ones).
func (b *Blk) memTLP(t pcie.TLP, fx *Effects) {
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
	if t.Addr < b.cfg.BAR0 || t.Addr-b.cfg.BAR0 >= pcie.BAR0Size || t.Addr-b.cfg.BAR0+uint64(n) > pcie.BAR0Size {
		fx.note("%s at %#x outside BAR0 [%#x, %#x)", t.Kind, t.Addr, b.cfg.BAR0, b.cfg.BAR0+pcie.BAR0Size)
		if t.Kind == pcie.MemRead {
			fx.ReadData = allOnes(n)
		}
		return
	}
	off := t.Addr - b.cfg.BAR0
	if b.flrPending {
		fx.note("%s at BAR0+%#x dropped: FLR in progress", t.Kind, off)
		if t.Kind == pcie.MemRead {
			fx.ReadData = allOnes(n)
		}
		return
	}
	if t.Kind == pcie.MemRead {
		fx.ReadData = b.barRead(off, n, fx)
		return
	}
	b.barWrite(off, t.Data, fx)
}

func allOnes(n int) []byte {
	out := make([]byte, n)
	for i := range out {
		out[i] = 0xff
	}
	return out
}

// barRead reads n bytes at BAR0 offset off.
func (b *Blk) barRead(off uint64, n int, fx *Effects) []byte {
	switch {
	case off < spec.CommonCfgSize:
		img := b.commonImage()
		return window(img[:], off, n)
	case off == pcie.BAR0ISR:
		v := b.st.isr
		b.st.isr = 0
		out := make([]byte, n)
		out[0] = v
		return out
	case off >= pcie.BAR0DeviceCfg && off < pcie.BAR0DeviceCfg+pcie.BAR0DeviceCfgLen:
		cfg := b.deviceCfg()
		return window(cfg, off-pcie.BAR0DeviceCfg, n)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXPBA:
		return b.msixRead(off-pcie.BAR0MSIXTable, n)
	case off >= pcie.BAR0MSIXPBA && off < pcie.BAR0Size:
		return window(b.pba(), off-pcie.BAR0MSIXPBA, n)
	}
	fx.note("read of %d bytes at BAR0+%#x: no register", n, off)
	return make([]byte, n)
}

// window returns n bytes of b from off, zero past its end.
func window(b []byte, off uint64, n int) []byte {
	out := make([]byte, n)
	if off < uint64(len(b)) {
		copy(out, b[off:])
	}
	return out
}

// barWrite writes data at BAR0 offset off.
func (b *Blk) barWrite(off uint64, data []byte, fx *Effects) {
	switch {
	case off < spec.CommonCfgSize:
		b.commonWrite(uint32(off), data, fx)
	case off == pcie.BAR0ISR:
		fx.note("write to ISR ignored (read-only)")
	case off >= pcie.BAR0DeviceCfg && off < pcie.BAR0DeviceCfg+pcie.BAR0DeviceCfgLen:
		b.deviceCfgWrite(off-pcie.BAR0DeviceCfg, data, fx)
	case off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen:
		b.notify(off-pcie.BAR0Notify, data, fx)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXPBA:
		b.msixWrite(off-pcie.BAR0MSIXTable, data, fx)
	default:
		fx.note("write of %d bytes at BAR0+%#x: no writable register", len(data), off)
	}
}

// Offsets in virtio_blk_config.
const (
	blkCfgCapacity  = 0
	blkCfgSizeMax   = 8
	blkCfgSegMax    = 12
	blkCfgBlkSize   = 20
	blkCfgWriteback = 32
	blkCfgNumQueues = 34
	// blkSizeMax is size_max, the largest segment in bytes.
	blkSizeMax = 1 << 16
)

// deviceCfg returns virtio_blk_config as the driver reads it.
func (b *Blk) deviceCfg() []byte {
	c := make([]byte, blkCfgLen)
	binary.LittleEndian.PutUint64(c[blkCfgCapacity:], b.st.capacity)
	binary.LittleEndian.PutUint32(c[blkCfgSizeMax:], blkSizeMax)
	binary.LittleEndian.PutUint32(c[blkCfgSegMax:], uint32(max(int(b.cfg.QueueSizeMax)-2, 1)))
	binary.LittleEndian.PutUint32(c[blkCfgBlkSize:], SectorSize)
	c[blkCfgWriteback] = b.st.writeback
	binary.LittleEndian.PutUint16(c[blkCfgNumQueues:], b.cfg.NumQueues)
	return c
}

// deviceCfgWrite handles a driver write to device configuration: only
// writeback is writable, and only with VIRTIO_BLK_F_CONFIG_WCE negotiated.
// In Stop/stopped it applies or is ignored per stop-config-write; in Freeze
// it is ignored.
func (b *Blk) deviceCfgWrite(off uint64, data []byte, fx *Effects) {
	if off != blkCfgWriteback || len(data) != 1 {
		fx.note("device config write of %d bytes at %#x ignored (read-only)", len(data), off)
		return
	}
	if b.st.drvFeatures&spec.FeatureBlkConfigWCE.Mask() == 0 {
		fx.note("writeback write ignored: VIRTIO_BLK_F_CONFIG_WCE not negotiated")
		return
	}
	switch {
	case b.mode == spec.ModeFreeze:
		fx.note("writeback write ignored in Freeze")
		return
	case b.mode == spec.ModeStop && b.cfg.Rules.StopConfigWrite == spec.StopConfigIgnore:
		fx.note("writeback write ignored in %s (stop-config-write=ignore)", b.cfg.Edition.ModeName(b.mode))
		return
	}
	b.st.writeback = data[0] & 1
}
