package owner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// withReference builds members with the reference virtio-blk over a shared
// disk and its own guest memory.
func withReference(disk *blk.Disk, guest *virtq.GuestMemory) worldOpt {
	return func(c *Config, _ *pcie.PFOptions) {
		c.NewMember = FromFactory(blk.New, member.Config{Edition: c.Edition, Mem: guest, Backing: disk})
	}
}

// TestVFIOMigrationReferenceMember runs the VFIO source and destination
// flows through the owner with the reference virtio-blk member: the
// destination member ends with the source's device parts.
func TestVFIOMigrationReferenceMember(t *testing.T) {
	disk := blk.NewDisk(1<<20, "ref")
	src := probed(t, spec.Virtio14, 2, withReference(disk, virtq.NewGuestMemory()))
	dst := probed(t, spec.Virtio14, 2, withReference(disk, virtq.NewGuestMemory()))
	sm := NewMigDevice(src.drv, 1, VirtioMigFlags)
	dm := NewMigDevice(dst.drv, 1, VirtioMigFlags)

	require.NoError(t, sm.SetState(StatePreCopy))
	_, _, err := sm.PrecopyInfo()
	require.NoError(t, err)
	require.NoError(t, sm.SetState(StateStopCopy))
	stream, err := sm.Read()
	require.NoError(t, err)
	require.NotEmpty(t, stream)
	require.NoError(t, sm.SetState(StateStop))
	m, ok := src.pf.Member(1)
	require.True(t, ok)
	assert.Equal(t, spec.ModeStop, m.Status().Mode)

	require.NoError(t, dm.SetState(StateResuming))
	require.NoError(t, dm.Write(stream))
	assert.GreaterOrEqual(t, dm.RecordsApplied(), 1)
	require.NoError(t, dm.SetState(StateRunning))
	d, ok := dst.pf.Member(1)
	require.True(t, ok)
	assert.Equal(t, spec.ModeActive, d.Status().Mode)
	assert.Equal(t, m.ContextDigest(), d.ContextDigest(), "the destination holds the source's parts")
}

// TestDraftContextThroughOwner reads a draft-2023 context through the owner
// with the reference member, in one read and with a small buffer over the
// cursor (DISCARD in between resets the baseline), and writes it in Freeze.
func TestDraftContextThroughOwner(t *testing.T) {
	disk := blk.NewDisk(1<<20, "ref")
	w := probed(t, spec.Draft2023, 2, withReference(disk, virtq.NewGuestMemory()))
	require.NoError(t, w.drv.DraftSetMode(1, spec.ModeStop))
	mode, err := w.drv.DraftModeGet(1)
	require.NoError(t, err)
	assert.Equal(t, spec.ModeStop, mode)
	size, err := w.drv.SizeGet(1, false)
	require.NoError(t, err)
	require.NotZero(t, size)
	whole, n, err := w.drv.ReadContext(1, int(size)+64)
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, w.drv.Discard(1))
	chunked, n, err := w.drv.ReadContext(1, 256)
	require.NoError(t, err)
	assert.Greater(t, n, 1, "the cursor splits the read")
	assert.Equal(t, whole, chunked, "the chunks merge into the same context")
	fields, err := w.drv.FieldsQuery(1, 512)
	require.NoError(t, err)
	assert.NotEmpty(t, fields.Entries)
	require.NoError(t, w.drv.DraftSetMode(2, spec.ModeFreeze))
	err = w.drv.WriteContext(2, whole)
	assert.NoError(t, err)
	assert.ErrorIs(t, w.drv.WriteContext(1, whole), ErrInvalidField, "writes only in Freeze")
}
