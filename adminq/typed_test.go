package adminq

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

func hdr(op uint16, group spec.GroupType, member uint64) []byte {
	return Command{Opcode: op, Group: group, Member: member}.Encode()
}

func le32(v uint32) []byte { return binary.LittleEndian.AppendUint32(nil, v) }

func cat(bs ...[]byte) []byte {
	var out []byte
	for _, b := range bs {
		out = append(out, b...)
	}
	return out
}

// TestADM_DEV_01_EveryCommandData decodes and re-encodes the data of every
// command of both editions and checks the typed value.
func TestADM_DEV_01_EveryCommandData(t *testing.T) {
	partHdr := []byte{0x03, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0}
	tests := []struct {
		ed   spec.Edition
		op   uint16
		data []byte
		want Payload
	}{
		{spec.Virtio14, 0x0, nil, None{}},
		{spec.Virtio14, 0x1, []byte{3, 0, 0, 0, 0, 0, 0, 0}, Bitmap{Kind: BitmapOpcodes, Edition: spec.Virtio14, Words: []uint64{3}}},
		{spec.Virtio14, 0x2, []byte{20, 0, 0, 0, 0, 0, 0, 0, 7}, LegacyCfgWrite{Offset: 20, Registers: []byte{7}}},
		{spec.Virtio14, 0x3, []byte{20}, LegacyCfgRead{Offset: 20}},
		{spec.Virtio14, 0x4, []byte{4, 0, 0, 0, 0, 0, 0, 0, 1, 2}, LegacyCfgWrite{Offset: 4, Registers: []byte{1, 2}}},
		{spec.Virtio14, 0x5, []byte{4}, LegacyCfgRead{Offset: 4}},
		{spec.Virtio14, 0x6, nil, None{}},
		{spec.Virtio14, 0x7, nil, None{}},
		{spec.Virtio14, 0x8, []byte{5, 0, 0, 0, 0, 0, 0, 0}, CapGet{ID: 5}},
		{spec.Virtio14, 0x9, []byte{5, 0, 0, 0, 0, 0, 0, 0, 0xaa}, DriverCapSet{ID: 5, Cap: Raw{Name: "cap_specific_data", Bytes: []byte{0xaa}}}},
		{spec.Virtio14, 0xa, cat([]byte{0, 2, 0, 0}, le32(9), make([]byte, 8), []byte{0xee}),
			ObjCreate{Hdr: ObjHeader{Type: 0x200, ID: 9}, Specific: Raw{Name: "resource_obj_specific_data", Bytes: []byte{0xee}}}},
		{spec.Virtio14, 0xb, cat([]byte{0, 0, 0, 0}, le32(2)), ObjHeader{ID: 2}},
		{spec.Virtio14, 0xc, cat([]byte{0, 0, 0, 0}, le32(2), []byte{1, 0, 0, 0, 0, 0, 0, 0}, []byte{1, 0, 0, 0, 0, 0, 0, 0}),
			ObjCreate{Hdr: ObjHeader{ID: 2}, Flags: 1, Specific: DevPartsObj{Type: 1}}},
		{spec.Virtio14, 0xd, cat([]byte{0, 0, 0, 0}, le32(2)), ObjHeader{ID: 2}},
		{spec.Virtio14, 0xe, cat([]byte{0, 0, 0, 0}, le32(2), []byte{2, 0, 0, 0, 0, 0, 0, 0}), MetadataGet{Hdr: ObjHeader{ID: 2}, Type: spec.MetadataList}},
		{spec.Virtio14, 0xf, cat([]byte{0, 0, 0, 0}, le32(2), make([]byte, 8), partHdr),
			PartsGet{Hdr: ObjHeader{ID: 2}, Type: spec.PartsGetSelected, HdrList: [][16]byte{[16]byte(partHdr)}}},
		{spec.Virtio14, 0x10, cat([]byte{0, 0, 0, 0}, le32(2), partHdr, []byte{0xf}), PartsSet{Hdr: ObjHeader{ID: 2}, Parts: append(append([]byte(nil), partHdr...), 0xf)}},
		{spec.Virtio14, 0x11, []byte{1}, ModeFlags{Flags: 1}},
		{spec.Draft2023, 0x0, nil, None{}},
		{spec.Draft2023, 0x1, []byte{0x80, 0x3f, 0, 0, 0, 0, 0, 0}, Bitmap{Kind: BitmapOpcodes, Edition: spec.Draft2023, Words: []uint64{0x3f80}}},
		{spec.Draft2023, 0x7, []byte{2, 0, 0, 0, 0, 0, 0, 0}, DraftMode{Mode: spec.ModeFreeze}},
		{spec.Draft2023, 0x8, nil, None{}},
		{spec.Draft2023, 0x9, []byte{1, 0, 0, 0, 0, 0, 0, 0}, CtxSizeGet{FreezeMode: 1}},
		{spec.Draft2023, 0xa, nil, None{}},
		{spec.Draft2023, 0xb, []byte{1, 0, 0, 0, 0, 0, 0, 0}, Raw{Name: "ctx", Bytes: []byte{1, 0, 0, 0, 0, 0, 0, 0}}},
		{spec.Draft2023, 0xc, nil, None{}},
		{spec.Draft2023, 0xd, nil, None{}},
	}
	for _, tt := range tests {
		name := tt.ed.String() + "/" + OpcodeName(tt.ed, tt.op)
		t.Run(name, func(t *testing.T) {
			in := cat(hdr(tt.op, spec.GroupSRIOV, 1), tt.data)
			c := DecodeTypedCommand(tt.ed, in)
			assert.Equal(t, tt.want, c.Data.Payload)
			assert.Nil(t, c.Data.Extra)
			assert.Equal(t, in, c.Encode())
			assert.NotEmpty(t, c.Fields())
		})
	}
	for _, ed := range spec.Editions {
		covered := map[uint16]bool{}
		for _, tt := range tests {
			if tt.ed == ed {
				covered[tt.op] = true
			}
		}
		for _, cs := range Commands(ed) {
			assert.True(t, covered[cs.Opcode], "%s %s has no data case", ed, cs.Name)
		}
	}
}

// TestADM_DEV_01_EveryCommandResult decodes and re-encodes the result of
// every command that has one. Context and parts results stay raw here,
// whatever their content: package devctx decodes them.
func TestADM_DEV_01_EveryCommandResult(t *testing.T) {
	notify := make([]byte, 64)
	notify[0], notify[1], notify[8] = 1, 2, 0x40
	tests := []struct {
		ed     spec.Edition
		op     uint16
		data   []byte // request data
		result []byte
		want   Payload
	}{
		{spec.Virtio14, 0x0, nil, []byte{3, 0, 0, 0, 0, 0, 0, 0}, Bitmap{Kind: BitmapOpcodes, Edition: spec.Virtio14, Words: []uint64{3}}},
		{spec.Virtio14, 0x3, []byte{20}, []byte{0x0f}, Raw{Name: "registers", Bytes: []byte{0x0f}}},
		{spec.Virtio14, 0x6, nil, notify, LegacyNotifyInfo{Entries: [4]NotifyInfo{{Flags: 1, BAR: 2, Offset: 0x40}}}},
		{spec.Virtio14, 0x8, []byte{9, 0}, []byte{1, 2, 3}, Raw{Name: "cap_specific_data", Bytes: []byte{1, 2, 3}}},
		{spec.Virtio14, 0xb, cat([]byte{0, 0, 0, 0}, le32(2)), []byte{1, 0, 0, 0, 0, 0, 0, 0}, DevPartsObj{Type: 1}},
		{spec.Virtio14, 0xe, cat(make([]byte, 8), []byte{1}), []byte{4, 0, 0, 0, 0, 0, 0, 0},
			Raw{Name: "result", Bytes: []byte{4, 0, 0, 0, 0, 0, 0, 0}}},
		{spec.Virtio14, 0xf, cat(make([]byte, 8), []byte{1}), []byte{3, 1, 0, 0}, Raw{Name: "result", Bytes: []byte{3, 1, 0, 0}}},
		{spec.Draft2023, 0x0, nil, []byte{0x83, 0x3f, 0, 0, 0, 0, 0, 0}, Bitmap{Kind: BitmapOpcodes, Edition: spec.Draft2023, Words: []uint64{0x3f83}}},
		{spec.Draft2023, 0x8, nil, []byte{1, 0, 0, 0, 0, 0, 0, 0}, DraftMode{Mode: spec.ModeStop}},
		{spec.Draft2023, 0x9, []byte{1}, []byte{0x40, 0, 0, 0, 0, 0, 0, 0}, Raw{Name: "result", Bytes: []byte{0x40, 0, 0, 0, 0, 0, 0, 0}}},
		{spec.Draft2023, 0xa, nil, cat(le32(0xffffffff), le32(5)), Raw{Name: "result", Bytes: cat(le32(0xffffffff), le32(5))}},
		{spec.Draft2023, 0xc, nil, cat(le32(2), le32(0)), Raw{Name: "result", Bytes: cat(le32(2), le32(0))}},
	}
	for _, tt := range tests {
		name := tt.ed.String() + "/" + OpcodeName(tt.ed, tt.op)
		t.Run(name, func(t *testing.T) {
			req := DecodeTypedCommand(tt.ed, cat(hdr(tt.op, spec.GroupSRIOV, 1), tt.data))
			in := cat(make([]byte, 8), tt.result)
			r := DecodeTypedResult(tt.ed, &req, in)
			assert.Equal(t, tt.want, r.Data.Payload)

			assert.Equal(t, in, r.Encode())
			assert.NotEmpty(t, r.Fields())
		})
	}
}

// TestContextResultsAreDevctx lists the commands whose result adminq leaves
// to package devctx.
func TestContextResultsAreDevctx(t *testing.T) {
	var got []string
	for _, ed := range spec.Editions {
		for _, cs := range Commands(ed) {
			if cs.ContextResult() {
				got = append(got, ed.String()+" "+cs.Name)
			}
		}
	}
	assert.Equal(t, []string{
		"draft-2023 DEV_CTX_SIZE_GET", "draft-2023 DEV_CTX_READ", "draft-2023 DEV_CTX_FIELDS_QUERY",
		"virtio-1.4 DEV_PARTS_METADATA_GET", "virtio-1.4 DEV_PARTS_GET",
	}, got)
}

// TestAVQ_DEV_02_LengthRules checks the lengths a body keeps: short data
// reads as zero, padding survives re-encoding, and non-zero ignored bytes
// are kept and reported (AVQ-DEV-01, AVQ-DEV-02).
func TestAVQ_DEV_02_LengthRules(t *testing.T) {
	tests := []struct {
		name      string
		in        []byte
		want      Payload
		wantExtra []byte
	}{
		{"empty DEVICE_CAP_GET data reads as id 0", hdr(0x8, spec.GroupSelf, 0), CapGet{}, nil},
		{"one byte of METADATA_GET", cat(hdr(0xe, spec.GroupSRIOV, 1), []byte{0}), MetadataGet{}, nil},
		{"DEV_MODE_SET with non-zero padding", cat(hdr(0x11, spec.GroupSRIOV, 1), []byte{1, 0, 0xcc}), ModeFlags{Flags: 1}, []byte{0, 0xcc}},
		{"LIST_QUERY with 8 zero bytes", cat(hdr(0x0, spec.GroupSRIOV, 0), make([]byte, 8)), None{}, nil},
		{"LIST_USE with a partial word", cat(hdr(0x1, spec.GroupSRIOV, 0), []byte{3, 0, 1}),
			Bitmap{Kind: BitmapOpcodes, Edition: spec.Virtio14, Words: []uint64{0x10003}}, nil},
		{"PARTS_GET with a partial header", cat(hdr(0xf, spec.GroupSRIOV, 1), make([]byte, 16), []byte{3, 1}),
			PartsGet{HdrList: [][16]byte{{3, 1}}}, nil},
		{"short header", []byte{0x11, 0, 1}, ModeFlags{}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := DecodeTypedCommand(spec.Virtio14, tt.in)
			assert.Equal(t, tt.want, c.Data.Payload)
			assert.Equal(t, tt.wantExtra, c.Data.Extra)
			want := tt.in
			if len(want) < spec.AdminCmdHeaderSize {
				want = append(append([]byte(nil), want...), make([]byte, spec.AdminCmdHeaderSize-len(want))...)
				assert.True(t, c.Short)
			}
			assert.Equal(t, want, c.Encode())
		})
	}
}

// TestAVQ_DEV_01_EditedValueNotLost checks that a typed value changed after
// decoding short data is not cut to the original length.
func TestAVQ_DEV_01_EditedValueNotLost(t *testing.T) {
	c := DecodeTypedCommand(spec.Virtio14, hdr(0x8, spec.GroupSelf, 0))
	require.Equal(t, 0, c.Data.Len)
	c.Data.Payload = CapGet{ID: 0x801}
	again := DecodeTypedCommand(spec.Virtio14, c.Encode())
	assert.Equal(t, CapGet{ID: 0x801}, again.Data.Payload)
}

// TestADM_DRV_04_NonOKResultStaysRaw checks that a failed command's result
// bytes are not interpreted.
func TestADM_DRV_04_NonOKResultStaysRaw(t *testing.T) {
	req := DecodeTypedCommand(spec.Virtio14, hdr(0x8, spec.GroupSelf, 0))
	in := []byte{22, 0, 3, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}
	r := DecodeTypedResult(spec.Virtio14, &req, in)
	assert.Equal(t, Raw{Name: "result", Bytes: []byte{0xff, 0xff, 0xff, 0xff}}, r.Data.Payload)
	assert.Equal(t, in, r.Encode())
}

// TestParseOpcode checks names and numbers per edition.
func TestParseOpcode(t *testing.T) {
	tests := []struct {
		ed      spec.Edition
		in      string
		want    uint16
		wantErr bool
	}{
		{spec.Virtio14, "DEV_PARTS_GET", 0xf, false},
		{spec.Virtio14, "dev_mode_set", 0x11, false},
		{spec.Draft2023, "DEV_MODE_SET", 0x7, false},
		{spec.Draft2023, "DEV_CTX_READ", 0xa, false},
		{spec.Virtio14, "0x12", 0x12, false},
		{spec.Virtio14, "15", 15, false},
		{spec.Virtio14, "DEV_CTX_READ", 0, true},
		{spec.Virtio14, "0x10000", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.ed.String()+"/"+tt.in, func(t *testing.T) {
			got, err := ParseOpcode(tt.ed, tt.in)
			if tt.wantErr {
				assert.Error(t, err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestADM_DEV_01_UnknownOpcodeRaw checks that an opcode the edition does
// not define keeps its data raw and round-trips.
func TestADM_DEV_01_UnknownOpcodeRaw(t *testing.T) {
	in := cat(hdr(0x0f, spec.GroupSRIOV, 1), []byte{1, 2, 3})
	c := DecodeTypedCommand(spec.Draft2023, in)
	assert.Equal(t, Raw{Name: "data", Bytes: []byte{1, 2, 3}}, c.Data.Payload)
	assert.Equal(t, "OPCODE_0x000f", c.Name())
	assert.Equal(t, in, c.Encode())
}

// TestNamedFieldValues pins the names adminq prints for small enumerated
// fields, and their fallbacks.
func TestNamedFieldValues(t *testing.T) {
	assert.Equal(t, []string{"END (0)", "OWNER (1)", "MEMBER (2)", "FLAGS_3"},
		[]string{notifyFlagsName(0), notifyFlagsName(1), notifyFlagsName(2), notifyFlagsName(3)})
	var got []string
	for typ := uint8(0); typ < 3; typ++ {
		got = append(got, DevPartsObj{Type: typ}.Fields()[0].Value)
	}
	assert.Equal(t, []string{"GET (0)", "SET (1)", "TYPE_2"}, got)
}
