package compat

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// BenchmarkJSONPartTypeUnknown parses a part name migsim does not know:
// the path a description of many parts with made-up names takes for each
// (a scan of the 65,536 part types took 35-60 µs of it, the map look-up
// leaves the JSON decoding and the error).
func BenchmarkJSONPartTypeUnknown(b *testing.B) {
	b.ReportAllocs()
	raw := json.RawMessage(`"NOT_A_PART"`)
	for b.Loop() {
		if _, err := jsonPartType(raw, jpath{text: "parts[0]: type"}); err == nil {
			b.Fatal("an unknown name parsed")
		}
	}
}

// BenchmarkJSONPartTypeName parses a known part name.
func BenchmarkJSONPartTypeName(b *testing.B) {
	b.ReportAllocs()
	raw := json.RawMessage(`"VQ_NOTIFY_CFG"`)
	for b.Loop() {
		if _, err := jsonPartType(raw, jpath{text: "parts[0]: type"}); err != nil {
			b.Fatal(err)
		}
	}
}

// jsonPartType reads every known name, numbers, "0x…" strings and the
// PART_0x… names String gives the others.
func TestJSONPartType(t *testing.T) {
	for _, pt := range spec.PartTypes() {
		got, err := jsonPartType(json.RawMessage(`"`+pt.String()+`"`), jpath{text: "w"})
		require.NoError(t, err, pt.String())
		assert.Equal(t, pt, got)
	}
	for _, tc := range []struct {
		raw  string
		want spec.PartType
		err  string
	}{
		{`261`, 261, ""},
		{`"0x300"`, 0x300, ""},
		{`"PART_0x0301"`, 0x301, ""},
		{`"PART_0x301"`, 0, `w: unknown part type "PART_0x301"`},
		{`"PART_0x0000"`, 0, ""},
		{`"PART_0x0100"`, 0, `w: unknown part type "PART_0x0100"`}, // String names it DEV_FEATURES
		{`"vq_cfg"`, 0, `w: unknown part type "vq_cfg"`},
		{`"NOPE"`, 0, `w: unknown part type "NOPE"`},
		{`65536`, 0, `w: 65536 outside 0-65535 (part_type is a le16)`},
		{`-1`, 0, `w: -1 outside 0-65535 (part_type is a le16)`},
		{`"0x10000"`, 0, `w: 0x10000 outside 0-0xffff (part_type is a le16)`},
		{`2.5`, 0, `w: 2.5 is neither a part name nor a number`},
		{`{}`, 0, `w: {} is neither a part name nor a number`},
	} {
		got, err := jsonPartType(json.RawMessage(tc.raw), jpath{text: "w"})
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.raw)
			continue
		}
		require.NoError(t, err, tc.raw)
		assert.Equal(t, tc.want, got, tc.raw)
	}
}
