package mutants

import (
	"encoding/binary"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// queueSnoop follows the driver's writes to the common configuration to
// know where each queue's rings are, as a device's DMA engine would be
// programmed.
type queueSnoop struct {
	sel    uint16
	desc   map[uint16]uint64
	driver map[uint16]uint64
	device map[uint16]uint64
	size   map[uint16]uint16
}

// observe takes one event; only common-configuration writes matter.
func (s *queueSnoop) observe(c member.Config, ev member.Event) {
	off, ok := bar0Offset(c, ev)
	if !ok || ev.TLP.Kind != pcie.MemWrite || off >= spec.CommonCfgSize {
		return
	}
	if s.driver == nil {
		s.desc, s.driver, s.device, s.size = map[uint16]uint64{}, map[uint16]uint64{}, map[uint16]uint64{}, map[uint16]uint16{}
	}
	data := ev.TLP.Data
	var v uint64
	for i := len(data) - 1; i >= 0; i-- {
		v = v<<8 | uint64(data[i])
	}
	set := func(m map[uint16]uint64, hi bool) {
		if hi {
			m[s.sel] = m[s.sel]&0xffffffff | v<<32
		} else {
			m[s.sel] = m[s.sel]&^0xffffffff | v&0xffffffff
		}
	}
	switch spec.CommonCfgField(off) {
	case spec.CfgQueueSelect:
		s.sel = uint16(v)
	case spec.CfgQueueSize:
		s.size[s.sel] = uint16(v)
	case spec.CfgQueueDescLo:
		set(s.desc, false)
	case spec.CfgQueueDescHi:
		set(s.desc, true)
	case spec.CfgQueueDriverLo:
		set(s.driver, false)
	case spec.CfgQueueDriverHi:
		set(s.driver, true)
	case spec.CfgQueueDeviceLo:
		set(s.device, false)
	case spec.CfgQueueDeviceHi:
		set(s.device, true)
	}
}

// learnRestore takes the queue addresses a restore gave the device: a
// DEV_PARTS_SET's VQ_CFG parts (virtio-1.4) or a DEV_CTX_WRITE's PCI_VQ_CFG
// field (draft-2023) that the device answered OK in fx. A destination's
// driver writes no queue address to the common configuration, yet the
// device holds one from then on, as a real device would.
func (s *queueSnoop) learnRestore(ev member.Event, fx member.Effects) {
	if ev.Kind != member.EvAdmin || !completedOK(fx, ev.Admin.Tag) {
		return
	}
	learn := func(q, size uint16, desc, driver, device uint64) {
		if s.driver == nil {
			s.desc, s.driver, s.device, s.size = map[uint16]uint64{}, map[uint16]uint64{}, map[uint16]uint64{}, map[uint16]uint16{}
		}
		s.size[q], s.desc[q], s.driver[q], s.device[q] = size, desc, driver, device
	}
	data := ev.Admin.Data
	switch ev.Admin.Opcode {
	case uint16(spec.OpDevPartsSet):
		if len(data) < spec.ResourceObjCmdHeaderSize {
			return
		}
		ps, err := devctx.DecodeParts(data[spec.ResourceObjCmdHeaderSize:], devctx.DecodeOptions{})
		if err != nil {
			return
		}
		for _, p := range ps.List {
			if p.Type != spec.PartVQCfg {
				continue
			}
			if v, err := devctx.DecodeVQCfg(p.Value); err == nil {
				learn(p.VQIndex(), v.QueueSize, v.Desc, v.Driver, v.Device)
			}
		}
	case uint16(spec.DraftOpDevCtxWrite):
		ctx, err := devctx.DecodeDraftContext(data)
		if err != nil {
			return
		}
		for _, f := range ctx.Fields {
			if f.Type != spec.FieldPCIVQCfg {
				continue
			}
			if l, err := devctx.DecodeVQCfgList(f.Value); err == nil {
				for _, q := range l.Queues {
					learn(q.Index, q.Size, q.Desc, q.Driver, q.Device)
				}
			}
		}
	}
}

// completedOK reports whether fx completes the admin command tag with
// status OK.
func completedOK(fx member.Effects, tag uint64) bool {
	for _, c := range fx.Completions {
		if c.Tag == tag {
			return c.Status == spec.StatusOK
		}
	}
	return false
}

// duplicateLastUsed writes the last used element of a split ring again
// and bumps used idx: the device reports a request it already completed
// once more. used is the used ring's address, size the queue size.
func duplicateLastUsed(c member.Config, used uint64, size uint16) {
	if used == 0 || size == 0 {
		return
	}
	var idx [2]byte
	if c.Mem.ReadMem(c.RID, used+2, idx[:]) != nil {
		return
	}
	u := binary.LittleEndian.Uint16(idx[:])
	if u == 0 {
		return
	}
	elem := func(i uint16) uint64 { return used + 4 + uint64(i%size)*8 }
	var e [8]byte
	if c.Mem.ReadMem(c.RID, elem(u-1), e[:]) != nil {
		return
	}
	if c.Mem.WriteMem(c.RID, elem(u), e[:]) != nil {
		return
	}
	binary.LittleEndian.PutUint16(idx[:], u+1)
	_ = c.Mem.WriteMem(c.RID, used+2, idx[:])
}
