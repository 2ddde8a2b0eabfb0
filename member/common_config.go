package member

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// This file is the register file of struct virtio_pci_common_cfg (virtio
// spec, "Common configuration structure layout"), shared by every virtio
// function migsim models: the member core and the owner's PF. It holds the
// registers, renders the image a driver reads and decodes the writes a
// driver makes; what a write does (reset on device_status 0, FEATURES_OK
// validation, when queue registers may change) is each device's own.

// NoVector is VIRTIO_MSI_NO_VECTOR.
const NoVector uint16 = 0xffff

// Indices of the 64-bit queue address registers in QueueRegs.Addr.
const (
	AddrDesc = iota
	AddrDriver
	AddrDevice
	NumQueueAddrs
)

// QueueAddrLo are the lo halves of the 64-bit queue address registers, by
// index (AddrDesc, AddrDriver, AddrDevice); each hi half follows at +4.
var QueueAddrLo = [NumQueueAddrs]spec.CommonCfgField{spec.CfgQueueDescLo, spec.CfgQueueDriverLo, spec.CfgQueueDeviceLo}

// Halves of a split 64-bit write as QueueRegs.Split records them (the same
// bits as devctx.SplitLoWritten and devctx.SplitHiWritten).
const (
	HalfLo uint8 = 1 << 0
	HalfHi uint8 = 1 << 1
)

// QueueRegs are one virtqueue's registers in the common configuration.
type QueueRegs struct {
	Size, Vector, Enable, Reset uint16
	// Addr holds the latched raw 64-bit addresses (desc, driver, device);
	// each half is written independently (PCI-DEV-02).
	Addr [NumQueueAddrs]uint64
	// Split holds, per address, the halves written since the last complete
	// pair (HalfLo, HalfHi); 0 when no split write is in progress.
	Split [NumQueueAddrs]uint8
}

// NewQueueRegs returns a queue's registers after reset: queue_size is the
// maximum, no vector, disabled.
func NewQueueRegs(maxSize uint16) QueueRegs { return QueueRegs{Size: maxSize, Vector: NoVector} }

// WriteAddr latches one half of 64-bit queue address i (PCI-DEV-02) and
// tracks the split write: the flags clear once both halves are written.
func (q *QueueRegs) WriteAddr(i int, lo bool, v uint32) {
	if lo {
		q.Addr[i] = q.Addr[i]&^0xffffffff | uint64(v)
		q.Split[i] |= HalfLo
	} else {
		q.Addr[i] = q.Addr[i]&0xffffffff | uint64(v)<<32
		q.Split[i] |= HalfHi
	}
	if q.Split[i] == HalfLo|HalfHi {
		q.Split[i] = 0
	}
}

// Layout returns the ring layout the latched registers describe.
func (q *QueueRegs) Layout() virtq.Layout {
	return virtq.Layout{Size: q.Size, Desc: q.Addr[AddrDesc], Avail: q.Addr[AddrDriver], Used: q.Addr[AddrDevice]}
}

// CommonCfg holds the device-wide registers of the common configuration;
// the per-queue ones are each queue's QueueRegs.
type CommonCfg struct {
	DeviceFeatureSelect uint32
	DriverFeatureSelect uint32
	DriverFeatures      uint64
	ConfigVector        uint16
	Status              spec.DeviceStatus
	ConfigGeneration    uint8
	QueueSelect         uint16
}

// NewCommonCfg returns the registers after reset (config_msix_vector reads
// NO_VECTOR).
func NewCommonCfg() CommonCfg { return CommonCfg{ConfigVector: NoVector} }

// WriteDriverFeature writes driver_feature at the word driver_feature_select
// names; false when the select is past the 64 feature bits.
func (c *CommonCfg) WriteDriverFeature(v uint32) bool {
	switch c.DriverFeatureSelect {
	case 0:
		c.DriverFeatures = c.DriverFeatures&^0xffffffff | uint64(v)
	case 1:
		c.DriverFeatures = c.DriverFeatures&0xffffffff | uint64(v)<<32
	default:
		return false
	}
	return true
}

// FeatureWord returns 32-bit word sel of a 64-bit feature set (0 past it).
func FeatureWord(f uint64, sel uint32) uint32 {
	switch sel {
	case 0:
		return uint32(f)
	case 1:
		return uint32(f >> 32)
	}
	return 0
}

// FeaturesAcceptable reports whether a driver may set FEATURES_OK with the
// features it accepted: every one offered, VERSION_1 among them (virtio
// spec, "Device Initialization" and "Legacy Interface").
func FeaturesAcceptable(offered spec.Features, driver uint64) bool {
	return driver&^uint64(offered) == 0 && driver&spec.FeatureVersion1.Mask() != 0
}

// CommonView is what the common configuration shows beside the registers.
type CommonView struct {
	// Offered are the device's features (device_feature).
	Offered spec.Features
	// NumQueues is num_queues.
	NumQueues uint16
	// Queue is the queue queue_select names; nil past the device's queues
	// (the per-queue fields then read 0).
	Queue *QueueRegs
	// NotifConfigData makes queue_notif_config_data read the queue index
	// (the notification data the device expects).
	NotifConfigData bool
	// AdminQueueIndex and AdminQueueNum are admin_queue_index and
	// admin_queue_num (0 on a function without an admin queue).
	AdminQueueIndex, AdminQueueNum uint16
}

// Image returns struct virtio_pci_common_cfg as the driver reads it now.
// queue_notify_off is the queue index. The image is also the draft-2023
// PCI_COMMON_CFG field.
func (c *CommonCfg) Image(v CommonView) [spec.CommonCfgSize]byte {
	var b [spec.CommonCfgSize]byte
	put16 := func(f spec.CommonCfgField, v uint16) { binary.LittleEndian.PutUint16(b[f:], v) }
	put32 := func(f spec.CommonCfgField, v uint32) { binary.LittleEndian.PutUint32(b[f:], v) }
	put32(spec.CfgDeviceFeatureSelect, c.DeviceFeatureSelect)
	put32(spec.CfgDeviceFeature, FeatureWord(uint64(v.Offered), c.DeviceFeatureSelect))
	put32(spec.CfgDriverFeatureSelect, c.DriverFeatureSelect)
	put32(spec.CfgDriverFeature, FeatureWord(c.DriverFeatures, c.DriverFeatureSelect))
	put16(spec.CfgConfigMSIXVector, c.ConfigVector)
	put16(spec.CfgNumQueues, v.NumQueues)
	b[spec.CfgDeviceStatus] = uint8(c.Status)
	b[spec.CfgConfigGeneration] = c.ConfigGeneration
	put16(spec.CfgQueueSelect, c.QueueSelect)
	if q := v.Queue; q != nil {
		put16(spec.CfgQueueSize, q.Size)
		put16(spec.CfgQueueMSIXVector, q.Vector)
		put16(spec.CfgQueueEnable, q.Enable)
		put16(spec.CfgQueueNotifyOff, c.QueueSelect)
		for i, lo := range QueueAddrLo {
			put32(lo, uint32(q.Addr[i]))
			put32(lo+4, uint32(q.Addr[i]>>32))
		}
		if v.NotifConfigData {
			put16(spec.CfgQueueNotifConfigData, c.QueueSelect)
		}
		put16(spec.CfgQueueReset, q.Reset)
	}
	put16(spec.CfgAdminQueueIndex, v.AdminQueueIndex)
	put16(spec.CfgAdminQueueNum, v.AdminQueueNum)
	return b
}

// CommonWrite is one register write a driver made to the common
// configuration.
type CommonWrite struct {
	spec.CommonCfgFieldInfo
	Value uint32
}

// CommonWriteError is a write that matches no writable register. Its text
// is the trace note of the member core.
type CommonWriteError struct {
	Off uint32
	Len int
	// ReadOnly is set when the write matches a read-only field.
	ReadOnly bool
	Name     string
}

// Error returns the trace note: "write to read-only num_queues ignored", …
func (e *CommonWriteError) Error() string {
	if e.ReadOnly {
		return fmt.Sprintf("write to read-only %s ignored", e.Name)
	}
	return fmt.Sprintf("common config write of %d bytes at offset %d ignored: not a field of that size", e.Len, e.Off)
}

// DecodeCommonWrite decodes a driver write at offset off: it must start at a
// field and match its size; an 8-byte write at the lo half of a 64-bit queue
// address writes both halves (lo first). The error is a *CommonWriteError.
func DecodeCommonWrite(off uint32, data []byte) ([]CommonWrite, error) {
	return AppendCommonWrite(nil, off, data)
}

// AppendCommonWrite is DecodeCommonWrite appending the writes to dst (one,
// or two for a 64-bit queue address), so that a caller can decode into an
// array of its own. On error it returns nil.
func AppendCommonWrite(dst []CommonWrite, off uint32, data []byte) ([]CommonWrite, error) {
	info, ok := spec.LookupCommonCfgField(off)
	if ok && info.Half == "lo" && len(data) == 8 {
		hi, _ := spec.LookupCommonCfgField(off + 4)
		return append(dst, CommonWrite{info, binary.LittleEndian.Uint32(data)}, CommonWrite{hi, binary.LittleEndian.Uint32(data[4:])}), nil
	}
	if !ok || info.Size != len(data) {
		return nil, &CommonWriteError{Off: off, Len: len(data)}
	}
	if info.ReadOnly {
		return nil, &CommonWriteError{Off: off, Len: len(data), ReadOnly: true, Name: info.Name}
	}
	return append(dst, CommonWrite{info, uint32(leValue(data))}), nil
}
