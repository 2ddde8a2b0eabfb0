package mutants

import (
	"encoding/binary"

	"github.com/migsim/migsim/member"
	memberblk "github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Devices that fail the guest in every run, with or without migration:
// the guest's log is the same in both, so the transparent oracle sees
// nothing, but the guest gave up on a command or hung on its device
// (the gave-up oracle, docs/oracles.md).

var failsFlush = Mutant{
	Name:     "fails-flush",
	Doc:      "virtio-blk: completes every VIRTIO_BLK_T_FLUSH with VIRTIO_BLK_S_IOERR although it offers VIRTIO_BLK_F_FLUSH, in every run",
	Editions: bothEditions,
	Build: func(c member.Config, inner member.Factory) member.Device {
		ic := c
		ic.Mem = &flushPort{port: c.Mem}
		return inner(ic)
	},
}

// flushPort is the memory port of a device that fails flushes. It
// follows the device's DMA: a descriptor of 16 device-readable bytes
// (struct virtio_blk_outhdr) and the 1-byte device-writable descriptor
// read after it (the status byte), a read of that header whose type is
// VIRTIO_BLK_T_FLUSH, then the write of that status byte, which it turns
// into VIRTIO_BLK_S_IOERR. Around any other device it changes nothing
// that device writes (no header reads as a flush).
type flushPort struct {
	port pcie.MemoryPort
	// hdr is the header address of the chain whose descriptors are being
	// read; status maps a header address to its chain's status byte, and
	// failing lists the status bytes of flushes not yet completed.
	hdr     uint64
	status  map[uint64]uint64
	failing map[uint64]bool
}

func (p *flushPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if err := p.port.ReadMem(rid, addr, buf); err != nil {
		return err
	}
	if len(buf) != virtq.DescSize {
		return nil
	}
	n, flags := binary.LittleEndian.Uint32(buf[8:]), binary.LittleEndian.Uint16(buf[12:])
	switch {
	case p.status != nil && p.status[addr] != 0 && binary.LittleEndian.Uint32(buf) == memberblk.TypeFlush:
		if p.failing == nil {
			p.failing = map[uint64]bool{}
		}
		p.failing[p.status[addr]] = true
	case n == memberblk.HeaderSize && flags&virtq.DescFWrite == 0:
		p.hdr = binary.LittleEndian.Uint64(buf)
	case n == 1 && flags&virtq.DescFWrite != 0 && p.hdr != 0:
		if p.status == nil {
			p.status = map[uint64]uint64{}
		}
		p.status[p.hdr], p.hdr = binary.LittleEndian.Uint64(buf), 0
	}
	return nil
}

func (p *flushPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if len(data) == 1 && p.failing[addr] {
		delete(p.failing, addr)
		return p.port.WriteMem(rid, addr, []byte{memberblk.StatusIOErr})
	}
	return p.port.WriteMem(rid, addr, data)
}

var dropsInterrupts = Mutant{
	Name:     "drops-interrupts",
	Doc:      "completes every request but never sends an MSI-X message: the guest waits for an interrupt that never comes, in every run",
	Editions: bothEditions,
	Wrap: func(_ member.Config, d member.Device) member.Device {
		return &noInterrupts{Device: d}
	},
}

// noInterrupts drops the MSI-X messages of every event's effects.
type noInterrupts struct{ member.Device }

func (d *noInterrupts) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	fx.Interrupts = nil
	return fx
}

var naksMACTable = Mutant{
	Name:     "naks-mac-table",
	Doc:      "virtio-net: applies VIRTIO_NET_CTRL_MAC_TABLE_SET but acks it with VIRTIO_NET_ERR, in every run",
	Editions: bothEditions,
	Device:   DeviceNet,
	Build: func(c member.Config, inner member.Factory) member.Device {
		ic := c
		ic.Mem = &nakPort{port: c.Mem}
		return inner(ic)
	},
}

// nakPort is the memory port of a device that acks MAC_TABLE_SET with an
// error. It follows the device's DMA: the last driver-readable descriptor
// of 2 bytes (a control command's header, struct virtio_net_ctrl_hdr), a
// read of that header naming MAC_TABLE_SET, then the command's 1-byte
// ack, which it turns into VIRTIO_NET_ERR.
type nakPort struct {
	port    pcie.MemoryPort
	hdr     uint64
	pending bool
}

func (p *nakPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if err := p.port.ReadMem(rid, addr, buf); err != nil {
		return err
	}
	switch {
	case len(buf) == virtq.DescSize:
		if binary.LittleEndian.Uint32(buf[8:]) == 2 && binary.LittleEndian.Uint16(buf[12:])&virtq.DescFWrite == 0 {
			p.hdr = binary.LittleEndian.Uint64(buf)
		}
	case len(buf) == 2 && addr == p.hdr:
		p.pending = buf[0] == byte(spec.NetMACTableSet.Class) && buf[1] == spec.NetMACTableSet.Command
	}
	return nil
}

func (p *nakPort) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if p.pending && len(data) == 1 {
		p.pending = false
		return p.port.WriteMem(rid, addr, []byte{spec.NetAckErr})
	}
	return p.port.WriteMem(rid, addr, data)
}
