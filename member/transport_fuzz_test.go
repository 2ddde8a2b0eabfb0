package member_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

// FuzzDecodeCommonWrite: any offset and data decode to register writes
// that cover the data exactly, start at the offset and touch no read-only
// field, or to a *CommonWriteError; never a panic.
func FuzzDecodeCommonWrite(f *testing.F) {
	f.Add(uint32(32), []byte{1, 2, 3, 4, 5, 6, 7, 8})
	f.Add(uint32(20), []byte{0x0f})
	f.Add(uint32(18), []byte{1, 0})
	f.Add(uint32(200), []byte{})
	f.Fuzz(func(t *testing.T, off uint32, data []byte) {
		ws, err := member.DecodeCommonWrite(off, data)
		if err != nil {
			var we *member.CommonWriteError
			require.ErrorAs(t, err, &we)
			require.Empty(t, ws)
			return
		}
		require.NotEmpty(t, ws)
		require.Equal(t, off, uint32(ws[0].Field))
		n := 0
		for _, w := range ws {
			require.False(t, w.ReadOnly, "%s", w.Name)
			n += w.Size
		}
		require.Equal(t, len(data), n)
	})
}

// FuzzMSIXTableWrite: a write the table accepts reads back as written
// (Vector Control keeps only its mask bit); a refused one changes nothing.
func FuzzMSIXTableWrite(f *testing.F) {
	f.Add(uint64(0), []byte{0, 0, 0xe0, 0xfe, 0, 0, 0, 0})
	f.Add(uint64(12), []byte{0, 0, 0, 0})
	f.Add(uint64(14), []byte{1, 2})
	f.Fuzz(func(t *testing.T, off uint64, data []byte) {
		tab := member.NewMSIXTable(3)
		size := uint64(tab.Len() * pcie.MSIXEntrySize)
		before := tab.Read(0, int(size))
		_, _, err := tab.Write(off, data)
		if err != nil {
			require.ErrorIs(t, err, member.ErrMSIXAccess)
			require.Equal(t, before, tab.Read(0, int(size)))
			return
		}
		got := tab.Read(off, len(data))
		want := append([]byte(nil), data...)
		if ctl := 12 - int(off%pcie.MSIXEntrySize); ctl >= 0 && ctl < len(want) {
			want[ctl] &= 1
			for i := ctl + 1; i < ctl+4 && i < len(want); i++ {
				want[i] = 0
			}
		}
		require.Equal(t, want, got)
	})
}
