package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// VQCfgEntrySize is the size of one PCI_VQ_CFG entry.
const VQCfgEntrySize = 40

// VQCfgEntry is one PCI_VQ_CFG entry: le16 index; le16 size;
// le16 msix_vector; le16 enabled; le16 notify_off; le16 notif_config_data;
// le32 reserved; le64 desc; le64 driver; le64 device.
type VQCfgEntry struct {
	Index           uint16
	Size            uint16
	MSIXVector      uint16
	Enabled         uint16
	NotifyOff       uint16
	NotifConfigData uint16
	Desc            uint64
	Driver          uint64
	Device          uint64
}

// VQCfgList is the PCI_VQ_CFG (0x6) field: one entry per virtqueue.
type VQCfgList struct {
	Queues []VQCfgEntry
}

// Encode returns the entry list.
func (l VQCfgList) Encode() []byte {
	return l.AppendValue(make([]byte, 0, entryListHeader+len(l.Queues)*VQCfgEntrySize))
}

// AppendValue appends the entry list to b.
func (l VQCfgList) AppendValue(b []byte) []byte {
	b, list := appendEntryList(b, len(l.Queues), VQCfgEntrySize)
	for i, q := range l.Queues {
		e := list[entryListHeader+i*VQCfgEntrySize:]
		binary.LittleEndian.PutUint16(e[0:], q.Index)
		binary.LittleEndian.PutUint16(e[2:], q.Size)
		binary.LittleEndian.PutUint16(e[4:], q.MSIXVector)
		binary.LittleEndian.PutUint16(e[6:], q.Enabled)
		binary.LittleEndian.PutUint16(e[8:], q.NotifyOff)
		binary.LittleEndian.PutUint16(e[10:], q.NotifConfigData)
		binary.LittleEndian.PutUint64(e[16:], q.Desc)
		binary.LittleEndian.PutUint64(e[24:], q.Driver)
		binary.LittleEndian.PutUint64(e[32:], q.Device)
	}
	return b
}

// Field returns the value as a PCI_VQ_CFG field.
func (l VQCfgList) Field() Field { return Field{Type: spec.FieldPCIVQCfg, Value: l.Encode()} }

// DecodeVQCfgList reads a PCI_VQ_CFG value; the reserved word is ignored.
// An index given twice is an ErrDuplicate error naming the entry.
func DecodeVQCfgList(b []byte) (VQCfgList, error) {
	var l VQCfgList
	var seen seenSet // index → entry
	err := decodeEntries(spec.FieldPCIVQCfg.String(), b, VQCfgEntrySize, func(i int, e []byte) error {
		idx := binary.LittleEndian.Uint16(e[0:])
		if err := uniqueEntry(&seen, uint32(idx), i, fmt.Sprintf("vq %d", idx)); err != nil {
			return err
		}
		l.Queues = append(l.Queues, VQCfgEntry{
			Index:           binary.LittleEndian.Uint16(e[0:]),
			Size:            binary.LittleEndian.Uint16(e[2:]),
			MSIXVector:      binary.LittleEndian.Uint16(e[4:]),
			Enabled:         binary.LittleEndian.Uint16(e[6:]),
			NotifyOff:       binary.LittleEndian.Uint16(e[8:]),
			NotifConfigData: binary.LittleEndian.Uint16(e[10:]),
			Desc:            binary.LittleEndian.Uint64(e[16:]),
			Driver:          binary.LittleEndian.Uint64(e[24:]),
			Device:          binary.LittleEndian.Uint64(e[32:]),
		})
		return nil
	})
	if err != nil {
		return VQCfgList{}, err
	}
	return l, nil
}

// Flags of a VQ_SPLIT_RUNTIME_CFG entry.
const (
	RuntimeNotifyLatched uint8 = 1 << 0 // a driver notification is latched
	RuntimeIRQHeld       uint8 = 1 << 1 // an interrupt is held
	// RuntimeEnablePending: the driver wrote queue_enable and the device
	// has not committed the queue yet (PCI_VQ_CFG says not enabled until
	// then; pending-work=carry).
	RuntimeEnablePending uint8 = 1 << 2
	runtimeKnown               = RuntimeNotifyLatched | RuntimeIRQHeld | RuntimeEnablePending
)

// VQSplitRuntimeEntrySize is the size of one VQ_SPLIT_RUNTIME_CFG entry.
const VQSplitRuntimeEntrySize = 16

// VQSplitRuntimeEntry is one VQ_SPLIT_RUNTIME_CFG entry: le16 index;
// le16 last_avail_idx; le16 used_idx; u8 flags; u8 reserved;
// le16 latched_avail_idx (the notification data posted with a latched kick,
// valid with RuntimeNotifyLatched); u8 reserved[6].
type VQSplitRuntimeEntry struct {
	Index           uint16
	LastAvailIdx    uint16
	UsedIdx         uint16
	Flags           uint8
	LatchedAvailIdx uint16
}

// VQSplitRuntimeList is the VQ_SPLIT_RUNTIME_CFG (0x7) field.
type VQSplitRuntimeList struct {
	Queues []VQSplitRuntimeEntry
}

// Encode returns the entry list.
func (l VQSplitRuntimeList) Encode() []byte {
	return l.AppendValue(make([]byte, 0, entryListHeader+len(l.Queues)*VQSplitRuntimeEntrySize))
}

// AppendValue appends the entry list to b.
func (l VQSplitRuntimeList) AppendValue(b []byte) []byte {
	b, list := appendEntryList(b, len(l.Queues), VQSplitRuntimeEntrySize)
	for i, q := range l.Queues {
		e := list[entryListHeader+i*VQSplitRuntimeEntrySize:]
		binary.LittleEndian.PutUint16(e[0:], q.Index)
		binary.LittleEndian.PutUint16(e[2:], q.LastAvailIdx)
		binary.LittleEndian.PutUint16(e[4:], q.UsedIdx)
		e[6] = q.Flags
		binary.LittleEndian.PutUint16(e[8:], q.LatchedAvailIdx)
	}
	return b
}

// Field returns the value as a VQ_SPLIT_RUNTIME_CFG field.
func (l VQSplitRuntimeList) Field() Field {
	return Field{Type: spec.FieldVQSplitRuntimeCfg, Value: l.Encode()}
}

// DecodeVQSplitRuntimeList reads a VQ_SPLIT_RUNTIME_CFG value; an unknown
// flag bit is an ErrValue error naming the entry, an index given twice an
// ErrDuplicate one.
func DecodeVQSplitRuntimeList(b []byte) (VQSplitRuntimeList, error) {
	var l VQSplitRuntimeList
	var seen seenSet // index → entry
	err := decodeEntries(spec.FieldVQSplitRuntimeCfg.String(), b, VQSplitRuntimeEntrySize, func(i int, e []byte) error {
		q := VQSplitRuntimeEntry{
			Index:           binary.LittleEndian.Uint16(e[0:]),
			LastAvailIdx:    binary.LittleEndian.Uint16(e[2:]),
			UsedIdx:         binary.LittleEndian.Uint16(e[4:]),
			Flags:           e[6],
			LatchedAvailIdx: binary.LittleEndian.Uint16(e[8:]),
		}
		if x := q.Flags &^ runtimeKnown; x != 0 {
			return fmt.Errorf("%w: unknown flag bits %#x", ErrValue, x)
		}
		if err := uniqueEntry(&seen, uint32(q.Index), i, fmt.Sprintf("vq %d", q.Index)); err != nil {
			return err
		}
		l.Queues = append(l.Queues, q)
		return nil
	})
	if err != nil {
		return VQSplitRuntimeList{}, err
	}
	return l, nil
}

// DevOwnDescSize is the size of one VQ_SPLIT_DEV_OWN_DESC entry.
const DevOwnDescSize = 8

// DevOwnDesc is one VQ_SPLIT_DEV_OWN_DESC entry: le16 queue; le16 head;
// le32 reserved — the head of a chain the device has taken and not
// completed.
type DevOwnDesc struct {
	Queue uint16
	Head  uint16
}

// DevOwnDescList is the VQ_SPLIT_DEV_OWN_DESC (0x8) field, in the order the
// device took the chains.
type DevOwnDescList struct {
	Descs []DevOwnDesc
}

// Encode returns the entry list.
func (l DevOwnDescList) Encode() []byte {
	return l.AppendValue(make([]byte, 0, entryListHeader+len(l.Descs)*DevOwnDescSize))
}

// AppendValue appends the entry list to b.
func (l DevOwnDescList) AppendValue(b []byte) []byte {
	b, list := appendEntryList(b, len(l.Descs), DevOwnDescSize)
	for i, d := range l.Descs {
		e := list[entryListHeader+i*DevOwnDescSize:]
		binary.LittleEndian.PutUint16(e[0:], d.Queue)
		binary.LittleEndian.PutUint16(e[2:], d.Head)
	}
	return b
}

// Field returns the value as a VQ_SPLIT_DEV_OWN_DESC field.
func (l DevOwnDescList) Field() Field {
	return Field{Type: spec.FieldVQSplitDevOwnDesc, Value: l.Encode()}
}

// DecodeDevOwnDescList reads a VQ_SPLIT_DEV_OWN_DESC value. A queue and
// head given twice is an ErrDuplicate error naming the entry: the device
// owns a chain once until it completes it.
func DecodeDevOwnDescList(b []byte) (DevOwnDescList, error) {
	var l DevOwnDescList
	var seen seenSet // queue<<16 | head → entry
	err := decodeEntries(spec.FieldVQSplitDevOwnDesc.String(), b, DevOwnDescSize, func(i int, e []byte) error {
		d := DevOwnDesc{Queue: binary.LittleEndian.Uint16(e[0:]), Head: binary.LittleEndian.Uint16(e[2:])}
		if err := uniqueEntry(&seen, uint32(d.Queue)<<16|uint32(d.Head), i,
			fmt.Sprintf("q%d head %d", d.Queue, d.Head)); err != nil {
			return err
		}
		l.Descs = append(l.Descs, d)
		return nil
	})
	if err != nil {
		return DevOwnDescList{}, err
	}
	return l, nil
}
