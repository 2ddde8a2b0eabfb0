package extdevice_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/spec"
)

// TestProtocolDocDraft2023 keeps the section "What a draft-2023 device
// must answer" of docs/device-protocol.md generated from the packages that
// encode what it describes: every opcode, offset and size in it is read
// from spec, adminq and devctx (offsets by encoding marker values), and
// what the reference device answers (sizes, remaining_ctx_size, failure
// statuses) from member/blk driven with admin events.
func TestProtocolDocDraft2023(t *testing.T) {
	var b strings.Builder
	fmt.Fprintf(&b, generatedBy, "TestProtocolDocDraft2023", "TestProtocolDocDraft2023")
	b.WriteString("A migrating draft-2023 row sends a device, as `admin` events, the commands below (the owner answers " +
		"LIST_QUERY and LIST_USE itself). Their opcodes and layouts are migsim's own, since the 2023 proposal published " +
		"none (docs/spec.md, \"The two editions\"; the context itself is docs/context-format.md, \"draft-2023 device " +
		"context\"); all integers are little-endian, `data` is the command-specific data and the result is what the " +
		"completion carries.\n\n")

	mode := adminq.DraftMode{Mode: 0x5a}.Encode()
	sizeGet := adminq.CtxSizeGet{FreezeMode: 0x5a}.Encode()
	size := devctx.CtxSizeResult{Size: 0x0102030405060708}.Encode()
	read := devctx.CtxReadResult{Remaining: 0xd1d2d3d4, Ctx: []byte{0x5a}}.Encode()
	query := devctx.FieldsQuery{Reserved: 0xe1e2e3e4, Entries: []devctx.FieldInfo{{Type: 0x0a0b, Reserved: [2]byte{0xf1, 0xf2}, Length: 0xc1c2c3c4}}}.Encode()
	require.Len(t, query, 8+spec.DraftFieldsQueryEntrySize)
	modes := make([]string, 0, 3)
	for _, m := range spec.Draft2023.Modes() {
		modes = append(modes, fmt.Sprintf("%s %d", spec.Draft2023.ModeName(m), uint8(m)))
	}
	op := func(o spec.DraftOpcode) string { return fmt.Sprintf("%#x %s", uint16(o), o) }

	b.WriteString("| opcode | data | result |\n|---|---|---|\n")
	fmt.Fprintf(&b, "| %s | %d bytes: u8 mode at %d (%s; any other value is reserved), u8 reserved[%d] | none |\n",
		op(spec.DraftOpDevModeSet), len(mode), at(t, mode, 0x5a), strings.Join(modes, ", "), len(mode)-1)
	fmt.Fprintf(&b, "| %s | none | %d bytes: u8 mode at %d, u8 reserved[%d] |\n",
		op(spec.DraftOpDevModeGet), len(mode), at(t, mode, 0x5a), len(mode)-1)
	fmt.Fprintf(&b, "| %s | %d bytes: u8 freeze_mode at %d (1: the most bytes a read in Freeze could return; any other value: "+
		"the bytes the next read would return now), u8 reserved[%d] | %d bytes: le64 size at %d |\n",
		op(spec.DraftOpDevCtxSizeGet), len(sizeGet), at(t, sizeGet, 0x5a), len(sizeGet)-1, len(size), at(t, size, 0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01))
	fmt.Fprintf(&b, "| %s | none | le32 size at %d, le32 remaining_ctx_size at %d, then `size` bytes of context from byte %d: "+
		"a whole context holding the whole fields that fit (below) |\n",
		op(spec.DraftOpDevCtxRead), at(t, read, 0x01, 0x00, 0x00, 0x00), at(t, read, 0xd4, 0xd3, 0xd2, 0xd1), at(t, read, 0x5a))
	fmt.Fprintf(&b, "| %s | a whole context, as DEV_CTX_READ returns one; several writes in Freeze merge field by field | none |\n",
		op(spec.DraftOpDevCtxWrite))
	fmt.Fprintf(&b, "| %s | none | le32 count at %d, le32 reserved at %d, then count entries of %d bytes: le16 type at %d, "+
		"u8 reserved[2] at %d, le32 length at %d (offsets in the entry) |\n",
		op(spec.DraftOpDevCtxFieldsQuery), at(t, query, 0x01, 0x00, 0x00, 0x00), at(t, query, 0xe4, 0xe3, 0xe2, 0xe1), spec.DraftFieldsQueryEntrySize,
		at(t, query, 0x0b, 0x0a)-8, at(t, query, 0xf1, 0xf2)-8, at(t, query, 0xc4, 0xc3, 0xc2, 0xc1)-8)
	fmt.Fprintf(&b, "| %s | none | none: the next read returns every field |\n", op(spec.DraftOpDevCtxDiscard))

	// What the reference answers: a whole context, then a read into a
	// buffer with room for its first field only.
	r := newRefAdmin(t, spec.Draft2023, spec.DefaultRules(spec.Draft2023))
	sizeOf := func(freeze uint8) uint64 {
		return devctx.DecodeCtxSizeResult(r.ok(uint16(spec.DraftOpDevCtxSizeGet), adminq.CtxSizeGet{FreezeMode: freeze}.Encode(), 8)).Size
	}
	now, bound, other := sizeOf(0), sizeOf(1), sizeOf(2)
	full, err := devctx.DecodeCtxReadResult(r.ok(uint16(spec.DraftOpDevCtxRead), nil, 1<<16))
	require.NoError(t, err)
	require.Zero(t, full.Remaining)
	require.Equal(t, uint64(len(full.Ctx)), now, "DEV_CTX_SIZE_GET with freeze_mode 0 is the size of the next read")
	require.Equal(t, now, other, "freeze_mode 2 reads as 0")
	require.Greater(t, bound, now, "freeze_mode 1 is an upper bound")
	ctx, err := devctx.DecodeDraftContext(full.Ctx)
	require.NoError(t, err)
	require.Greater(t, len(ctx.Fields), 1)
	first := ctx.Fields[0].EncodedSize()
	r.ok(uint16(spec.DraftOpDevCtxDiscard), nil, 0)
	head := at(t, read, 0x5a)
	capacity := head + spec.DraftCtxHeaderSize + first
	part, err := devctx.DecodeCtxReadResult(r.ok(uint16(spec.DraftOpDevCtxRead), nil, capacity))
	require.NoError(t, err)
	rest := 0
	for _, f := range ctx.Fields[1:] {
		rest += f.EncodedSize()
	}
	require.Equal(t, spec.DraftCtxHeaderSize+first, len(part.Ctx))
	require.Equal(t, uint32(rest), part.Remaining, "remaining_ctx_size counts the fields still to read")
	next, err := devctx.DecodeCtxReadResult(r.ok(uint16(spec.DraftOpDevCtxRead), nil, 1<<16))
	require.NoError(t, err)
	require.Zero(t, next.Remaining)
	require.Equal(t, spec.DraftCtxHeaderSize+rest, len(next.Ctx), "the next read returns the rest as a context of its own")

	fmt.Fprintf(&b, "\n`remaining_ctx_size` counts the bytes of the fields a read left for the next ones: each field's "+
		"%d-byte header, its value and its padding, without the %d-byte context header every chunk starts with. The "+
		"owner reads again while it is not 0, and merges the fields of the chunks into one context. For example the "+
		"reference's context after it is created is %d bytes in %d fields (DEV_CTX_SIZE_GET says %d; with freeze_mode 1, %d); "+
		"a DEV_CTX_READ with `result_cap` %d (the read's %d-byte head, the context header and the first field's %d bytes) "+
		"answers size %d and remaining_ctx_size %d, and the next read the other %d fields: size %d, remaining_ctx_size 0. "+
		"A `result_cap` too small for the next whole field fails (below) and changes nothing: the owner's hypervisor sizes "+
		"each read with DEV_CTX_SIZE_GET and, after such a failure, sizes and sends it again, the last time with its largest "+
		"buffer (world/hv, readContext).\n\n",
		spec.DraftFieldHeaderSize, spec.DraftCtxHeaderSize, len(full.Ctx), len(ctx.Fields), now, bound,
		capacity, head, first, len(part.Ctx), part.Remaining, len(ctx.Fields)-1, len(next.Ctx))

	b.WriteString("The failures the reference answers, and the owner and the kit expect:\n\n")
	b.WriteString(failureTable(t, draftFailures()))
	b.WriteString("\n" + failuresNote())
	golden.CheckSection(t, protocolDoc, "draft-2023", []byte(b.String()))
}
