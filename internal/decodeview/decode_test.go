package decodeview

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// TestDecodeKinds decodes one input of every kind and checks the title,
// the length and that an empty or malformed input is an error, not a panic:
// options and empty input fail Decode, input errors land in Doc.Errors with
// their byte offset.
func TestDecodeKinds(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		hex     string
		wantErr string // Decode's error
		docErr  string // the first of Doc.Errors
		errAt   int    // its offset
		empty   bool   // nothing decoded
	}{
		{"mode set command", Options{Edition: spec.Virtio14, As: "command"},
			"11 00 01 00 000000000000000000000000 0300000000000000 01", "", "", 0, false},
		{"empty", Options{Edition: spec.Virtio14, As: "command"}, "", "empty input", "", 0, true},
		{"unknown kind", Options{Edition: spec.Virtio14, As: "blob"}, "00", "unknown --as", "", 0, true},
		{"truncated parts", Options{Edition: spec.Virtio14, As: "parts"}, "0100", "", "header needs 16 bytes, 2 left", 0, true},
		{"command shorter than its header", Options{Edition: spec.Virtio14, As: "command"}, "00", "",
			"truncated: 1 byte, but a command starts with its 24-byte header", 1, true},
		{"result shorter than its status", Options{Edition: spec.Draft2023, As: "result"}, "0000", "",
			"truncated: 2 bytes, but a result starts with its 8-byte header", 2, true},
		{"whole header, no data", Options{Edition: spec.Virtio14, As: "command"}, "070001000000000000000000000000000100000000000000", "", "", 0, false},
		{"context value error", Options{Edition: spec.Draft2023, As: "context"},
			"01000000 00000000 05000000 00000000 0100000000000000 0f00000000000000", "",
			"field 0 (DEVICE_STATUS) at offset 8: DEVICE_STATUS value at offset 24: length 1, want 8", 24, false},
		{"parts value error", Options{Edition: spec.Virtio14, As: "parts"},
			"0002 00 00 0000000000000000 01000000 02", "",
			"part 0 (NET_CVQ_CFG) at offset 0: NET_CVQ_CFG VIRTIO_NET_CTRL_RX_PROMISC value at offset 16: bad value: 2", 16, false},
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
			assert.Equal(t, tt.empty, doc.Empty())
			if tt.docErr == "" {
				assert.Empty(t, doc.Errors)
				assert.NotEmpty(t, doc.Title)
				assert.NotEmpty(t, doc.Fields)
				return
			}
			require.NotEmpty(t, doc.Errors)
			assert.Contains(t, doc.Errors[0].Message, tt.docErr)
			assert.Equal(t, tt.errAt, doc.Errors[0].Offset)
		})
	}
}

// FuzzDecode feeds arbitrary bytes as every kind under both editions and
// every device: Decode returns a document or an error, never panics, and
// every error of the input names an offset inside it (or its end).
func FuzzDecode(f *testing.F) {
	f.Add([]byte{0x11, 0, 1, 0}, uint8(0))
	f.Add([]byte{1, 0, 0, 0, 8, 0, 0, 0}, uint8(2))
	f.Add([]byte{0}, uint8(0))          // a command shorter than its header
	f.Add([]byte{0, 0, 0, 0}, uint8(1)) // a result shorter than its status
	// A NET_CVQ_CFG part with PROMISC 2, and a context whose DEVICE_STATUS
	// is one byte long.
	f.Add([]byte{0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 2}, uint8(2))
	f.Add([]byte{1, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0xf, 0, 0, 0, 0, 0, 0, 0}, uint8(3))
	kinds := []string{"command", "result", "parts", "context"}
	f.Fuzz(func(t *testing.T, in []byte, k uint8) {
		for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
			for _, d := range Devices {
				doc, err := Decode(Options{Edition: ed, As: kinds[int(k)%len(kinds)], Device: d.ID}, in)
				if err != nil {
					continue
				}
				if doc.Length != len(in) {
					t.Fatalf("length %d, want %d", doc.Length, len(in))
				}
				for _, e := range doc.Errors {
					if e.Offset < 0 || e.Offset > len(in) || e.Message == "" {
						t.Fatalf("error %+v outside an input of %d bytes", e, len(in))
					}
				}
			}
		}
	})
}
