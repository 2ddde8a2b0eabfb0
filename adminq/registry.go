package adminq

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/migsim/migsim/spec"
)

// DataDecoder decodes a command's command-specific data. It reads missing
// bytes as zero and ignores extra bytes, so it never fails.
type DataDecoder func(data []byte) Payload

// ResultDecoder decodes a command's command-specific result. req is the
// decoded data of the command it answers, or nil when unknown; some result
// layouts depend on it (DEVICE_CAP_GET, RESOURCE_OBJ_QUERY). It reads
// missing bytes as zero and ignores extra bytes, so it never fails.
type ResultDecoder func(result []byte, req Payload) Payload

// CommandSpec describes one admin command of one edition.
type CommandSpec struct {
	Edition spec.Edition
	Opcode  uint16
	Name    string
	Data    DataDecoder
	// Result is nil when the result is a context or parts result
	// (DEV_CTX_SIZE_GET, DEV_CTX_READ, DEV_CTX_FIELDS_QUERY,
	// DEV_PARTS_METADATA_GET, DEV_PARTS_GET): package devctx decodes those
	// (devctx.DecodeResult), and DecodeTypedResult keeps them Raw.
	Result ResultDecoder
}

// ContextResult reports whether the command's result is a context or parts
// result, which package devctx decodes.
func (cs CommandSpec) ContextResult() bool { return cs.Result == nil }

func noData(b []byte) Payload              { return None{} }
func noResult(b []byte, _ Payload) Payload { return None{} }

func rawData(name string) DataDecoder {
	return func(b []byte) Payload { return Raw{Name: name, Bytes: rest(b, 0)} }
}

func rawResult(name string) ResultDecoder {
	return func(b []byte, _ Payload) Payload { return Raw{Name: name, Bytes: rest(b, 0)} }
}

func opcodeBitmapData(ed spec.Edition) DataDecoder {
	return func(b []byte) Payload { return DecodeBitmap(BitmapOpcodes, ed, b) }
}

func opcodeBitmapResult(ed spec.Edition) ResultDecoder {
	return func(b []byte, _ Payload) Payload { return DecodeBitmap(BitmapOpcodes, ed, b) }
}

func capBitmapResult(b []byte, _ Payload) Payload {
	return DecodeBitmap(BitmapCaps, spec.Virtio14, b)
}

func virtio14Commands() []CommandSpec {
	ed := spec.Virtio14
	c := func(op spec.Opcode, d DataDecoder, r ResultDecoder) CommandSpec {
		return CommandSpec{Edition: ed, Opcode: uint16(op), Name: op.String(), Data: d, Result: r}
	}
	return []CommandSpec{
		c(spec.OpListQuery, noData, opcodeBitmapResult(ed)),
		c(spec.OpListUse, opcodeBitmapData(ed), noResult),
		c(spec.OpLegacyCommonCfgWrite, decodeLegacyCfgWrite, noResult),
		c(spec.OpLegacyCommonCfgRead, decodeLegacyCfgRead, rawResult("registers")),
		c(spec.OpLegacyDevCfgWrite, decodeLegacyCfgWrite, noResult),
		c(spec.OpLegacyDevCfgRead, decodeLegacyCfgRead, rawResult("registers")),
		c(spec.OpLegacyNotifyInfo, noData, decodeLegacyNotifyInfo),
		c(spec.OpCapIDListQuery, noData, capBitmapResult),
		c(spec.OpDeviceCapGet, decodeCapGet, decodeCapGetResult),
		c(spec.OpDriverCapSet, decodeDriverCapSet, noResult),
		c(spec.OpResourceObjCreate, decodeObjCreate, noResult),
		c(spec.OpResourceObjQuery, decodeObjHeaderPayload, decodeObjQueryResult),
		c(spec.OpResourceObjModify, decodeObjCreate, noResult),
		c(spec.OpResourceObjDestroy, decodeObjHeaderPayload, noResult),
		c(spec.OpDevPartsMetadataGet, decodeMetadataGet, nil), // a parts result: devctx
		c(spec.OpDevPartsGet, decodePartsGet, nil),            // a parts result: devctx
		c(spec.OpDevPartsSet, decodePartsSet, noResult),
		c(spec.OpDevModeSet, decodeModeFlags, noResult),
	}
}

func draftCommands() []CommandSpec {
	ed := spec.Draft2023
	c := func(op spec.DraftOpcode, d DataDecoder, r ResultDecoder) CommandSpec {
		return CommandSpec{Edition: ed, Opcode: uint16(op), Name: op.String(), Data: d, Result: r}
	}
	return []CommandSpec{
		c(spec.DraftOpListQuery, noData, opcodeBitmapResult(ed)),
		c(spec.DraftOpListUse, opcodeBitmapData(ed), noResult),
		c(spec.DraftOpDevModeSet, decodeDraftModeData, noResult),
		c(spec.DraftOpDevModeGet, noData, decodeDraftModeResult),
		c(spec.DraftOpDevCtxSizeGet, decodeCtxSizeGet, nil), // a context result: devctx
		c(spec.DraftOpDevCtxRead, noData, nil),              // a context result: devctx
		c(spec.DraftOpDevCtxWrite, rawData("ctx"), noResult),
		c(spec.DraftOpDevCtxFieldsQuery, noData, nil), // a context result: devctx
		c(spec.DraftOpDevCtxDiscard, noData, noResult),
	}
}

var registry = func() map[spec.Edition]map[uint16]CommandSpec {
	m := map[spec.Edition]map[uint16]CommandSpec{}
	for _, cs := range append(virtio14Commands(), draftCommands()...) {
		if m[cs.Edition] == nil {
			m[cs.Edition] = map[uint16]CommandSpec{}
		}
		m[cs.Edition][cs.Opcode] = cs
	}
	return m
}()

// Lookup returns the command with the opcode in the edition.
func Lookup(ed spec.Edition, op uint16) (CommandSpec, bool) {
	cs, ok := registry[ed][op]
	return cs, ok
}

// Commands returns every command of the edition in opcode order.
func Commands(ed spec.Edition) []CommandSpec {
	out := make([]CommandSpec, 0, len(registry[ed]))
	for _, cs := range registry[ed] {
		out = append(out, cs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Opcode < out[j].Opcode })
	return out
}

// OpcodeName names the opcode in the edition (OPCODE_0x… when unassigned).
func OpcodeName(ed spec.Edition, op uint16) string {
	if ed == spec.Draft2023 {
		return spec.DraftOpcode(op).String()
	}
	return spec.Opcode(op).String()
}

// ParseOpcode parses an opcode of the edition given by name
// (case-insensitive, e.g. DEV_PARTS_GET) or by number (decimal or 0x hex).
func ParseOpcode(ed spec.Edition, s string) (uint16, error) {
	for _, cs := range Commands(ed) {
		if strings.EqualFold(cs.Name, s) {
			return cs.Opcode, nil
		}
	}
	n, err := strconv.ParseUint(s, 0, 16)
	if err != nil {
		return 0, fmt.Errorf("adminq: unknown %s opcode %q (want a command name such as DEV_MODE_SET or a number up to 0xffff)",
			ed, s)
	}
	return uint16(n), nil
}
