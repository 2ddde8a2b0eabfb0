package owner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// FuzzMigFileWrite feeds arbitrary stream bytes, in two writes, to a
// resuming FD: the record parser never panics, a failure disables the FD
// (later writes fail without a command), and whatever it sent, the teardown
// arc still succeeds.
func FuzzMigFileWrite(f *testing.F) {
	f.Add(EncodeRecord(TagDeviceData, 0, []byte("state")), 5)
	f.Add(EncodeRecord(7, RecordFlagOptional, []byte("skip me")), 3)
	f.Add(EncodeRecord(7, 0, nil), 16)
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0}, 0)
	f.Fuzz(func(t *testing.T, stream []byte, cut int) {
		w := probed(t, spec.Virtio14, 1)
		m := NewMigDevice(w.drv, 1, VirtioMigFlags)
		require.NoError(t, m.SetState(StateResuming))
		cut = min(max(cut, 0), len(stream))
		err := m.Write(stream[:cut])
		if err == nil {
			err = m.Write(stream[cut:])
		}
		if err != nil {
			before := w.fakes[1].admins
			assert.ErrorIs(t, m.Write(nil), ErrFileDisabled)
			assert.Equal(t, before, w.fakes[1].admins)
		}
		require.NoError(t, m.SetState(StateStop))
		assert.Empty(t, w.pf.admin.objects)
	})
}
