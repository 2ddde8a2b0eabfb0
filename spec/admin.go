package spec

import "fmt"

// Opcode is an admin command opcode of the virtio-1.4 edition (virtio spec
// admin.tex, the opcode table; the values match Linux's
// include/uapi/linux/virtio_pci.h).
type Opcode uint16

// virtio-1.4 admin opcodes.
const (
	OpListQuery            Opcode = 0x0000
	OpListUse              Opcode = 0x0001
	OpLegacyCommonCfgWrite Opcode = 0x0002
	OpLegacyCommonCfgRead  Opcode = 0x0003
	OpLegacyDevCfgWrite    Opcode = 0x0004
	OpLegacyDevCfgRead     Opcode = 0x0005
	OpLegacyNotifyInfo     Opcode = 0x0006
	OpCapIDListQuery       Opcode = 0x0007
	OpDeviceCapGet         Opcode = 0x0008
	OpDriverCapSet         Opcode = 0x0009
	OpResourceObjCreate    Opcode = 0x000a
	// OpResourceObjQuery follows the opcode table of admin.tex (QUERY 0xb,
	// MODIFY 0xc); the command text of the spec gives them the other way
	// round (MODIFY 0xb, QUERY 0xc). Linux defines neither; migsim follows
	// the table.
	OpResourceObjQuery    Opcode = 0x000b
	OpResourceObjModify   Opcode = 0x000c
	OpResourceObjDestroy  Opcode = 0x000d
	OpDevPartsMetadataGet Opcode = 0x000e
	OpDevPartsGet         Opcode = 0x000f
	OpDevPartsSet         Opcode = 0x0010
	OpDevModeSet          Opcode = 0x0011
)

var opcodeNames = map[Opcode]string{
	OpListQuery:            "LIST_QUERY",
	OpListUse:              "LIST_USE",
	OpLegacyCommonCfgWrite: "LEGACY_COMMON_CFG_WRITE",
	OpLegacyCommonCfgRead:  "LEGACY_COMMON_CFG_READ",
	OpLegacyDevCfgWrite:    "LEGACY_DEV_CFG_WRITE",
	OpLegacyDevCfgRead:     "LEGACY_DEV_CFG_READ",
	OpLegacyNotifyInfo:     "LEGACY_NOTIFY_INFO",
	OpCapIDListQuery:       "CAP_ID_LIST_QUERY",
	OpDeviceCapGet:         "DEVICE_CAP_GET",
	OpDriverCapSet:         "DRIVER_CAP_SET",
	OpResourceObjCreate:    "RESOURCE_OBJ_CREATE",
	OpResourceObjQuery:     "RESOURCE_OBJ_QUERY",
	OpResourceObjModify:    "RESOURCE_OBJ_MODIFY",
	OpResourceObjDestroy:   "RESOURCE_OBJ_DESTROY",
	OpDevPartsMetadataGet:  "DEV_PARTS_METADATA_GET",
	OpDevPartsGet:          "DEV_PARTS_GET",
	OpDevPartsSet:          "DEV_PARTS_SET",
	OpDevModeSet:           "DEV_MODE_SET",
}

// String returns the spec name of a virtio-1.4 opcode, or OPCODE_0x… when
// the value is reserved.
func (o Opcode) String() string {
	if n, ok := opcodeNames[o]; ok {
		return n
	}
	return fmt.Sprintf("OPCODE_%#04x", uint16(o))
}

// DraftOpcode is an admin command opcode of the draft-2023 edition. Its values
// are simulator-assigned (docs/spec.md, "The two editions"); they clash with
// virtio-1.4's.
type DraftOpcode uint16

// draft-2023 admin opcodes (simulator-assigned except LIST_QUERY/LIST_USE).
const (
	DraftOpListQuery         DraftOpcode = 0x0
	DraftOpListUse           DraftOpcode = 0x1
	DraftOpDevModeSet        DraftOpcode = 0x7
	DraftOpDevModeGet        DraftOpcode = 0x8
	DraftOpDevCtxSizeGet     DraftOpcode = 0x9
	DraftOpDevCtxRead        DraftOpcode = 0xa
	DraftOpDevCtxWrite       DraftOpcode = 0xb
	DraftOpDevCtxFieldsQuery DraftOpcode = 0xc
	DraftOpDevCtxDiscard     DraftOpcode = 0xd
)

var draftOpcodeNames = map[DraftOpcode]string{
	DraftOpListQuery:         "LIST_QUERY",
	DraftOpListUse:           "LIST_USE",
	DraftOpDevModeSet:        "DEV_MODE_SET",
	DraftOpDevModeGet:        "DEV_MODE_GET",
	DraftOpDevCtxSizeGet:     "DEV_CTX_SIZE_GET",
	DraftOpDevCtxRead:        "DEV_CTX_READ",
	DraftOpDevCtxWrite:       "DEV_CTX_WRITE",
	DraftOpDevCtxFieldsQuery: "DEV_CTX_FIELDS_QUERY",
	DraftOpDevCtxDiscard:     "DEV_CTX_DISCARD",
}

// String returns the draft name of the opcode, or OPCODE_0x… when unassigned.
func (o DraftOpcode) String() string {
	if n, ok := draftOpcodeNames[o]; ok {
		return n
	}
	return fmt.Sprintf("OPCODE_%#04x", uint16(o))
}

// GroupType is the admin command group_type field (virtio spec admin.tex,
// "Group administration commands").
type GroupType uint16

// Group types.
const (
	GroupSelf  GroupType = 0x0
	GroupSRIOV GroupType = 0x1
)

var groupNames = map[GroupType]string{GroupSelf: "Self", GroupSRIOV: "SR-IOV"}

// String returns the group name: Self, SR-IOV or GROUP_0x….
func (g GroupType) String() string {
	if n, ok := groupNames[g]; ok {
		return n
	}
	return fmt.Sprintf("GROUP_%#04x", uint16(g))
}

// Status is the admin result status (virtio spec admin.tex, the status
// table); values follow Linux errno.
type Status uint16

// Admin status codes.
const (
	StatusOK     Status = 0
	StatusENXIO  Status = 6
	StatusEAGAIN Status = 11
	StatusENOMEM Status = 12
	StatusEBUSY  Status = 16
	// StatusEEXIST is used by the resource-object rules but missing from the
	// spec's status table; 17 is the Linux errno the spec says statuses follow.
	StatusEEXIST Status = 17
	StatusEINVAL Status = 22
	StatusENOSPC Status = 28
)

var statusNames = map[Status]string{
	StatusOK: "OK", StatusENXIO: "ENXIO", StatusEAGAIN: "EAGAIN",
	StatusENOMEM: "ENOMEM", StatusEBUSY: "EBUSY", StatusEEXIST: "EEXIST",
	StatusEINVAL: "EINVAL", StatusENOSPC: "ENOSPC",
}

// String returns the status name (OK, EINVAL, …) or STATUS_n.
func (s Status) String() string {
	if n, ok := statusNames[s]; ok {
		return n
	}
	return fmt.Sprintf("STATUS_%d", uint16(s))
}

// Qualifier is the admin result status_qualifier (virtio spec admin.tex,
// the status qualifier table).
type Qualifier uint16

// Status qualifiers.
const (
	QOK             Qualifier = 0x00
	QInvalidCommand Qualifier = 0x01
	QInvalidOpcode  Qualifier = 0x02
	QInvalidField   Qualifier = 0x03
	QInvalidGroup   Qualifier = 0x04
	QInvalidMember  Qualifier = 0x05
	QNoResource     Qualifier = 0x06
	QTryAgain       Qualifier = 0x07
)

var qualifierNames = map[Qualifier]string{
	QOK: "OK", QInvalidCommand: "INVALID_COMMAND", QInvalidOpcode: "INVALID_OPCODE",
	QInvalidField: "INVALID_FIELD", QInvalidGroup: "INVALID_GROUP",
	QInvalidMember: "INVALID_MEMBER", QNoResource: "NORESOURCE", QTryAgain: "TRYAGAIN",
}

// String returns the qualifier name (INVALID_MEMBER, …) or QUALIFIER_0x….
func (q Qualifier) String() string {
	if n, ok := qualifierNames[q]; ok {
		return n
	}
	return fmt.Sprintf("QUALIFIER_%#04x", uint16(q))
}

// Sizes of the fixed parts of struct virtio_admin_cmd (virtio spec
// admin.tex, "Administration Virtqueues").
const (
	AdminCmdHeaderSize    = 24 // opcode, group_type, reserved1[12], group_member_id
	AdminResultHeaderSize = 8  // status, status_qualifier, reserved2[4]
)

// Capability ids and resource-object types (virtio spec
// admin-cmds-capabilities.tex and admin-cmds-resource-objects.tex).
const (
	CapDevParts              uint16 = 0x0000 // VIRTIO_DEV_PARTS_CAP
	ResourceObjDevParts      uint16 = 0x000  // VIRTIO_RESOURCE_OBJ_DEV_PARTS
	DevPartsObjTypeGet       uint8  = 0      // VIRTIO_RESOURCE_OBJ_DEV_PARTS_TYPE_GET
	DevPartsObjTypeSet       uint8  = 1      // VIRTIO_RESOURCE_OBJ_DEV_PARTS_TYPE_SET
	DevModeFlagStopped       uint8  = 1 << 0 // VIRTIO_ADMIN_CMD_DEV_MODE_F_STOPPED
	ResourceObjCmdHeaderSize        = 8
)

// MetadataType is the DEV_PARTS_METADATA_GET type (virtio spec
// admin-cmds-device-parts.tex).
type MetadataType uint8

// Metadata types.
const (
	MetadataSize  MetadataType = 0
	MetadataCount MetadataType = 1
	MetadataList  MetadataType = 2
)

var metadataNames = map[MetadataType]string{MetadataSize: "SIZE", MetadataCount: "COUNT", MetadataList: "LIST"}

// String returns SIZE, COUNT, LIST or METADATA_n.
func (m MetadataType) String() string {
	if n, ok := metadataNames[m]; ok {
		return n
	}
	return fmt.Sprintf("METADATA_%d", uint8(m))
}

// PartsGetType is the DEV_PARTS_GET type (virtio spec
// admin-cmds-device-parts.tex).
type PartsGetType uint8

// Parts-get types.
const (
	PartsGetSelected PartsGetType = 0
	PartsGetAll      PartsGetType = 1
)

var partsGetNames = map[PartsGetType]string{PartsGetSelected: "SELECTED", PartsGetAll: "ALL"}

// String returns SELECTED, ALL or GET_TYPE_n.
func (t PartsGetType) String() string {
	if n, ok := partsGetNames[t]; ok {
		return n
	}
	return fmt.Sprintf("GET_TYPE_%d", uint8(t))
}
