package decodeview

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// TestDecodeKinds decodes one input of every kind and checks the title,
// the length and that an empty or malformed input is an error, not a panic.
func TestDecodeKinds(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		hex     string
		title   string
		wantErr string
	}{
		{"mode set command", Options{Edition: spec.Virtio14, As: "command"},
			"11 00 01 00 000000000000000000000000 0300000000000000 01", "", ""},
		{"empty", Options{Edition: spec.Virtio14, As: "command"}, "", "", "empty input"},
		{"truncated parts", Options{Edition: spec.Virtio14, As: "parts"}, "0100", "", "byte"},
		{"command shorter than its header", Options{Edition: spec.Virtio14, As: "command"}, "00", "", "truncated: 1 byte, but a command starts with its 24-byte header"},
		{"result shorter than its status", Options{Edition: spec.Draft2023, As: "result"}, "0000", "", "truncated: 2 bytes, but a result starts with its 8-byte header"},
		{"whole header, no data", Options{Edition: spec.Virtio14, As: "command"}, "070001000000000000000000000000000100000000000000", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := ParseHex(tt.hex)
			require.NoError(t, err)
			doc, err := Decode(tt.opts, in)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, len(in), doc.Length)
			assert.NotEmpty(t, doc.Title)
			assert.NotEmpty(t, doc.Fields)
		})
	}
}

// FuzzDecode feeds arbitrary bytes as every kind under both editions:
// Decode returns a document or an error, never panics.
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0x11, 0, 1, 0}, uint8(0))
	f.Add([]byte{1, 0, 0, 0, 8, 0, 0, 0}, uint8(2))
	f.Add([]byte{0}, uint8(0))          // a command shorter than its header
	f.Add([]byte{0, 0, 0, 0}, uint8(1)) // a result shorter than its status
	kinds := []string{"command", "result", "parts", "context"}
	f.Fuzz(func(t *testing.T, in []byte, k uint8) {
		for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
			doc, err := Decode(Options{Edition: ed, As: kinds[int(k)%len(kinds)]}, in)
			if err == nil && doc.Length != len(in) {
				t.Fatalf("length %d, want %d", doc.Length, len(in))
			}
		}
	})
}
