package compat

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzDecodeHeader: DecodeHeader, which names the model of a state whose
// payload is damaged, reads the header DecodeSavedState reads and refuses
// what it refuses with the same error, naming a byte of the input; where
// the two differ it is the payload, whose length or CRC32C
// DecodeSavedState names. A header read encodes again, with any payload,
// into a state both read back.
func FuzzDecodeHeader(f *testing.F) {
	good := EncodeSavedState(compatSampleHeader(), []byte("payload"))
	f.Add(good)
	f.Add(EncodeSavedState(CompatHeader{FmtMajor: 1, Model: ModelBlk, VirtioDeviceID: 2}, nil))
	f.Add(EncodeSavedState(CompatHeader{FmtMajor: 1, FmtMinor: 2, Model: "a/b",
		Params:     []Param{{"x", IntValue(-1)}, {"y", StrValue("s")}},
		Extensions: []HeaderTLV{{Type: 5, Flags: 1, Value: []byte{9}}}}, []byte{1, 2, 3}))
	f.Add(good[:len(good)-1])                                                   // the payload cut short
	f.Add(append(append([]byte{}, good...), 0))                                 // a byte past the payload
	f.Add(append(append([]byte{}, good[:len(good)-1]...), good[len(good)-1]^1)) // a payload bit flipped
	f.Add(good[:40])                                                            // the header cut short
	f.Add([]byte("MGSC"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		h, hl, err := DecodeHeader(b)
		sh, payload, serr := DecodeSavedState(b)
		if err != nil {
			var de *CompatDecodeError
			require.True(t, errors.As(err, &de), "%v is a CompatDecodeError", err)
			assert.True(t, de.Offset >= 0 && de.Offset <= len(b), "offset %d in %d bytes", de.Offset, len(b))
			require.Error(t, serr)
			assert.Equal(t, err.Error(), serr.Error())
			return
		}
		require.True(t, hl > 0 && hl <= len(b), "header length %d of %d bytes", hl, len(b))
		if serr != nil {
			var de *CompatDecodeError
			require.True(t, errors.As(serr, &de), "%v is a CompatDecodeError", serr)
			assert.Equal(t, CodeCorrupt, de.Code, "%v: the header read, only the payload can be wrong", serr)
			assert.True(t, de.Offset >= 0 && de.Offset < hl, "%v: names the header's field", serr)
		} else {
			assert.Equal(t, h, sh)
			assert.Equal(t, b[hl:], payload)
		}
		for _, p := range [][]byte{nil, b[hl:], []byte("another payload")} {
			enc := EncodeSavedState(h, p)
			h2, hl2, err := DecodeHeader(enc)
			require.NoError(t, err)
			assert.Equal(t, len(enc)-len(p), hl2)
			want := h
			want.PayloadLen, want.CRC32C = h2.PayloadLen, h2.CRC32C
			assert.Equal(t, want, h2)
			_, got, err := DecodeSavedState(enc)
			require.NoError(t, err)
			assert.Equal(t, len(p), len(got))
		}
	})
}
