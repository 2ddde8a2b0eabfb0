package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// The typed values of the draft-2023 context fields. Their layouts are
// simulator-assigned and documented in docs/context-format.md. Each entry
// list starts with {le32 count; le32 reserved}; a value's length must be
// exactly what its count says.

// entryListHeader is the {le32 count; le32 reserved} prefix of entry lists.
const entryListHeader = 8

// decodeEntries checks an entry list of fixed-size entries of the field
// named t and calls fn with the index and bytes of each entry. A count
// that does not match the length is an error at the count (offset 0); an
// error of fn is wrapped as "<t> entry <i>" at the entry's byte offset in
// the value.
func decodeEntries(t string, b []byte, size int, fn func(i int, e []byte) error) error {
	if len(b) < entryListHeader {
		return valueError(t+" value", 0, fmt.Errorf("%w: count header needs %d bytes, have %d",
			ErrTruncated, entryListHeader, len(b)))
	}
	n := binary.LittleEndian.Uint32(b)
	have := uint64(len(b) - entryListHeader)
	if want := uint64(n) * uint64(size); want != have {
		return valueError(t+" count", 0, fmt.Errorf("%w: count %d needs %d bytes of %d-byte entries, have %d",
			ErrLength, n, want, size, have))
	}
	for i := 0; i < int(n); i++ {
		off := entryListHeader + i*size
		if err := fn(i, b[off:off+size]); err != nil {
			return valueError(fmt.Sprintf("%s entry %d", t, i), off, err)
		}
	}
	return nil
}

// uniqueEntry reports, for entry i with key k, the earlier entry that had
// the same key as an ErrDuplicate error naming what the key is.
func uniqueEntry(seen *seenSet, k uint32, i int, what string) error {
	if prev, dup := seen.add(k, i); dup {
		return fmt.Errorf("%w: %s already given by entry %d", ErrDuplicate, what, prev)
	}
	return nil
}

// newEntryList returns a zeroed entry list of n entries of size bytes with
// its count written.
func newEntryList(n, size int) []byte {
	b, _ := appendEntryList(make([]byte, 0, entryListHeader+n*size), n, size)
	return b
}

// appendEntryList appends a zeroed entry list of n entries of size bytes
// with its count written to b, and returns b and the list.
func appendEntryList(b []byte, n, size int) (out, list []byte) {
	start := len(b)
	b = append(b, make([]byte, entryListHeader+n*size)...)
	list = b[start:]
	binary.LittleEndian.PutUint32(list, uint32(n))
	return b, list
}

// CommonCfgImage is the PCI_COMMON_CFG (0x1) field: the 64-byte
// virtio_pci_common_cfg as latched. Its per-queue fields are those of the
// queue that queue_select names.
type CommonCfgImage [spec.CommonCfgSize]byte

// Get reads the field at f by its size (1, 2 or 4 bytes); an offset that
// starts no field reads 4 bytes there (0 past the end).
func (c *CommonCfgImage) Get(f spec.CommonCfgField) uint32 {
	size := 4
	if info, ok := spec.LookupCommonCfgField(uint32(f)); ok {
		size = info.Size
	}
	if int(f)+size > len(c) {
		return 0
	}
	v, _ := CommonCfgValue(c[int(f) : int(f)+size])
	return v
}

// Set writes v to the field at f by its size; an offset past the image is
// ignored.
func (c *CommonCfgImage) Set(f spec.CommonCfgField, v uint32) {
	w := CommonCfgBytes(f, v)
	if int(f)+len(w) <= len(c) {
		copy(c[f:], w)
	}
}

// QueueSelect returns queue_select.
func (c *CommonCfgImage) QueueSelect() uint16 { return uint16(c.Get(spec.CfgQueueSelect)) }

// DeviceStatus returns device_status.
func (c *CommonCfgImage) DeviceStatus() spec.DeviceStatus {
	return spec.DeviceStatus(c.Get(spec.CfgDeviceStatus))
}

// Queue64 returns the 64-bit queue address whose lo half is at lo
// (spec.CfgQueueDescLo, CfgQueueDriverLo or CfgQueueDeviceLo).
func (c *CommonCfgImage) Queue64(lo spec.CommonCfgField) uint64 {
	return uint64(c.Get(lo)) | uint64(c.Get(lo+4))<<32
}

// AppendValue appends the PCI_COMMON_CFG value (the image) to b.
func (c *CommonCfgImage) AppendValue(b []byte) []byte { return append(b, c[:]...) }

// Field returns the image as a PCI_COMMON_CFG field.
func (c *CommonCfgImage) Field() Field {
	return Field{Type: spec.FieldPCICommonCfg, Value: append([]byte(nil), c[:]...)}
}

// DecodeCommonCfgImage reads a PCI_COMMON_CFG value, exactly 64 bytes.
func DecodeCommonCfgImage(b []byte) (CommonCfgImage, error) {
	var c CommonCfgImage
	if len(b) != len(c) {
		return c, valueError(spec.FieldPCICommonCfg.String()+" value", 0, fmt.Errorf("%w %d, want %d", ErrLength, len(b), len(c)))
	}
	copy(c[:], b)
	return c, nil
}

// FeaturesField returns features as a DEV_FEATURES (t = FieldDevFeatures)
// or DRV_FEATURES field.
func FeaturesField(t spec.FieldType, f FeatureWords) Field { return Field{Type: t, Value: f.Encode()} }

// DeviceStatusSize is the value size of the DEVICE_STATUS (0x5) field:
// u8 status; u8 reserved[7].
const DeviceStatusSize = 8

// DeviceStatusField returns status as a DEVICE_STATUS field.
func DeviceStatusField(s spec.DeviceStatus) Field {
	return Field{Type: spec.FieldDeviceStatus, Value: AppendDeviceStatus(make([]byte, 0, DeviceStatusSize), s)}
}

// AppendDeviceStatus appends the DEVICE_STATUS value of s to b.
func AppendDeviceStatus(b []byte, s spec.DeviceStatus) []byte {
	var v [DeviceStatusSize]byte
	v[0] = uint8(s)
	return append(b, v[:]...)
}

// DecodeDeviceStatus reads a DEVICE_STATUS value, exactly 8 bytes; the
// reserved bytes are ignored.
func DecodeDeviceStatus(b []byte) (spec.DeviceStatus, error) {
	if len(b) != DeviceStatusSize {
		return 0, valueError(spec.FieldDeviceStatus.String()+" value", 0,
			fmt.Errorf("%w %d, want %d", ErrLength, len(b), DeviceStatusSize))
	}
	return spec.DeviceStatus(b[0]), nil
}

// DevCfgField returns raw device-specific configuration bytes as a DEV_CFG
// (0x9) field.
func DevCfgField(cfg []byte) Field { return Field{Type: spec.FieldDevCfg, Value: cfg} }

// Pending-event flags of the PENDING_EVENTS field.
const (
	PendingConfigIRQ uint32 = 1 << 0 // a config-change interrupt is held
	PendingFLR       uint32 = 1 << 1 // an FLR is in progress
	PendingReset     uint32 = 1 << 2 // a device reset is in progress
	// PendingFeaturesOK: the driver set FEATURES_OK and the device has not
	// validated its features yet (DEVICE_STATUS holds the bit clear until
	// then; pending-work=carry).
	PendingFeaturesOK uint32 = 1 << 3
	pendingKnown             = PendingConfigIRQ | PendingFLR | PendingReset | PendingFeaturesOK
)

// PendingEventsSize is the value size of PENDING_EVENTS.
const PendingEventsSize = 16

// PendingEvents is the PENDING_EVENTS (0xa) field: le32 flags;
// le32 reserved; le64 held queue-interrupt bitmap (bit q: an interrupt of
// queue q is held).
type PendingEvents struct {
	Flags    uint32
	HeldIRQs uint64
}

// Encode returns the 16-byte value.
func (p PendingEvents) Encode() []byte { return p.AppendValue(make([]byte, 0, PendingEventsSize)) }

// AppendValue appends the 16-byte value to b.
func (p PendingEvents) AppendValue(b []byte) []byte {
	var v [PendingEventsSize]byte
	binary.LittleEndian.PutUint32(v[:], p.Flags)
	binary.LittleEndian.PutUint64(v[8:], p.HeldIRQs)
	return append(b, v[:]...)
}

// Field returns the value as a PENDING_EVENTS field.
func (p PendingEvents) Field() Field { return Field{Type: spec.FieldPendingEvents, Value: p.Encode()} }

// DecodePendingEvents reads a PENDING_EVENTS value, exactly 16 bytes; an
// unknown flag bit is an ErrValue error.
func DecodePendingEvents(b []byte) (PendingEvents, error) {
	if len(b) != PendingEventsSize {
		return PendingEvents{}, valueError(spec.FieldPendingEvents.String()+" value", 0,
			fmt.Errorf("%w %d, want %d", ErrLength, len(b), PendingEventsSize))
	}
	p := PendingEvents{Flags: binary.LittleEndian.Uint32(b), HeldIRQs: binary.LittleEndian.Uint64(b[8:])}
	if x := p.Flags &^ pendingKnown; x != 0 {
		return PendingEvents{}, valueError(spec.FieldPendingEvents.String()+" flags", 0,
			fmt.Errorf("%w: unknown flag bits %#x", ErrValue, x))
	}
	return p, nil
}
