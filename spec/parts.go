package spec

import "fmt"

// PartType is a virtio-1.4 device part type (virtio spec device-parts.tex;
// VIRTIO_DEV_PART_* in Linux include/uapi/linux/virtio_pci.h).
type PartType uint16

// Device part types.
const (
	PartDevFeatures  PartType = 0x100
	PartDrvFeatures  PartType = 0x101
	PartPCICommonCfg PartType = 0x102
	PartDeviceStatus PartType = 0x103
	PartVQCfg        PartType = 0x104
	PartVQNotifyCfg  PartType = 0x105
	// PartNetCVQCfg is VIRTIO_NET_DEV_PART_CVQ_CFG_PART (virtio spec device-types/net/description.tex).
	PartNetCVQCfg PartType = 0x200
)

// PartFlagOptional is VIRTIO_DEV_PART_F_OPTIONAL, bit 0 of the part flags.
const PartFlagOptional uint8 = 1 << 0

// PartHeaderSize is sizeof(struct virtio_dev_part_hdr).
const PartHeaderSize = 16

// Value sizes of the fixed-size parts.
const (
	VQCfgSize       = 32
	VQNotifyCfgSize = 8
)

var partNames = map[PartType]string{
	PartDevFeatures: "DEV_FEATURES", PartDrvFeatures: "DRV_FEATURES",
	PartPCICommonCfg: "PCI_COMMON_CFG", PartDeviceStatus: "DEVICE_STATUS",
	PartVQCfg: "VQ_CFG", PartVQNotifyCfg: "VQ_NOTIFY_CFG",
	PartNetCVQCfg: "NET_CVQ_CFG",
}

// String returns the part name (VQ_CFG, …) or PART_0x….
func (p PartType) String() string {
	if n, ok := partNames[p]; ok {
		return n
	}
	return fmt.Sprintf("PART_%#04x", uint16(p))
}

// Known reports whether migsim knows the part type (it has a name in
// partNames). A switch, not a map look-up: DecodeParts asks it of every part.
func (p PartType) Known() bool {
	switch p {
	case PartDevFeatures, PartDrvFeatures, PartPCICommonCfg, PartDeviceStatus,
		PartVQCfg, PartVQNotifyCfg, PartNetCVQCfg:
		return true
	}
	return false
}

// PartOrder is the position of a common part type in the required GET/SET
// order (virtio spec device-parts.tex), 1-based; device-type parts come after the
// common ones; 0 means the type has no place in the order.
func (p PartType) PartOrder() int {
	switch p {
	case PartDevFeatures:
		return 1
	case PartDrvFeatures:
		return 2
	case PartPCICommonCfg:
		return 3
	case PartDeviceStatus:
		return 4
	case PartVQCfg:
		return 5
	case PartVQNotifyCfg:
		return 6
	}
	if p >= 0x200 && p <= 0x5ff {
		return 7
	}
	return 0
}

// FieldType is a draft-2023 device-context TLV field type. The values are
// simulator-assigned (docs/context-format.md, "draft-2023 device context").
type FieldType uint32

// Draft context field types (simulator-assigned).
const (
	FieldPCICommonCfg        FieldType = 0x1
	FieldPCICommonRuntimeCfg FieldType = 0x2
	FieldDevFeatures         FieldType = 0x3
	FieldDrvFeatures         FieldType = 0x4
	FieldDeviceStatus        FieldType = 0x5
	FieldPCIVQCfg            FieldType = 0x6
	FieldVQSplitRuntimeCfg   FieldType = 0x7
	FieldVQSplitDevOwnDesc   FieldType = 0x8
	FieldDevCfg              FieldType = 0x9
	FieldPendingEvents       FieldType = 0xa
	// FieldDeviceTypeFirst..FieldDeviceTypeLast is the device-type range.
	FieldDeviceTypeFirst FieldType = 0x1000
	FieldDeviceTypeLast  FieldType = 0x1fff
)

var fieldNames = map[FieldType]string{
	FieldPCICommonCfg: "PCI_COMMON_CFG", FieldPCICommonRuntimeCfg: "PCI_COMMON_RUNTIME_CFG",
	FieldDevFeatures: "DEV_FEATURES", FieldDrvFeatures: "DRV_FEATURES",
	FieldDeviceStatus: "DEVICE_STATUS", FieldPCIVQCfg: "PCI_VQ_CFG",
	FieldVQSplitRuntimeCfg: "VQ_SPLIT_RUNTIME_CFG", FieldVQSplitDevOwnDesc: "VQ_SPLIT_DEV_OWN_DESC",
	FieldDevCfg: "DEV_CFG", FieldPendingEvents: "PENDING_EVENTS",
}

// String returns the field name or FIELD_0x… (DEVICE_TYPE_0x… in the
// device-type range).
func (f FieldType) String() string {
	if n, ok := fieldNames[f]; ok {
		return n
	}
	if f >= FieldDeviceTypeFirst && f <= FieldDeviceTypeLast {
		return fmt.Sprintf("DEVICE_TYPE_%#04x", uint32(f))
	}
	return fmt.Sprintf("FIELD_%#04x", uint32(f))
}

// Known reports whether migsim knows the field type (device-type fields
// included).
func (f FieldType) Known() bool {
	_, ok := fieldNames[f]
	return ok || (f >= FieldDeviceTypeFirst && f <= FieldDeviceTypeLast)
}

// Sizes of the draft context framing (docs/context-format.md).
const (
	DraftCtxHeaderSize        = 8  // le32 field_count; le32 reserved
	DraftFieldHeaderSize      = 16 // le32 type; le32 reserved; le64 length
	DraftFieldAlign           = 8
	DraftFieldsQueryEntrySize = 8 // le16 type; u8 reserved[2]; le32 length
)
