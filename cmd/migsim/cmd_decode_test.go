package main

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/decodeview"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/spec"
)

// runDecodeCLI runs `migsim decode args...` in-process.
func runDecodeCLI(t *testing.T, stdin []byte, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"decode"}, args...), bytes.NewReader(stdin), &stdout, &stderr)
	return code, stdout.String(), stderr.String()
}

const (
	hexPartsGetAll   = "0f000100000000000000000000000000030000000000000000000000010000000100000000000000"
	hexPartsSet      = "1000010000000000000000000000000007000000000000000000000000000000010100000000000000000000080000004600003001000000030100000000000000000000010000000f"
	hexMetadataSize  = "0e000100000000000000000000000000030000000000000000000000010000000000000000000000"
	hexMetadataList  = "0e000100000000000000000000000000030000000000000000000000010000000200000000000000"
	hexDevModeLinux  = "11000100000000000000000000000000030000000000000001"
	hexObjCreateSet  = "0a0001000000000000000000000000000700000000000000000000000000000000000000000000000100000000000000"
	hexPartsGetSel   = "0f0001000000000000000000000000000300000000000000000000000100000000000000000000000301000000000000000000000000000004010000010000000000000000000000"
	hexListQueryRes  = "000000000000000083e7030000000000"
	hexMetadataRes   = "0000000000000000c800000000000000"
	hexInvalidMember = "1600050000000000"
	// hexNetParts is a run of VIRTIO_NET_DEV_PART_CVQ_CFG_PART parts (the
	// vectors of devctx/testdata/net-cvq-parts.json): RX_PROMISC on,
	// MAC_TABLE_SET, the VLAN table, ANNOUNCE_ACK (OPTIONAL), MQ_VQ_PAIRS_SET 4.
	hexNetParts = "00020000000000000000000001000000010002000001000000000000001a00000002000000525400123456525400abcdef0100000001005e0000fb0002000002000000000000000600000001006400fe0f00020100030000000000000000000000000200000400000000000000020000000400"
	// hexNetPartsSet carries them in a DEV_PARTS_SET for VF 7, object 0.
	hexNetPartsSet = "100001000000000000000000000000000700000000000000000000000000000000020000000000000000000001000000010002000001000000000000001a00000002000000525400123456525400abcdef0100000001005e0000fb0002000002000000000000000600000001006400fe0f00020100030000000000000000000000000200000400000000000000020000000400"
)

// sampleDraftContext is a small draft-2023 context built with devctx.
func sampleDraftContext() []byte {
	return devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{
		devctx.DeviceStatusField(spec.DeviceStatus(0x0f)),
		devctx.DevCfgField([]byte{1, 2, 3}),
	}})
}

// draftReadResult wraps ctx in an OK DEV_CTX_READ result.
func draftReadResult(ctx []byte, remaining uint32) []byte {
	b := make([]byte, 16)
	binary.LittleEndian.PutUint32(b[8:], uint32(len(ctx)))
	binary.LittleEndian.PutUint32(b[12:], remaining)
	return append(b, ctx...)
}

// TestDecodeAcceptanceExample decodes a DEV_PARTS_GET command (ALL, VF 3,
// object 1) and checks the fields a reader looks for.
func TestDecodeAcceptanceExample(t *testing.T) {
	code, out, errOut := runDecodeCLI(t, nil, "--as", "command", hexPartsGetAll)
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	for _, want := range []string{"DEV_PARTS_GET", "SR-IOV", "member       3", "object.id    1", "type         ALL"} {
		assert.Contains(t, out, want)
	}
}

// TestDecodeGolden checks the full text output of representative inputs
// against testdata/decode; regenerate with
//
//	go test ./cmd/migsim -run TestDecodeGolden -rewrite
//
// and review the diff.
func TestDecodeGolden(t *testing.T) {
	tests := []struct {
		name  string
		stdin []byte
		args  []string
	}{
		{"parts-get-all", nil, []string{hexPartsGetAll}},
		{"parts-get-selected", nil, []string{hexPartsGetSel}},
		{"parts-set", nil, []string{hexPartsSet}},
		{"dev-mode-set-linux", nil, []string{hexDevModeLinux}},
		{"obj-create-set", nil, []string{hexObjCreateSet}},
		{"result-list-query", nil, []string{"--as", "result", "--op", "LIST_QUERY", hexListQueryRes}},
		{"result-metadata-size", nil, []string{"--as", "result", "--req", hexMetadataSize, hexMetadataRes}},
		{"result-status-only", nil, []string{"--as", "result", hexInvalidMember}},
		{"result-raw", nil, []string{"--as", "result", hexMetadataRes}},
		{"draft-mode-set-freeze", nil, []string{"--spec", "draft-2023", "070001000000000000000000000000000200000000000000 0200000000000000"}},
		{"draft-ctx-read", draftReadResult(sampleDraftContext(), 0), []string{"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_READ", "-"}},
		{"context", sampleDraftContext(), []string{"--as", "context", "-"}},
		{"result-ctx-size", nil, []string{"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_SIZE_GET", "0000000000000000 4000000000000000"}},
		{"result-fields-query", nil, []string{"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_FIELDS_QUERY", "0000000000000000 02000000 00000000 0100 0000 40000000 0010 0102 08000000"}},
		{"result-metadata-list", nil, []string{"--as", "result", "--req", hexMetadataList, "0000000000000000 02000000 00000000 03010000000000000000000001000000 04010000010000000000000020000000"}},
		{"result-metadata-no-req", nil, []string{"--as", "result", "--op", "DEV_PARTS_METADATA_GET", "0000000000000000 c800000000000000"}},
		{"result-metadata-size-extra", nil, []string{"--as", "result", "--req", hexMetadataSize, "0000000000000000 c800000000000000 00ff"}},
		{"result-parts-get-all", nil, []string{"--as", "result", "--req", hexPartsGetAll, "0000000000000000 01010000000000000000000008000000460000300100000003010000000000000000000001000000 0f"}},
		{"result-ctx-read-empty", nil, []string{"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_READ", "0000000000000000"}},
		{"net-cvq-parts", nil, []string{"--as", "parts", hexNetParts}},
		{"parts-set-net", nil, []string{hexNetPartsSet}},
		{"result-metadata-list-reserved", nil, []string{"--as", "result", "--req", hexMetadataList, "0000000000000000 01000000 00000000 03010007000000000000000001000000"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runDecodeCLI(t, tt.stdin, tt.args...)
			require.Equal(t, cmdbase.ExitOK, code, errOut)
			golden.Check(t, filepath.Join("testdata", "decode", tt.name+".golden"), []byte(out))
		})
	}
}

// TestDecodeJSON checks that --format json parses and carries the fields.
func TestDecodeJSON(t *testing.T) {
	code, out, errOut := runDecodeCLI(t, nil, "--format", "json", hexPartsSet)
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	var doc decodeview.Doc
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	assert.Equal(t, "virtio-1.4", doc.Edition)
	assert.Equal(t, 73, doc.Length)
	fields := map[string]string{}
	for _, f := range doc.Fields {
		fields[f.Name] = f.Value
	}
	assert.Equal(t, "DEV_PARTS_SET (0x0010)", fields["opcode"])
	assert.Equal(t, "7", fields["member"])
	require.Len(t, doc.Sections, 2)
	assert.Equal(t, decodeview.Section{Name: "part[1]", Offset: 56, Fields: []decodeview.Field{
		{Name: "type", Value: "DEVICE_STATUS (0x0103)"}, {Name: "flags", Value: "0"}, {Name: "length", Value: "1"},
		{Name: "status", Value: "0x0f (ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK)"}}}, doc.Sections[1])
}

// TestDecodeStdin checks that '-' reads raw bytes from stdin.
func TestDecodeStdin(t *testing.T) {
	raw, err := hex.DecodeString(hexPartsGetAll)
	require.NoError(t, err)
	code, fromStdin, errOut := runDecodeCLI(t, raw, "-")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	_, fromArg, _ := runDecodeCLI(t, nil, hexPartsGetAll)
	assert.Equal(t, fromArg, fromStdin)
}

// TestDecodeStdinHexText: hex text piped to '-', which reads raw bytes,
// fails to decode (exit 2) with a note saying to give the hex as
// arguments; raw bytes that fail get no such note.
func TestDecodeStdinHexText(t *testing.T) {
	code, out, errOut := runDecodeCLI(t, []byte("11 00 01 00\n"), "-")
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, "migsim decode: truncated: 12 bytes")
	assert.Contains(t, errOut, "migsim decode: note: '-' reads raw bytes, and these 12 bytes of stdin are hex text: give the hex as arguments")
	code, _, errOut = runDecodeCLI(t, []byte{0x11, 0x00}, "-")
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, errOut, "truncated: 2 bytes")
	assert.NotContains(t, errOut, "note:")
}

// TestDecodeHexForms checks that spaces, colons, 0x prefixes and split
// arguments all read as the same bytes.
func TestDecodeHexForms(t *testing.T) {
	_, want, _ := runDecodeCLI(t, nil, hexDevModeLinux)
	tests := [][]string{
		{"11 00 01 00 000000000000000000000000 0300000000000000 01"},
		{"11:00:01:00:00:00:00:00:00:00:00:00:00:00:00:00:03:00:00:00:00:00:00:00:01"},
		{"0x110001000000000000000000000000000300000000000000", "0x01"},
		{"1100010000000000", "0000000000000000", "0300000000000000", "01"},
	}
	for _, args := range tests {
		code, out, errOut := runDecodeCLI(t, nil, args...)
		require.Equal(t, cmdbase.ExitOK, code, errOut)
		assert.Equal(t, want, out, "%q", args)
	}
}

// TestDecodeMalformed checks that malformed input exits 2 (an input error)
// with an error naming where it went wrong, and never panics.
func TestDecodeMalformed(t *testing.T) {
	hostileRead := draftReadResult(nil, 0)
	binary.LittleEndian.PutUint32(hostileRead[8:], 0xffffffff)
	badCtx := sampleDraftContext()
	binary.LittleEndian.PutUint64(badCtx[8+8:], 0xffffffff) // field 0 length
	tests := []struct {
		name  string
		stdin []byte
		args  []string
		want  []string
		out   []string // what decoded before the fault; none: stdout is empty
	}{
		{"truncated PARTS_SET", nil, []string{hexPartsSet[:2*50]},
			[]string{"part 0 (DRV_FEATURES) at offset 32", "truncated"}, []string{"DEV_PARTS_SET command", "member       7"}},
		{"PARTS_SET part header cut", nil, []string{hexPartsSet[:2*64]},
			[]string{"part 1 (DEVICE_STATUS) at offset 56"}, []string{"part[0] at byte 32", "DRV_FEATURES (0x0101)"}},
		{"PARTS_GET partial hdr_list", nil, []string{hexPartsGetSel[:2*60]},
			[]string{"part 1 (VQ_CFG) at offset 56"}, []string{"DEV_PARTS_GET command"}},
		{"bad hex character", nil, []string{"0f00 01zz"}, []string{"character 'z' at offset 7"}, nil},
		{"one byte as a command", nil, []string{"00"},
			[]string{"truncated: 1 byte, but a command starts with its 24-byte header (the input ends at byte offset 1)"}, nil},
		{"command header cut", nil, []string{hexDevModeLinux[:2*23]}, []string{"truncated: 23 bytes, but a command starts with its 24-byte header"}, nil},
		{"result status cut", nil, []string{"--as", "result", "00000000"},
			[]string{"truncated: 4 bytes, but a result starts with its 8-byte header (the input ends at byte offset 4)"}, nil},
		{"--req header cut", nil, []string{"--as", "result", "--req", "0e00", "0000000000000000"}, []string{"--req: truncated: 2 bytes"}, nil},
		{"odd hex digits", nil, []string{"0f0"}, []string{"offset 2"}, nil},
		{"hostile DEV_CTX_READ size", hostileRead, []string{"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_READ", "-"},
			[]string{"size at byte 8", "4294967295"}, []string{"DEV_CTX_READ result", "result            ffffffff00000000"}},
		{"FIELDS_QUERY count past the end", nil, []string{"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_FIELDS_QUERY",
			"0000000000000000 02000000 00000000 0100000040000000"}, []string{"count at byte 8", "count 2, only 1 entries present"},
			[]string{"DEV_CTX_FIELDS_QUERY result"}},
		{"METADATA LIST count past the end", nil, []string{"--as", "result", "--req", hexMetadataList, "0000000000000000 ffffffff"},
			[]string{"count at byte 8", "count 4294967295, only 0 headers present"}, []string{"DEV_PARTS_METADATA_GET result"}},
		{"hostile context field length", badCtx, []string{"--as", "context", "-"},
			[]string{"field 0 (DEVICE_STATUS) at offset 8", "runs past the end"}, []string{"field_count  2"}},
		{"parts out of order", nil, []string{"--as", "parts",
			"030100000000000000000000010000000f" + "0101000000000000000000000800000046000030" + "01000000"},
			[]string{"part 1 (DRV_FEATURES) at offset 17"}, []string{"part[0] at byte 0", "DEVICE_STATUS (0x0103)"}},
		{"PARTS_GET result cut", nil, []string{"--as", "result", "--req", hexPartsGetAll,
			"0000000000000000 01010000000000000000000008000000460000300100000003010000000000000000000001000000"},
			[]string{"part 1 (DEVICE_STATUS) at offset 32: truncated: length 1 runs past the end (0 bytes left)"},
			[]string{"part[0] at byte 8", "DRV_FEATURES (0x0101)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runDecodeCLI(t, tt.stdin, tt.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			if tt.out == nil {
				assert.Empty(t, out)
			}
			for _, w := range tt.out {
				assert.Contains(t, out, w)
			}
			for _, w := range tt.want {
				assert.Contains(t, errOut, w)
			}
			assert.True(t, strings.HasPrefix(errOut, "migsim decode: "), errOut)
		})
	}
}

// TestDecodeContextResultsAgree checks that adminq leaves raw exactly the
// results devctx decodes, so that `migsim decode --as result` names every
// field of every command's result.
func TestDecodeContextResultsAgree(t *testing.T) {
	n := 0
	for _, ed := range spec.Editions {
		for _, cs := range adminq.Commands(ed) {
			assert.Equal(t, cs.ContextResult(), devctx.OwnsResult(ed, cs.Opcode), "%s %s", ed, cs.Name)
			if cs.ContextResult() {
				n++
			}
		}
	}
	assert.Equal(t, 5, n)
}

// TestDecodeUsage checks that usage errors exit 2.
func TestDecodeUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no input", nil, "missing input"},
		{"empty hex", []string{""}, "empty input: nothing to decode"},
		{"only blanks", []string{" : "}, "empty input: nothing to decode"},
		{"empty stdin", []string{"-"}, "empty input: nothing to decode"},
		{"bad --as", []string{"--as", "blob", "00"}, "unknown --as"},
		{"bad --spec", []string{"--spec", "virtio-2", "00"}, "unknown edition"},
		{"bad --format", []string{"--format", "xml", "00"}, "unknown format"},
		{"--op without result", []string{"--op", "LIST_QUERY", "00"}, "go with --as result"},
		{"unknown --op", []string{"--as", "result", "--op", "DEV_CTX_READ", "00"}, "unknown virtio-1.4 opcode"},
		{"--op disagrees with --req", []string{"--as", "result", "--op", "LIST_USE", "--req", hexMetadataSize, hexMetadataRes}, "disagrees"},
		{"unknown flag", []string{"--bogus", "00"}, "unknown flag"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errOut := runDecodeCLI(t, nil, tt.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Contains(t, errOut, tt.want)
		})
	}
}

// TestDecodePartialContextChunk checks that a DEV_CTX_READ chunk with bytes
// remaining that is not a whole context is noted, not an error.
func TestDecodePartialContextChunk(t *testing.T) {
	ctx := sampleDraftContext()
	code, out, errOut := runDecodeCLI(t, draftReadResult(ctx[:24], 40),
		"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_READ", "-")
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	assert.Contains(t, out, "remaining_ctx_size  40")
	assert.Contains(t, out, "note: ctx is not a whole context")
}

// TestDecodeEveryPrefix decodes every prefix of a few inputs in every mode
// and edition: the exit code is 0 or 2, and 2 always comes with an error.
func TestDecodeEveryPrefix(t *testing.T) {
	inputs := []string{hexPartsSet, hexPartsGetSel, hexObjCreateSet, hex.EncodeToString(draftReadResult(sampleDraftContext(), 0))}
	modes := [][]string{
		{"--as", "command"}, {"--as", "parts"}, {"--as", "context"},
		{"--as", "result", "--op", "DEV_PARTS_GET"}, {"--as", "result", "--req", hexMetadataSize},
		{"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_READ"},
		{"--spec", "draft-2023", "--as", "result", "--op", "DEV_CTX_FIELDS_QUERY"},
		{"--spec", "draft-2023", "--as", "command"},
	}
	runs := 0
	for _, in := range inputs {
		raw, err := hex.DecodeString(in)
		require.NoError(t, err)
		for n := 0; n <= len(raw); n++ {
			for _, m := range modes {
				code, out, errOut := runDecodeCLI(t, raw[:n], append(append([]string(nil), m...), "-")...)
				require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitUsage}, code, "%v on %x: %s", m, raw[:n], errOut)
				if code == cmdbase.ExitUsage {
					assert.True(t, strings.HasPrefix(errOut, "migsim decode: "), "%v on %x: %q", m, raw[:n], errOut)
				} else {
					assert.Empty(t, errOut)
					assert.NotEmpty(t, out)
				}
				runs++
			}
		}
	}
	assert.Positive(t, runs)
}

// A command without its data says so instead of decoding zeros (a trace
// record of DEV_MODE_SET that carried only the header once read as
// "mode Active (0)").
func TestDecodeAbsentCommandData(t *testing.T) {
	tests := []struct {
		name, hex string
		want      []string
		not       []string
	}{
		{"no data", "070001000000000000000000000000000100000000000000",
			[]string{"data    absent: the command carries no data (DEV_MODE_SET needs 8 bytes)"}, []string{"mode"}},
		{"partial data", "07000100000000000000000000000000010000000000000002",
			[]string{"mode    Freeze (2)", "note: command data is 1 of 8 bytes: the fields past byte 25 are absent"}, nil},
		{"whole data", "0700010000000000000000000000000001000000000000000200000000000000",
			[]string{"mode    Freeze (2)"}, []string{"absent"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := runDecodeCLI(t, nil, "--spec", "draft-2023", tt.hex)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			for _, w := range tt.want {
				assert.Contains(t, out, w)
			}
			for _, n := range tt.not {
				assert.NotContains(t, out, n)
			}
		})
	}
}

// ctxHex builds a draft-2023 context from raw fields (type, value), each
// padded to 8 bytes, with field_count the number of fields.
func ctxHex(fields ...devctx.Field) string {
	return hex.EncodeToString(devctx.EncodeDraftContext(devctx.DraftContext{Fields: fields}))
}

// partsHex builds a run of parts.
func partsHex(ps ...devctx.Part) string { return hex.EncodeToString(devctx.EncodeParts(ps)) }

// TestDecodeInputErrorsExit2: any error in the input exits 2, after the
// output of everything that decodes; each error goes to stderr naming the
// byte offset in the input (the value's, the entry's, the byte's — not an
// offset inside the value).
func TestDecodeInputErrorsExit2(t *testing.T) {
	devFeat := devctx.FeaturesField(spec.FieldDevFeatures, devctx.FeatureWords{1 << 32})
	split := func(flags uint8) devctx.Field {
		return devctx.CommonRuntimeCfg{Writes: []devctx.SplitWrite{{Field: spec.CfgQueueDescLo, Flags: flags, Lo: 0x1000}}}.Field()
	}
	runtime := devctx.VQSplitRuntimeList{Queues: []devctx.VQSplitRuntimeEntry{{Index: 0}, {Index: 1, Flags: 8}}}.Field()
	countMismatch := split(devctx.SplitLoWritten)
	countMismatch.Value[0] = 2
	status := devctx.NewPart(spec.PartDeviceStatus, []byte{0x0f})
	cvq := func(c spec.NetCVQCommand, v []byte) devctx.Part {
		return devctx.Part{Type: spec.PartNetCVQCfg, Selector: devctx.NetCVQSelector{Class: c.Class, Command: c.Command}.Raw(), Value: v}
	}
	promisc := cvq(spec.NetRxPromisc, []byte{1})
	tests := []struct {
		name string
		args []string
		err  []string // on stderr
		out  []string // on stdout
	}{
		{"DEVICE_STATUS of one byte", []string{"--as", "context", ctxHex(devFeat, devctx.Field{Type: spec.FieldDeviceStatus, Value: []byte{0x0f}})},
			[]string{"field 1 (DEVICE_STATUS) at offset 32: DEVICE_STATUS value at offset 48: length 1, want 8"},
			[]string{"field[0] at byte 8", "error   DEVICE_STATUS value at offset 48: length 1, want 8"}},
		{"split flags 0x4", []string{"--as", "context", ctxHex(split(4))},
			[]string{"PCI_COMMON_RUNTIME_CFG entry 0 at offset 32: bad value: unknown flag bits 0x4"}, nil},
		{"split flags 3", []string{"--as", "context", ctxHex(split(3))},
			[]string{"PCI_COMMON_RUNTIME_CFG entry 0 at offset 32: bad value: flags 0x3, want exactly one"}, nil},
		{"split flags 0", []string{"--as", "context", ctxHex(split(0))},
			[]string{"PCI_COMMON_RUNTIME_CFG entry 0 at offset 32: bad value: flags 0x0"}, nil},
		{"count/length mismatch", []string{"--as", "context", ctxHex(countMismatch)},
			[]string{"PCI_COMMON_RUNTIME_CFG count at offset 24: length: count 2 needs 32 bytes"}, nil},
		{"PENDING_EVENTS 0x10", []string{"--as", "context", ctxHex(devctx.PendingEvents{Flags: 0x10}.Field())},
			[]string{"PENDING_EVENTS flags at offset 24: bad value: unknown flag bits 0x10"}, nil},
		{"VQ_SPLIT_RUNTIME_CFG 0x8", []string{"--as", "context", ctxHex(devFeat, runtime)},
			[]string{"field 1 (VQ_SPLIT_RUNTIME_CFG) at offset 32: VQ_SPLIT_RUNTIME_CFG entry 1 at offset 72: bad value: unknown flag bits 0x8"}, nil},
		{"DEVICE_STATUS twice", []string{"--as", "context", ctxHex(devFeat, devctx.DeviceStatusField(0x0f), devctx.DeviceStatusField(0))},
			[]string{"field 2 (DEVICE_STATUS) at offset 56: duplicate: DEVICE_STATUS already given by field 1"},
			[]string{"field[1] at byte 32", "status  0x0f"}},
		{"two errors", []string{"--as", "context", ctxHex(split(3), devctx.PendingEvents{Flags: 0x10}.Field())},
			[]string{"entry 0 at offset 32: bad value: flags 0x3", "field 1 (PENDING_EVENTS) at offset 48: PENDING_EVENTS flags at offset 64"}, nil},
		{"PROMISC 2", []string{"--as", "parts", partsHex(status, cvq(spec.NetRxPromisc, []byte{2}))},
			[]string{"part 1 (NET_CVQ_CFG) at offset 17: NET_CVQ_CFG VIRTIO_NET_CTRL_RX_PROMISC value at offset 33: bad value: 2"},
			[]string{"part[1] at byte 17"}},
		{"VLAN repeated", []string{"--as", "parts", partsHex(cvq(spec.NetVLANAdd, []byte{5, 0, 5, 0}))},
			[]string{"VLAN id 5 at offset 18: bad value: repeated"}, nil},
		{"VLAN 4096", []string{"--as", "parts", partsHex(cvq(spec.NetVLANAdd, []byte{0, 0x10}))},
			[]string{"VLAN id 4096 at offset 16: bad value: want below 4096"}, nil},
		{"virtqueue_pairs 0", []string{"--as", "parts", partsHex(cvq(spec.NetMQVQPairsSet, []byte{0, 0}))},
			[]string{"virtqueue_pairs 0"}, nil},
		{"MAC count 0xffffffff", []string{"--as", "parts", partsHex(cvq(spec.NetMACTableSet, []byte{0xff, 0xff, 0xff, 0xff}))},
			[]string{"unicast entries at offset 16: truncated: 4294967295 entries"}, nil},
		{"CVQ reserved selector bytes", []string{"--as", "parts", partsHex(status, cvq(spec.NetCVQCommand{Class: 0, Command: 0}, []byte{1}),
			devctx.Part{Type: spec.PartNetCVQCfg, Selector: [8]byte{0, 1, 1}, Value: []byte{1}})},
			[]string{"part 2 (NET_CVQ_CFG) at offset 34: bad selector: reserved selector byte 2 is 0x01"}, nil},
		{"PROMISC twice", []string{"--as", "parts", partsHex(status, promisc, promisc)},
			[]string{"part 2 (NET_CVQ_CFG) at offset 34: duplicate: VIRTIO_NET_CTRL_RX_PROMISC already given by part 1"}, nil},
		{"flag 0x80", []string{"--as", "parts", partsHex(devctx.Part{Type: spec.PartDeviceStatus, Flags: 0x80, Value: []byte{1}})},
			[]string{"part 0 (DEVICE_STATUS) at offset 0: reserved not zero: flags 0x80"}, nil},
		{"DEV_FEATURES selector", []string{"--as", "parts", partsHex(devctx.Part{Type: spec.PartDevFeatures, Selector: [8]byte{1},
			Value: make([]byte, 8)})}, []string{"(DEV_FEATURES has no selector)"}, nil},
		{"ctx of DEV_CTX_WRITE", []string{"--spec", "draft-2023", fmt.Sprintf("%02x000100000000000000000000000000 0b00000000000000",
			uint16(spec.DraftOpDevCtxWrite)) + ctxHex(split(3))}, []string{"entry 0 at offset 56: bad value: flags 0x3"},
			[]string{"DEV_CTX_WRITE command"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runDecodeCLI(t, nil, tt.args...)
			assert.Equal(t, cmdbase.ExitUsage, code, "stdout:\n%s", out)
			for _, w := range tt.err {
				assert.Contains(t, errOut, w)
			}
			for _, w := range tt.out {
				assert.Contains(t, out, w)
			}
			for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
				assert.True(t, strings.HasPrefix(line, "migsim decode: "), line)
			}
		})
	}
}

// TestDecodeJSONErrors: --format json lists the errors at the top level,
// with their offsets and sections, besides the section's "error" field;
// a clean input has none.
func TestDecodeJSONErrors(t *testing.T) {
	in := ctxHex(devctx.FeaturesField(spec.FieldDevFeatures, devctx.FeatureWords{1 << 32}),
		devctx.Field{Type: spec.FieldDeviceStatus, Value: []byte{0x0f}})
	code, out, errOut := runDecodeCLI(t, nil, "--as", "context", "--format", "json", in)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, errOut, "DEVICE_STATUS value at offset 48")
	var doc decodeview.Doc
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Errors, 1)
	assert.Equal(t, decodeview.Error{Offset: 48, Section: "field[1]",
		Message: "field 1 (DEVICE_STATUS) at offset 32: DEVICE_STATUS value at offset 48: length 1, want 8"}, doc.Errors[0])
	require.Len(t, doc.Sections, 3)
	assert.Contains(t, doc.Sections[2].Fields, decodeview.Field{Name: "error", Value: "DEVICE_STATUS value at offset 48: length 1, want 8"})
	assert.Contains(t, out, `"errors": [`)

	// A structural error with nothing decoded: the document still comes,
	// with the error.
	code, out, _ = runDecodeCLI(t, nil, "--format", "json", "00")
	assert.Equal(t, cmdbase.ExitUsage, code)
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Errors, 1)
	assert.Equal(t, 1, doc.Errors[0].Offset)

	code, out, errOut = runDecodeCLI(t, nil, "--format", "json", hexPartsSet)
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	assert.NotContains(t, out, `"errors"`)
}

// TestDecodeDevice: --device names the device-specific feature bits and
// decodes the network device's draft fields; unknown (the default) leaves
// them raw.
func TestDecodeDevice(t *testing.T) {
	net := ctxHex(devctx.FeaturesField(spec.FieldDrvFeatures, devctx.FeatureWords{spec.FeatureVersion1.Mask() | spec.FeatureNetCtrlVQ.Mask()}),
		devctx.NetCVQField([]devctx.Part{devctx.NewNetCVQPart(spec.NetMQVQPairsSet, devctx.NetMQPairs{Pairs: 2})}),
		devctx.NetInflightList{Entries: []devctx.NetInflight{{Queue: 1, Head: 3, Written: 60}}}.Field())
	code, out, errOut := runDecodeCLI(t, nil, "--as", "context", "--device", "net", net)
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	for _, want := range []string{"word0   0x0000000100020000 (VIRTIO_NET_F_CTRL_VQ|VIRTIO_F_VERSION_1)",
		"type    NET_CVQ (0x1000)", "virtqueue_pairs=2", "type    NET_INFLIGHT (0x1001)", "queue=1 head=3 written=60 ack=0"} {
		assert.Contains(t, out, want)
	}
	code, out, errOut = runDecodeCLI(t, nil, "--as", "context", net)
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	for _, want := range []string{"(FEATURE_17|VIRTIO_F_VERSION_1)", "DEVICE_TYPE_0x1000 (0x1000)", "DEVICE_TYPE_0x1001 (0x1001)"} {
		assert.Contains(t, out, want)
	}
	assert.NotContains(t, out, "NET_CVQ")
	code, out, _ = runDecodeCLI(t, nil, "--as", "context", "--device", "blk", ctxHex(devctx.FeaturesField(spec.FieldDevFeatures,
		devctx.FeatureWords{spec.FeatureBlkFlush.Mask()})))
	require.Equal(t, cmdbase.ExitOK, code)
	assert.Contains(t, out, "(VIRTIO_BLK_F_FLUSH)")

	// A NET_CVQ value error is an error only when the field is known as one.
	bad := devctx.NetCVQField([]devctx.Part{{Type: spec.PartNetCVQCfg, Value: []byte{2}}})
	code, _, errOut = runDecodeCLI(t, nil, "--as", "context", "--device", "net", ctxHex(bad))
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, errOut, "field 0 (NET_CVQ) at offset 8: NET_CVQ value at offset 24: part 0 (NET_CVQ_CFG) at offset 24: "+
		"NET_CVQ_CFG VIRTIO_NET_CTRL_RX_PROMISC value at offset 40: bad value: 2")

	code, _, errOut = runDecodeCLI(t, nil, "--device", "scsi", "00")
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Contains(t, errOut, `unknown --device "scsi" (want unknown, blk, net)`)
}

// TestDecodeReservedHeaderByteNoted: a part header's reserved byte that is
// not zero is ignored (the spec's "set to zero" binds the writer; nothing
// reads it) and noted, not an error.
func TestDecodeReservedHeaderByteNoted(t *testing.T) {
	h := devctx.PartHeader{Type: spec.PartDeviceStatus, Reserved: 0x5a, Length: 1}
	code, out, errOut := runDecodeCLI(t, nil, "--as", "parts", hex.EncodeToString(append(h.Encode(), 0x0f)))
	require.Equal(t, cmdbase.ExitOK, code, errOut)
	assert.Contains(t, out, "note: part[0] at byte 0: reserved header byte 0x5a ignored")
}

// TestDecode_ErrorsNameNoGoPackage: a decode error names what and where
// (the section and its byte offset), not the Go package that noticed it,
// on stderr and in the JSON document's errors alike.
func TestDecode_ErrorsNameNoGoPackage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"text", []string{"--as", "context", "0102"}, "migsim decode: context header at offset 0: truncated: need 8 bytes, have 2\n"},
		{"json", []string{"--as", "context", "--format", "json", "0102"}, "migsim decode: context header at offset 0: truncated: need 8 bytes, have 2\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errOut := runDecodeCLI(t, nil, tc.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Equal(t, tc.want, errOut)
			assert.NotContains(t, out, "devctx: ")
		})
	}
}
