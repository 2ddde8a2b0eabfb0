package spec

import "fmt"

// OpcodeInfo describes one admin command of an edition: its value, its name,
// the group types it is valid for and a short layout of its command data and
// result (virtio spec admin.tex, the opcode table, and
// admin-cmds-device-parts.tex; docs/spec.md for the draft).
type OpcodeInfo struct {
	Value  uint16
	Name   string
	Groups []GroupType
	// Data and Result are short layout texts of command_specific_data and
	// command_specific_result; "none" when the part is empty.
	Data, Result string
	// SimulatorAssigned is true when migsim chose the value (draft-2023
	// commands 0x7..0xd); such values must be labelled wherever printed.
	SimulatorAssigned bool
}

// Layout texts shared by several opcodes.
const (
	layoutNone          = "none"
	layoutOpcodeBitmap  = "le64 device_admin_cmd_opcodes[] (bit n = opcode n)"
	layoutResObjHdr     = "{le16 type; u8 reserved[2]; le32 id}"
	layoutLegacyWrite   = "{u8 offset; u8 reserved[7]; u8 data[]}"
	layoutLegacyRead    = "{u8 offset}"
	layoutDraftModeData = "{u8 mode (0 Active, 1 Stop, 2 Freeze; 3..255 EINVAL); u8 reserved[7]}"
)

var (
	groupsAny   = []GroupType{GroupSelf, GroupSRIOV}
	groupsSelf  = []GroupType{GroupSelf}
	groupsSRIOV = []GroupType{GroupSRIOV}
)

func v14Op(o Opcode, g []GroupType, data, result string) OpcodeInfo {
	return OpcodeInfo{Value: uint16(o), Name: o.String(), Groups: append([]GroupType(nil), g...),
		Data: data, Result: result}
}

func draftOp(o DraftOpcode, g []GroupType, data, result string) OpcodeInfo {
	return OpcodeInfo{Value: uint16(o), Name: o.String(), Groups: append([]GroupType(nil), g...),
		Data: data, Result: result,
		SimulatorAssigned: o != DraftOpListQuery && o != DraftOpListUse}
}

func virtio14Opcodes() []OpcodeInfo {
	return []OpcodeInfo{
		v14Op(OpListQuery, groupsAny, layoutNone, layoutOpcodeBitmap),
		v14Op(OpListUse, groupsAny, layoutOpcodeBitmap, layoutNone),
		v14Op(OpLegacyCommonCfgWrite, groupsSRIOV, layoutLegacyWrite, layoutNone),
		v14Op(OpLegacyCommonCfgRead, groupsSRIOV, layoutLegacyRead, "u8 data[]"),
		v14Op(OpLegacyDevCfgWrite, groupsSRIOV, layoutLegacyWrite+" (offset into device-specific cfg)", layoutNone),
		v14Op(OpLegacyDevCfgRead, groupsSRIOV, layoutLegacyRead+" (offset into device-specific cfg)", "u8 data[]"),
		v14Op(OpLegacyNotifyInfo, groupsSRIOV, layoutNone,
			"4 x {u8 flags (0 end, 1 owner, 2 member); u8 bar; u8 pad[6]; le64 offset}"),
		v14Op(OpCapIDListQuery, groupsSelf, layoutNone, "le64 supported_caps[]"),
		v14Op(OpDeviceCapGet, groupsSelf, "{le16 id; u8 reserved[6]}", "u8 cap_specific_data[]"),
		v14Op(OpDriverCapSet, groupsSelf, "{le16 id; u8 reserved[6]; u8 cap_specific_data[]}", layoutNone),
		v14Op(OpResourceObjCreate, groupsAny,
			"{hdr "+layoutResObjHdr+"; le64 flags; u8 obj_specific_data[]} (SR-IOV for DEV_PARTS)", layoutNone),
		v14Op(OpResourceObjQuery, groupsAny,
			"{hdr "+layoutResObjHdr+"} [spec conflict: the opcode table says 0xb = QUERY, 0xc = MODIFY; "+
				"the section text swaps them; migsim follows the table]",
			"u8 obj_specific_data[] (from the last CREATE/MODIFY)"),
		v14Op(OpResourceObjModify, groupsAny,
			"{hdr "+layoutResObjHdr+"; u8 obj_specific_data[]} [spec conflict: the opcode table says 0xc = MODIFY, "+
				"the section text says 0xb; migsim follows the table]",
			layoutNone),
		v14Op(OpResourceObjDestroy, groupsAny, "{hdr "+layoutResObjHdr+"}", layoutNone),
		v14Op(OpDevPartsMetadataGet, groupsSRIOV,
			"{hdr; u8 type (0 SIZE, 1 COUNT, 2 LIST); u8 reserved[7]}",
			"SIZE {le32 size; le32 reserved} | COUNT {le32 count; le32 reserved} | "+
				"LIST {le32 count; le32 reserved; virtio_dev_part_hdr hdrs[]}; buffer too small: ENOMEM"),
		v14Op(OpDevPartsGet, groupsSRIOV,
			"{hdr; u8 type (0 SELECTED, 1 ALL); u8 reserved[7]; virtio_dev_part_hdr hdr_list[]}",
			"virtio_dev_part parts[] (in the required order)"),
		v14Op(OpDevPartsSet, groupsSRIOV, "{hdr; virtio_dev_part parts[]}", layoutNone),
		v14Op(OpDevModeSet, groupsSRIOV, "{u8 flags} (bit 0 STOPPED: 1 stop, 0 resume)", layoutNone),
	}
}

func draft2023Opcodes() []OpcodeInfo {
	return []OpcodeInfo{
		draftOp(DraftOpListQuery, groupsAny, layoutNone, layoutOpcodeBitmap),
		draftOp(DraftOpListUse, groupsAny, layoutOpcodeBitmap, layoutNone),
		draftOp(DraftOpDevModeSet, groupsSRIOV, layoutDraftModeData, layoutNone),
		draftOp(DraftOpDevModeGet, groupsSRIOV, layoutNone, "{u8 mode; u8 reserved[7]}"),
		draftOp(DraftOpDevCtxSizeGet, groupsSRIOV, "{u8 freeze_mode; u8 reserved[7]}",
			"{le64 size} (bytes a read would return now; freeze_mode=1: upper bound for a read in Freeze)"),
		draftOp(DraftOpDevCtxRead, groupsSRIOV, layoutNone,
			"{le32 size; le32 remaining_ctx_size; u8 ctx[size]} (prefix of whole fields; the rest on the next read)"),
		draftOp(DraftOpDevCtxWrite, groupsSRIOV,
			"u8 ctx[] (only in Freeze, else EINVAL/INVALID_FIELD; applied at the move to Active)", layoutNone),
		draftOp(DraftOpDevCtxFieldsQuery, groupsSRIOV, layoutNone,
			"{le32 count; le32 reserved; {le16 type; u8 reserved[2]; le32 length} entries[count]}"),
		draftOp(DraftOpDevCtxDiscard, groupsSRIOV, layoutNone,
			"none (drops the read cursor and the incremental baseline)"),
	}
}

// Opcodes lists every admin command of the edition in value order: for
// virtio-1.4 the opcode table of the virtio spec (admin.tex, 0x0..0x11); for
// draft-2023 LIST_QUERY, LIST_USE and the simulator-assigned draft commands
// 0x7..0xd (docs/spec.md, "The two editions"). An unknown edition has none.
// The list is the caller's copy.
func (e Edition) Opcodes() []OpcodeInfo {
	t := e.opcodeTable()
	if t == nil {
		return nil
	}
	out := make([]OpcodeInfo, len(t))
	for i, o := range t {
		out[i] = o.clone()
	}
	return out
}

// The opcode tables, built once: lookups run on every admin command.
var (
	virtio14Table  = virtio14Opcodes()
	draft2023Table = draft2023Opcodes()
)

func (e Edition) opcodeTable() []OpcodeInfo {
	switch e {
	case Virtio14:
		return virtio14Table
	case Draft2023:
		return draft2023Table
	}
	return nil
}

func (o OpcodeInfo) clone() OpcodeInfo {
	o.Groups = append([]GroupType(nil), o.Groups...)
	return o
}

// lookupOpcode returns the shared table entry of v, or nil.
func (e Edition) lookupOpcode(v uint16) *OpcodeInfo {
	t := e.opcodeTable()
	for i := range t {
		if t[i].Value == v {
			return &t[i]
		}
	}
	return nil
}

// LookupOpcode returns the edition's command with value v (the caller's
// copy).
func (e Edition) LookupOpcode(v uint16) (OpcodeInfo, bool) {
	if o := e.lookupOpcode(v); o != nil {
		return o.clone(), true
	}
	return OpcodeInfo{}, false
}

// HasOpcode reports whether v is an opcode of the edition.
func (e Edition) HasOpcode(v uint16) bool { return e.lookupOpcode(v) != nil }

// OpcodeName names v in the edition (DEV_MODE_SET is 0x11 in virtio-1.4 and
// 0x7 in draft-2023), or OPCODE_0x… when the edition has no such opcode.
func (e Edition) OpcodeName(v uint16) string {
	if o := e.lookupOpcode(v); o != nil {
		return o.Name
	}
	return fmt.Sprintf("OPCODE_%#04x", v)
}
