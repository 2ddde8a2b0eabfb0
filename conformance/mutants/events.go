package mutants

import (
	"encoding/binary"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// What a wrapper recognises in the events it sees, and the private events
// it sends the device it wraps.

// privateTag marks the tags of admin requests a wrapper sends on its own:
// the owner's tags are small sequence numbers.
const privateTag = uint64(1) << 48

// isAdmin reports whether ev is an admin request with opcode op of the
// device's edition (draft op for draft-2023, v14 op for virtio-1.4).
func isAdmin(c member.Config, ev member.Event, draft spec.DraftOpcode, v14 spec.Opcode) bool {
	if ev.Kind != member.EvAdmin {
		return false
	}
	if c.Edition == spec.Draft2023 {
		return draft != 0 && ev.Admin.Opcode == uint16(draft)
	}
	return v14 != 0 && ev.Admin.Opcode == uint16(v14)
}

// modeSet returns the mode a DEV_MODE_SET request asks for.
func modeSet(c member.Config, ev member.Event) (spec.Mode, bool) {
	if !isAdmin(c, ev, spec.DraftOpDevModeSet, spec.OpDevModeSet) {
		return 0, false
	}
	var b byte
	if len(ev.Admin.Data) > 0 {
		b = ev.Admin.Data[0]
	}
	if c.Edition == spec.Draft2023 {
		return spec.Mode(b), true
	}
	if b&spec.DevModeFlagStopped != 0 {
		return spec.ModeStop, true
	}
	return spec.ModeActive, true
}

// setModePrivately moves the wrapped device to mode m with an admin
// request the owner never sees (its completion is dropped); the other
// effects are returned.
func setModePrivately(c member.Config, d member.Device, tag *uint64, m spec.Mode) member.Effects {
	data := make([]byte, 8)
	op := uint16(spec.DraftOpDevModeSet)
	if c.Edition == spec.Draft2023 {
		data[0] = byte(m)
	} else {
		op = uint16(spec.OpDevModeSet)
		data = data[:1]
		if m.Quiesced() {
			data[0] = spec.DevModeFlagStopped
		}
	}
	*tag++
	fx := d.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: privateTag + *tag, Opcode: op, Data: data}})
	fx.Completions = nil
	return fx
}

// bar0Offset returns the offset of a memory TLP inside the device's BAR0.
func bar0Offset(c member.Config, ev member.Event) (uint64, bool) {
	if ev.Kind != member.EvTLP || (ev.TLP.Kind != pcie.MemWrite && ev.TLP.Kind != pcie.MemRead) {
		return 0, false
	}
	if ev.TLP.Addr < c.BAR0 || ev.TLP.Addr >= c.BAR0+pcie.BAR0Size {
		return 0, false
	}
	return ev.TLP.Addr - c.BAR0, true
}

// isDoorbell reports whether ev is a write into the notify region: a kick.
func isDoorbell(c member.Config, ev member.Event) bool {
	off, ok := bar0Offset(c, ev)
	return ok && ev.TLP.Kind == pcie.MemWrite && off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen
}

// isDeviceConfigWrite reports whether ev writes the device configuration.
func isDeviceConfigWrite(c member.Config, ev member.Event) bool {
	off, ok := bar0Offset(c, ev)
	return ok && ev.TLP.Kind == pcie.MemWrite && off >= pcie.BAR0DeviceCfg && off < pcie.BAR0DeviceCfg+pcie.BAR0DeviceCfgLen
}

// readOwn reads n bytes of the wrapped device's own BAR0 at off with a
// private memory read.
func readOwn(c member.Config, d member.Device, off uint64, n int) []byte {
	fx := d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: c.RID, Addr: c.BAR0 + off, Len: n}})
	out := make([]byte, n)
	copy(out, fx.ReadData)
	return out
}

// msixMessage builds the MSI-X message of vector v from the wrapped
// device's own table, as the device would send it.
func msixMessage(c member.Config, d member.Device, v uint16) (pcie.MSIXMessage, bool) {
	if v == member.NoVector {
		return pcie.MSIXMessage{}, false
	}
	e := readOwn(c, d, pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize, pcie.MSIXEntrySize)
	return pcie.MSIXMessage{Source: c.RID, Vector: v, Addr: binary.LittleEndian.Uint64(e), Data: binary.LittleEndian.Uint32(e[8:])}, true
}

// merge appends b's effects to a's.
func merge(a, b member.Effects) member.Effects {
	if b.ReadData != nil {
		a.ReadData = b.ReadData
	}
	a.Interrupts = append(a.Interrupts, b.Interrupts...)
	a.Completions = append(a.Completions, b.Completions...)
	a.Timers = append(a.Timers, b.Timers...)
	a.Steps = append(a.Steps, b.Steps...)
	a.Notes = append(a.Notes, b.Notes...)
	return a
}

// le16 reads a little-endian uint16 from b at off (0 when short).
func le16(b []byte, off int) uint16 {
	if len(b) < off+2 {
		return 0
	}
	return binary.LittleEndian.Uint16(b[off:])
}
