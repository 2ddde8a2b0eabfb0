package extdevice_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// TestProtocolDocVirtio14 keeps the section "What a virtio-1.4 device
// must answer" of docs/device-protocol.md generated from the packages
// that encode what it describes: every number and offset in it is read
// from spec, adminq and devctx (offsets by encoding marker values).
func TestProtocolDocVirtio14(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, generatedBy, "TestProtocolDocVirtio14", "TestProtocolDocVirtio14")
	b.WriteString("A migrating virtio-1.4 row sends the source's device, as `admin` events, DEV_MODE_SET, " +
		"DEV_PARTS_METADATA_GET and DEV_PARTS_GET, and the destination's DEV_PARTS_SET (the owner answers " +
		"RESOURCE_OBJ_CREATE and RESOURCE_OBJ_DESTROY itself). The layouts are the virtio spec's " +
		"(\"Device parts\", \"Device Part Header\", and the administration commands of \"Device parts\" " +
		"in \"Administration Virtqueues\"); all integers are little-endian, `data` is the command-specific " +
		"data and the result is what the completion carries.\n\n")

	hdr := devctx.PartHeader{Type: 0x0a0b, Flags: 0xf1, Reserved: 0xf2, Selector: [8]byte{0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8}, Length: 0xd1d2d3d4}.Encode()
	require.Len(t, hdr, spec.PartHeaderSize)
	fmt.Fprintf(&b, "Part header (struct virtio_dev_part_hdr, %d bytes): le16 part_type at %d, u8 flags at %d "+
		"(bit 0 OPTIONAL: %#x), u8 reserved at %d, u8 selector[8] at %d (a virtqueue part's queue index, le16), "+
		"le32 length at %d (of the value that follows the header).\n\n",
		len(hdr), at(t, hdr, 0x0b, 0x0a), at(t, hdr, 0xf1), spec.PartFlagOptional, at(t, hdr, 0xf2), at(t, hdr, 0xc1, 0xc2), at(t, hdr, 0xd4, 0xd3, 0xd2, 0xd1))
	vqp := devctx.VQCfg{}.Part(0x0e0f)
	sel := devctx.EncodeParts([]devctx.Part{vqp})
	require.Equal(t, []byte{0x0f, 0x0e}, sel[at(t, hdr, 0xc1, 0xc2):][:2], "a VQ part's selector is its queue index")

	b.WriteString("| part | type | value |\n|---|---|---|\n")
	for _, p := range []struct {
		t     spec.PartType
		value string
	}{
		{spec.PartDevFeatures, referenceSimplePart(t, spec.PartDevFeatures, "the device feature bits (all 64; selector 0)")},
		{spec.PartDrvFeatures, referenceSimplePart(t, spec.PartDrvFeatures, "the driver feature bits (all 64; selector 0)")},
		{spec.PartPCICommonCfg, "one part per field of struct virtio_pci_common_cfg, the field's offset in the selector (le32 at selector byte 0, le32 reserved): the reference's GET returns " +
			referenceCommonCfgParts(t) + "; a SET may carry any other field at its offset and size (a le64 queue address whole or as its 32-bit halves, docs/context-format.md), a read-only or per-queue one included, which the device accepts and does not apply (DP-DEV-06: DEVICE_STATUS and VQ_CFG carry those)"},
		{spec.PartDeviceStatus, referenceSimplePart(t, spec.PartDeviceStatus, "the device status byte (device_status; selector 0)")},
		{spec.PartVQCfg, fmt.Sprintf("%d bytes, one part per virtqueue (below)", spec.VQCfgSize)},
		{spec.PartVQNotifyCfg, fmt.Sprintf("%d bytes, one part per virtqueue: le16 queue_notify_off, le16 queue_notif_config_data, u8 reserved[4]; the reference's are both the queue's index (its doorbell's place in the notify region, \"Constants\"), read-only: a SET checks the part's length and queue and applies nothing", spec.VQNotifyCfgSize)},
		{spec.PartNetCVQCfg, "virtio-net's control virtqueue state (\"Device parts\" of the network device)"},
	} {
		fmt.Fprintf(&b, "| %s | %#x | %s |\n", p.t, uint16(p.t), p.value)
	}
	vq := devctx.VQCfg{QueueSize: 0x0a0b, Vector: 0x0c0d, Enabled: 0x0e0f,
		Desc: 0x1112131415161718, Driver: 0x2122232425262728, Device: 0x3132333435363738}.Encode()
	require.Len(t, vq, spec.VQCfgSize)
	fmt.Fprintf(&b, "\nVQ_CFG value (%d bytes): le16 queue_size at %d, le16 queue_msix_vector at %d, le16 queue_enable at %d, "+
		"le16 reserved, le64 queue_desc at %d, le64 queue_driver at %d, le64 queue_device at %d.\n\n",
		len(vq), at(t, vq, 0x0b, 0x0a), at(t, vq, 0x0d, 0x0c), at(t, vq, 0x0f, 0x0e), at(t, vq, 0x18, 0x17), at(t, vq, 0x28, 0x27), at(t, vq, 0x38, 0x37))

	obj := adminq.ObjHeader{Type: 0x0a0b, ID: 0xd1d2d3d4}.Encode()
	require.Len(t, obj, spec.ResourceObjCmdHeaderSize)
	mg := adminq.MetadataGet{Hdr: adminq.ObjHeader{}, Type: 0x5a}.Encode()
	pg := adminq.PartsGet{Type: 0x5a, HdrList: [][16]byte{{}}}.Encode()
	size, list := devctx.MetadataSize{Size: 0xd1d2d3d4}.Encode(), devctx.MetadataList{Count: 1, Headers: []devctx.PartHeader{{}}}.Encode()
	set := adminq.PartsSet{Parts: []byte{0x5a}}.Encode()
	fmt.Fprintf(&b, "Every parts command's data starts with the resource object header (struct "+
		"virtio_admin_cmd_resource_obj_cmd_hdr, %d bytes): le16 type at %d (DEV_PARTS: %d), u8 reserved[2], le32 id at %d "+
		"(the object the owner created; also the event's `object_id`).\n\n",
		len(obj), at(t, obj, 0x0b, 0x0a), spec.ResourceObjDevParts, at(t, obj, 0xd4, 0xd3, 0xd2, 0xd1))
	b.WriteString("| opcode | data | result |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| %#x %s | %d bytes: the object header, u8 type at %d (%s %d, %s %d, %s %d), u8 reserved[7] | "+
		"%s and %s: %d bytes, le32 size (the bytes of all parts) or count at %d, le32 reserved; %s: the same %d bytes (count) "+
		"and then count part headers (%d bytes each) |\n",
		uint16(spec.OpDevPartsMetadataGet), spec.OpDevPartsMetadataGet, len(mg), at(t, mg, 0x5a),
		spec.MetadataSize, spec.MetadataSize, spec.MetadataCount, spec.MetadataCount, spec.MetadataList, spec.MetadataList,
		spec.MetadataSize, spec.MetadataCount, len(size), at(t, size, 0xd4, 0xd3, 0xd2, 0xd1), spec.MetadataList, len(size), len(list)-len(size))
	fmt.Fprintf(&b, "| %#x %s | %d bytes: the object header, u8 type at %d (%s %d: the parts whose headers follow; %s %d: every part), "+
		"u8 reserved[7], then (%s) part headers of %d bytes, headers only: no value follows one, whatever its `length` says (the device test that sends one copies headers a DEV_PARTS_GET ALL returned, their `length` included) | the parts, back to back: each its %d-byte header and `length` bytes of value, in the order the spec requires (DP-DEV-03; docs/device-model.md), whatever order a SELECTED request lists them in |\n",
		uint16(spec.OpDevPartsGet), spec.OpDevPartsGet, len(pg)-spec.PartHeaderSize, at(t, pg, 0x5a),
		spec.PartsGetSelected, spec.PartsGetSelected, spec.PartsGetAll, spec.PartsGetAll, spec.PartsGetSelected, spec.PartHeaderSize, spec.PartHeaderSize)
	fmt.Fprintf(&b, "| %#x %s | the %d-byte object header, then the parts from byte %d, as DEV_PARTS_GET returns them | none |\n",
		uint16(spec.OpDevPartsSet), spec.OpDevPartsSet, spec.ResourceObjCmdHeaderSize, at(t, set, 0x5a))
	flags := adminq.ModeFlags{Flags: spec.DevModeFlagStopped}.Encode()
	require.True(t, adminq.ModeFlags{Flags: flags[0]}.Stopped())
	fmt.Fprintf(&b, "| %#x %s | %d byte: u8 flags at %d, bit 0 STOPPED (%#x): set, stop the device (%s); clear, resume it (%s); "+
		"the reference ignores the other bits | none |\n",
		uint16(spec.OpDevModeSet), spec.OpDevModeSet, len(flags), at(t, flags, spec.DevModeFlagStopped), spec.DevModeFlagStopped,
		spec.Virtio14.ModeName(spec.ModeStop), spec.Virtio14.ModeName(spec.ModeActive))
	b.WriteString("\nThe reference writes the parts in the spec's order (DEV_FEATURES, DRV_FEATURES, PCI_COMMON_CFG, " +
		"DEVICE_STATUS, the VQ_CFG parts, the VQ_NOTIFY_CFG parts, then the device type's); `devctx` (Go) encodes " +
		"and checks all of it, and `migsim decode` prints a command or result field by field.\n\n")
	b.WriteString("The failures the reference answers, and the owner and the kit expect:\n\n")
	b.WriteString(failureTable(t, virtio14Failures()))
	b.WriteString("\n" + failuresNote())
	golden.CheckSection(t, protocolDoc, "virtio-1.4", []byte(b.String()))
}

// at is the offset of the one occurrence of marker in b.
func at(t *testing.T, b []byte, marker ...byte) int {
	t.Helper()
	i := bytes.Index(b, marker)
	require.GreaterOrEqual(t, i, 0, "marker % x in % x", marker, b)
	require.Equal(t, -1, bytes.Index(b[i+1:], marker), "marker % x twice in % x", marker, b)
	return i
}

// referenceSimplePart describes the one part of type pt in a new reference
// device's DEV_PARTS_GET ALL: its value's size and what it holds, and the
// OPTIONAL flag when the reference sets it.
func referenceSimplePart(t *testing.T, pt spec.PartType, holds string) string {
	var found []devctx.Part
	for _, p := range referenceParts(t) {
		if p.Type == pt {
			found = append(found, p)
		}
	}
	require.Len(t, found, 1, "%s parts", pt)
	p := found[0]
	require.Equal(t, [8]byte{}, p.Selector, "%s's selector", pt)
	unit := "bytes"
	if len(p.Value) == 1 {
		unit = "byte"
	}
	kind := map[int]string{1: "u8", 2: "le16", 4: "le32", 8: "le64"}[len(p.Value)]
	require.NotEmpty(t, kind, "%s's value of %d bytes", pt, len(p.Value))
	out := fmt.Sprintf("%d %s: %s %s", len(p.Value), unit, kind, holds)
	if p.Flags&spec.PartFlagOptional != 0 {
		out += "; the reference sets OPTIONAL in its header"
	}
	return out
}

// referenceCommonCfgParts names the PCI_COMMON_CFG parts of a new
// reference device's DEV_PARTS_GET ALL, each with its offset and size.
func referenceCommonCfgParts(t *testing.T) string {
	var names []string
	for _, p := range referenceParts(t) {
		if p.Type != spec.PartPCICommonCfg {
			continue
		}
		info, ok := spec.LookupCommonCfgField(p.CommonCfgOffset())
		require.True(t, ok, "offset %d", p.CommonCfgOffset())
		require.Len(t, p.Value, info.Size)
		names = append(names, fmt.Sprintf("%s (offset %d, %d bytes)", info.Name, p.CommonCfgOffset(), info.Size))
	}
	require.NotEmpty(t, names)
	return strings.Join(names, ", ")
}

// referenceParts returns a new reference device's DEV_PARTS_GET ALL.
func referenceParts(t *testing.T) []devctx.Part {
	d := blk.New(member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1,
		Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
	data := make([]byte, spec.ResourceObjCmdHeaderSize+8)
	data[spec.ResourceObjCmdHeaderSize] = uint8(spec.PartsGetAll)
	fx := d.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 1, Opcode: uint16(spec.OpDevPartsGet), Data: data, ResultCap: 1 << 16}})
	require.Len(t, fx.Completions, 1)
	parts, err := devctx.DecodeParts(fx.Completions[0].Result, devctx.DecodeOptions{Complete: true})
	require.NoError(t, err)
	return parts.List
}
