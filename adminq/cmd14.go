package adminq

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// This file holds the virtio-1.4 command structures outside device parts:
// the legacy interface, capabilities and DEV_MODE_SET (virtio spec,
// Administration Virtqueues: "Legacy Interfaces", "Device capabilities";
// Device parts: "Device Mode Set"). Resource objects and device parts are
// in parts14.go.

// LegacyCfgWrite is the data of LEGACY_COMMON_CFG_WRITE and
// LEGACY_DEV_CFG_WRITE: {u8 offset; u8 reserved[7]; u8 registers[]}.
type LegacyCfgWrite struct {
	Offset    uint8
	Reserved  [7]byte
	Registers []byte
}

func decodeLegacyCfgWrite(b []byte) Payload {
	p := LegacyCfgWrite{Offset: u8At(b, 0), Registers: rest(b, 8)}
	copy(p.Reserved[:], at(b, 1, 7))
	return p
}

// Encode returns the 8-byte head and the register bytes.
func (p LegacyCfgWrite) Encode() []byte {
	b := append([]byte{p.Offset}, p.Reserved[:]...)
	return append(b, p.Registers...)
}

// Fields lists offset, reserved (if non-zero) and the register bytes.
func (p LegacyCfgWrite) Fields() []Field {
	f := []Field{{"offset", dec(uint64(p.Offset))}}
	f = reservedField(f, "reserved", p.Reserved[:])
	return append(f, Field{"registers", hex.EncodeToString(p.Registers)})
}

// LegacyCfgRead is the data of LEGACY_COMMON_CFG_READ and
// LEGACY_DEV_CFG_READ: {u8 offset}. The result is Raw "registers".
type LegacyCfgRead struct{ Offset uint8 }

func decodeLegacyCfgRead(b []byte) Payload {
	return LegacyCfgRead{Offset: u8At(b, 0)}
}

// Encode returns the offset byte.
func (p LegacyCfgRead) Encode() []byte { return []byte{p.Offset} }

// Fields lists the offset.
func (p LegacyCfgRead) Fields() []Field { return []Field{{"offset", dec(uint64(p.Offset))}} }

// NotifyInfo is one entry of the LEGACY_NOTIFY_INFO result:
// {u8 flags; u8 bar; u8 padding[6]; le64 offset}.
type NotifyInfo struct {
	Flags   uint8 // 0 end of list, 1 owner, 2 member
	BAR     uint8
	Padding [6]byte
	Offset  uint64
}

// NotifyInfoSize is the size of one NotifyInfo entry.
const NotifyInfoSize = 16

// NotifyInfoEntries is the number of entries of a LEGACY_NOTIFY_INFO result.
const NotifyInfoEntries = 4

// LegacyNotifyInfo is the LEGACY_NOTIFY_INFO result: four entries.
type LegacyNotifyInfo struct {
	Entries [NotifyInfoEntries]NotifyInfo
}

func decodeLegacyNotifyInfo(b []byte, _ Payload) Payload {
	var p LegacyNotifyInfo
	for i := range p.Entries {
		o := i * NotifyInfoSize
		e := &p.Entries[i]
		e.Flags, e.BAR, e.Offset = u8At(b, o), u8At(b, o+1), u64At(b, o+8)
		copy(e.Padding[:], at(b, o+2, 6))
	}
	return p
}

// Encode returns the 64-byte result.
func (p LegacyNotifyInfo) Encode() []byte {
	var b []byte
	for _, e := range p.Entries {
		b = append(b, e.Flags, e.BAR)
		b = append(b, e.Padding[:]...)
		b = binary.LittleEndian.AppendUint64(b, e.Offset)
	}
	return b
}

// Fields lists every entry's flags (named), BAR and offset.
func (p LegacyNotifyInfo) Fields() []Field {
	var f []Field
	for i, e := range p.Entries {
		pre := fmt.Sprintf("entry[%d].", i)
		f = append(f,
			Field{pre + "flags", notifyFlagsName(e.Flags)},
			Field{pre + "bar", dec(uint64(e.BAR))})
		f = reservedField(f, pre+"padding", e.Padding[:])
		f = append(f, Field{pre + "offset", fmt.Sprintf("%#x", e.Offset)})
	}
	return f
}

// notifyFlagsNames names the flags of a LEGACY_NOTIFY_INFO entry.
var notifyFlagsNames = map[uint8]string{0: "END", 1: "OWNER", 2: "MEMBER"}

func notifyFlagsName(v uint8) string {
	if n, ok := notifyFlagsNames[v]; ok {
		return fmt.Sprintf("%s (%d)", n, v)
	}
	return fmt.Sprintf("FLAGS_%d", v)
}

// CapGet is the data of DEVICE_CAP_GET: {le16 id; u8 reserved[6]}.
type CapGet struct {
	ID       uint16
	Reserved [6]byte
}

func decodeCapGet(b []byte) Payload {
	p := CapGet{ID: u16At(b, 0)}
	copy(p.Reserved[:], at(b, 2, 6))
	return p
}

// Encode returns the 8 bytes.
func (p CapGet) Encode() []byte {
	return append(binary.LittleEndian.AppendUint16(nil, p.ID), p.Reserved[:]...)
}

// Fields lists the capability id (named) and reserved bytes if non-zero.
func (p CapGet) Fields() []Field {
	return reservedField([]Field{{"id", capName(p.ID)}}, "reserved", p.Reserved[:])
}

func capName(id uint16) string {
	if id == spec.CapDevParts {
		return "DEV_PARTS_CAP (0)"
	}
	return fmt.Sprintf("CAP_%#04x", id)
}

// DevPartsCap is struct virtio_dev_parts_cap, the capability data of
// VIRTIO_DEV_PARTS_CAP: {u8 get_parts_resource_objects_limit;
// u8 set_parts_resource_objects_limit}.
type DevPartsCap struct {
	GetLimit uint8
	SetLimit uint8
}

// DecodeDevPartsCap reads the capability data; missing bytes read as zero.
func DecodeDevPartsCap(b []byte) DevPartsCap {
	return DevPartsCap{GetLimit: u8At(b, 0), SetLimit: u8At(b, 1)}
}

// Encode returns the 2 bytes.
func (p DevPartsCap) Encode() []byte { return []byte{p.GetLimit, p.SetLimit} }

// Fields lists both limits.
func (p DevPartsCap) Fields() []Field {
	return []Field{
		{"get_parts_resource_objects_limit", dec(uint64(p.GetLimit))},
		{"set_parts_resource_objects_limit", dec(uint64(p.SetLimit))},
	}
}

// capData decodes capability-specific data: DevPartsCap for id 0, Raw
// otherwise.
func capData(id uint16, b []byte) Payload {
	if id == spec.CapDevParts {
		return DecodeDevPartsCap(b)
	}
	return Raw{Name: "cap_specific_data", Bytes: append([]byte(nil), b...)}
}

// decodeCapGetResult decodes DEVICE_CAP_GET's result for the id the request
// asked for; without the request it assumes VIRTIO_DEV_PARTS_CAP, the only
// capability the spec defines.
func decodeCapGetResult(b []byte, req Payload) Payload {
	id := spec.CapDevParts
	if r, ok := req.(CapGet); ok {
		id = r.ID
	}
	return capData(id, b)
}

// DriverCapSet is the data of DRIVER_CAP_SET: {le16 id; u8 reserved[6];
// u8 cap_specific_data[]}; Cap is a DevPartsCap for id 0, Raw otherwise.
type DriverCapSet struct {
	ID       uint16
	Reserved [6]byte
	Cap      Payload
}

func decodeDriverCapSet(b []byte) Payload {
	p := DriverCapSet{ID: u16At(b, 0)}
	copy(p.Reserved[:], at(b, 2, 6))
	var tail []byte
	if len(b) > 8 {
		tail = b[8:]
	}
	p.Cap = capData(p.ID, tail)
	return p
}

// Encode returns the 8-byte head and the capability data.
func (p DriverCapSet) Encode() []byte {
	b := CapGet{ID: p.ID, Reserved: p.Reserved}.Encode()
	if p.Cap != nil {
		b = append(b, p.Cap.Encode()...)
	}
	return b
}

// Fields lists id, reserved bytes if non-zero and the capability fields.
func (p DriverCapSet) Fields() []Field {
	f := CapGet{ID: p.ID, Reserved: p.Reserved}.Fields()
	if p.Cap != nil {
		f = append(f, p.Cap.Fields()...)
	}
	return f
}

// ModeFlags is the data of the virtio-1.4 DEV_MODE_SET: {u8 flags}, bit 0
// VIRTIO_ADMIN_CMD_DEV_MODE_F_STOPPED (Linux include/uapi/linux/virtio_pci.h).
type ModeFlags struct{ Flags uint8 }

func decodeModeFlags(b []byte) Payload { return ModeFlags{Flags: u8At(b, 0)} }

// Stopped reports whether the STOPPED flag is set.
func (p ModeFlags) Stopped() bool { return p.Flags&spec.DevModeFlagStopped != 0 }

// Encode returns the flags byte.
func (p ModeFlags) Encode() []byte { return []byte{p.Flags} }

// Fields lists the flags with the STOPPED bit named.
func (p ModeFlags) Fields() []Field {
	v := fmt.Sprintf("%#02x", p.Flags)
	switch {
	case p.Flags == spec.DevModeFlagStopped:
		v += " (STOPPED)"
	case p.Flags == 0:
		v += " (running)"
	case p.Stopped():
		v += " (STOPPED + undefined bits)"
	default:
		v += " (undefined bits)"
	}
	return []Field{{"flags", v}}
}
