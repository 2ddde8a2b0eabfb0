package guest

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// CommonCfg reads and writes the VF's common configuration structure
// (virtio spec, "Common configuration structure layout") through a Bus, one
// MMIO access per field, as Linux's vp_ioread*/vp_iowrite* do.
type CommonCfg struct{ Bus Bus }

func (c CommonCfg) addr(f spec.CommonCfgField) uint64 {
	return c.Bus.BAR0() + pcie.BAR0CommonCfg + uint64(f)
}

// W8 writes a one-byte field.
func (c CommonCfg) W8(f spec.CommonCfgField, v uint8) { c.Bus.MMIOWrite(c.addr(f), []byte{v}) }

// W16 writes a two-byte field.
func (c CommonCfg) W16(f spec.CommonCfgField, v uint16) {
	c.Bus.MMIOWrite(c.addr(f), binary.LittleEndian.AppendUint16(nil, v))
}

// W32 writes a four-byte field.
func (c CommonCfg) W32(f spec.CommonCfgField, v uint32) {
	c.Bus.MMIOWrite(c.addr(f), binary.LittleEndian.AppendUint32(nil, v))
}

// R8 reads a one-byte field.
func (c CommonCfg) R8(f spec.CommonCfgField) uint8 { return Pad(c.Bus.MMIORead(c.addr(f), 1), 1)[0] }

// R16 reads a two-byte field.
func (c CommonCfg) R16(f spec.CommonCfgField) uint16 {
	return binary.LittleEndian.Uint16(Pad(c.Bus.MMIORead(c.addr(f), 2), 2))
}

// R32 reads a four-byte field.
func (c CommonCfg) R32(f spec.CommonCfgField) uint32 {
	return binary.LittleEndian.Uint32(Pad(c.Bus.MMIORead(c.addr(f), 4), 4))
}

// Pad returns b, or b extended with zero bytes to n bytes when a read
// returned fewer.
func Pad(b []byte, n int) []byte {
	if len(b) >= n {
		return b
	}
	out := make([]byte, n)
	copy(out, b)
	return out
}

// Queue is a virtqueue a driver has set up: its ring in guest memory, the
// address of its doorbell and the value written to it.
type Queue struct {
	Ring        *virtq.DriverRing
	Notify      uint64
	NotifyValue uint16
}

// SetupQueue sets up device queue q on the ring memory region with MSI-X
// vector vec and enables it, in the order of Linux's vp_modern setup_vq
// (drivers/virtio/virtio_pci_modern.c): select, read the size, set the
// vector and read it back, write each ring address as two 32-bit halves
// (vp_iowrite64_twopart: low, then high — the window of a split 64-bit
// write), read the notify offset (and, with notifConfigData, the notify
// value), enable. The error names the queue and what failed.
func SetupQueue(c CommonCfg, q, vec uint16, region Region, notifConfigData bool) (Queue, error) {
	c.W16(spec.CfgQueueSelect, q)
	size := c.R16(spec.CfgQueueSize)
	if size == 0 {
		return Queue{}, fmt.Errorf("queue %d: size 0", q)
	}
	c.W16(spec.CfgQueueMSIXVector, vec)
	if c.R16(spec.CfgQueueMSIXVector) != vec {
		return Queue{}, fmt.Errorf("queue %d: vector %d not accepted", q, vec)
	}
	l := virtq.NewLayout(region.Base, size)
	if !region.Contains(region.Base, l.End()-region.Base) {
		return Queue{}, fmt.Errorf("queue %d: a ring of size %d does not fit its memory %s", q, size, region)
	}
	ring, err := virtq.NewDriverRing(c.Bus.Memory(), RID, l)
	if err != nil {
		return Queue{}, fmt.Errorf("queue %d: %w", q, err)
	}
	for _, f := range []struct {
		lo, hi spec.CommonCfgField
		addr   uint64
	}{{spec.CfgQueueDescLo, spec.CfgQueueDescHi, l.Desc}, {spec.CfgQueueDriverLo, spec.CfgQueueDriverHi, l.Avail}, {spec.CfgQueueDeviceLo, spec.CfgQueueDeviceHi, l.Used}} {
		c.W32(f.lo, uint32(f.addr))
		c.W32(f.hi, uint32(f.addr>>32))
	}
	off := c.R16(spec.CfgQueueNotifyOff)
	out := Queue{Ring: ring, Notify: c.Bus.BAR0() + pcie.BAR0Notify + uint64(off)*pcie.NotifyMultiplier, NotifyValue: q}
	if notifConfigData {
		out.NotifyValue = c.R16(spec.CfgQueueNotifConfigData)
	}
	c.W16(spec.CfgQueueEnable, 1)
	return out, nil
}
