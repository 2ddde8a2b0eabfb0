package virtq

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// FuzzDecodeDesc: a descriptor decodes from its first 16 bytes or is an
// error for fewer, and encodes back to those bytes.
func FuzzDecodeDesc(f *testing.F) {
	var b [DescSize]byte
	Desc{Addr: 0x1000, Len: 512, Flags: DescFNext | DescFWrite, Next: 3}.Encode(b[:])
	f.Add(b[:])
	f.Add(b[:DescSize-1])
	f.Add(append(b[:], 0xff))
	f.Fuzz(func(t *testing.T, in []byte) {
		d, err := DecodeDesc(in)
		if len(in) < DescSize {
			require.ErrorContains(t, err, "virtq: descriptor: ")
			return
		}
		require.NoError(t, err)
		var out [DescSize]byte
		d.Encode(out[:])
		require.Equal(t, in[:DescSize], out[:])
	})
}
