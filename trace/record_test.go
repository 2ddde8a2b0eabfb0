package trace

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/migsim/migsim/world/record"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExportRecordRoundTrip(t *testing.T) {
	recs := RecordsOf(exportFixture())
	short := RecordOf(record.TraceEvent{Step: 9, Kind: record.TraceAdmin, Host: "src", Target: "pf", Who: "hv", Text: "DEV_MODE_SET"})
	short.Admin = []byte{0x07, 0x00, 0x01, 0x00}
	short.AdminResult = []byte{0, 0}
	state := RecordOf(record.TraceEvent{Step: 9, Kind: record.TraceState, Host: "src", Target: "vf1",
		State: record.TraceMemberState{Mode: 1, FLRPending: true, ResetPending: true}})
	recs = append(recs, short, state)
	for i, r := range recs {
		b, err := AppendRecord(nil, &r)
		require.NoError(t, err, "record %d", i)
		got, err := DecodeRecord(b)
		require.NoError(t, err, "record %d", i)
		assert.Equal(t, r, got, "record %d", i)
	}
}

func TestExportRecordLayoutMatchesFieldTable(t *testing.T) {
	// A record's size is the sum of the field table's sizes for its
	// sections, with every variable field empty.
	size := map[string]int{"u8": 1, "u16": 2, "u32": 4, "u64": 8, "str8": 1, "bytes16": 2}
	tests := []struct {
		kind record.TraceKind
		sec  string
	}{{record.TraceTLP, "tlp"}, {record.TraceStep, ""}, {record.TraceMSIX, "msix"}, {record.TraceDMA, ""}, {record.TraceNote, ""},
		{record.TraceAdmin, "admin"}, {record.TraceState, "state"}}
	for _, tt := range tests {
		t.Run(tt.kind.String(), func(t *testing.T) {
			want := 0
			for _, f := range RecordFields() {
				if f.Section == "header" || f.Section == tt.sec {
					require.Contains(t, size, f.Type, "field %s", f.Name)
					want += size[f.Type]
				}
			}
			b, err := AppendRecord(nil, &Record{TraceEvent: record.TraceEvent{Kind: tt.kind}})
			require.NoError(t, err)
			assert.Len(t, b, want)
		})
	}
}

func TestExportRecordEncodeErrors(t *testing.T) {
	long := strings.Repeat("x", 256)
	tests := []struct {
		name string
		r    Record
		want string
	}{
		{"negative step", Record{TraceEvent: record.TraceEvent{Step: -1}}, "step -1 out of range"},
		{"negative time", Record{TraceEvent: record.TraceEvent{Time: -5}}, "negative time -5"},
		{"long host", Record{TraceEvent: record.TraceEvent{Host: long}}, "field host: 256 bytes, at most 255"},
		{"long who", Record{TraceEvent: record.TraceEvent{Who: long}}, "field who: 256 bytes"},
		{"long text", Record{TraceEvent: record.TraceEvent{Text: strings.Repeat("y", 70000)}}, "field text: 70000 bytes, at most 65535"},
		{"long data", Record{TraceEvent: record.TraceEvent{Kind: record.TraceTLP}}, ""},
		{"long admin", Record{TraceEvent: record.TraceEvent{Kind: record.TraceAdmin, Admin: make([]byte, 65536)}}, "field admin.command: 65536 bytes"},
		{"long result", Record{TraceEvent: record.TraceEvent{Kind: record.TraceAdmin, AdminResult: make([]byte, 65536)}}, "field admin.result: 65536 bytes"},
		{"long from", Record{TraceEvent: record.TraceEvent{From: long}}, "field from: 256 bytes"},
	}
	tests[5].r.TLP.Data = make([]byte, 65536)
	tests[5].want = "field tlp.data: 65536 bytes"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := AppendRecord(nil, &tt.r)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.True(t, strings.HasPrefix(err.Error(), "trace: record: "), err.Error())
		})
	}
}

func TestExportRecordDecodeErrors(t *testing.T) {
	r := RecordOf(exportFixture()[0])
	good, err := AppendRecord(nil, &r)
	require.NoError(t, err)
	// Every truncation fails with an error naming a field and an offset.
	for n := 0; n < len(good); n++ {
		_, err := DecodeRecord(good[:n])
		require.Error(t, err, "truncated to %d bytes", n)
		assert.Contains(t, err.Error(), "byte offset", "truncated to %d bytes", n)
	}
	tests := []struct {
		name string
		b    []byte
		want string
	}{
		{"version", append([]byte{1}, good[1:]...), "field version at byte offset 0: version 1, want 2"},
		{"trailing", append(append([]byte{}, good...), 0xff), "1 trailing bytes at byte offset"},
		{"time", func() []byte {
			b := append([]byte{}, good...)
			b[14] = 0x80
			return b
		}(), "field time at byte offset 7"},
		{"state flags", func() []byte {
			// A state record whose flags byte (its last) has a bit the
			// layout does not define: re-encoding would drop it.
			st := RecordOf(record.TraceEvent{Kind: record.TraceState, Host: "src", Target: "vf1"})
			st.State.FLRPending = true
			b, err := AppendRecord(nil, &st)
			require.NoError(t, err)
			b[len(b)-1] |= 0x30
			return b
		}(), "field state.flags at byte offset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeRecord(tt.b)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
}

// recordErrOffset is the byte offset an error of DecodeRecord names.
var recordErrOffset = regexp.MustCompile(`^trace: record: (?:field [a-z.]+(?: length)?|[0-9]+ trailing bytes) at byte offset ([0-9]+)`)

// FuzzDecodeRecord: never a panic; an error names the field and its byte
// offset within the record, or the trailing bytes after it; what decodes
// re-encodes to the same bytes.
func FuzzDecodeRecord(f *testing.F) {
	for _, e := range exportFixture() {
		r := RecordOf(e)
		b, err := AppendRecord(nil, &r)
		require.NoError(f, err)
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := DecodeRecord(b)
		if err != nil {
			m := recordErrOffset.FindStringSubmatch(err.Error())
			require.NotNil(t, m, "%v names no field or offset", err)
			off, convErr := strconv.Atoi(m[1])
			require.NoError(t, convErr)
			require.LessOrEqual(t, off, len(b), "%v: offset in %d bytes", err, len(b))
			return
		}
		// What decodes re-encodes to the same bytes.
		got, err := AppendRecord(nil, &r)
		require.NoError(t, err)
		assert.Equal(t, b, got)
	})
}
