package owner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestVFIOTeardownIgnoresDestroyErrors checks that the teardown arcs never
// fail: an object the device no longer knows gives ENXIO to OBJ_DESTROY,
// which vfio-virtio drops; as Linux's virtio_pci_admin_obj_destroy, the id
// stays allocated.
func TestVFIOTeardownIgnoresDestroyErrors(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	m := NewMigDevice(w.drv, 1, VirtioMigFlags)
	require.NoError(t, m.SetState(StatePreCopy))
	f := m.Saving()
	require.NotNil(t, f)
	r := w.raw(t, cmd(uint16(spec.OpResourceObjDestroy), spec.GroupSRIOV, 1, objHdr(f.obj)...), 0)
	require.Equal(t, spec.StatusOK, r.Status, "destroyed behind the driver's back")
	require.NoError(t, m.SetState(StateRunning), "PRE_COPY→RUNNING does not fail on ENXIO")
	assert.True(t, w.drv.ids[f.obj], "the id of a failed destroy stays allocated")
	disabled, _ := f.Disabled()
	assert.True(t, disabled)
	_, err := f.Read()
	assert.ErrorIs(t, err, ErrFileDisabled)
}

// TestVFIOWriteErrorLatches checks that a record the device refuses puts the
// resuming FD in its error state: later writes fail without a command.
func TestVFIOWriteErrorLatches(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	m := NewMigDevice(w.drv, 1, VirtioMigFlags)
	require.NoError(t, m.SetState(StateResuming))
	w.fakes[1].mode = spec.ModeActive // the fake refuses PARTS_SET while running
	rec := EncodeRecord(TagDeviceData, 0, []byte("state"))
	assert.ErrorIs(t, m.Write(rec), ErrInvalidField)
	w.fakes[1].mode = spec.ModeStop
	before := w.fakes[1].admins
	assert.ErrorIs(t, m.Write(rec), ErrFileDisabled, "the error is latched")
	assert.Equal(t, before, w.fakes[1].admins, "no command was sent")
	assert.Equal(t, StateResuming, m.State(), "the device state does not change")
	require.NoError(t, m.SetState(StateStop))

	require.NoError(t, m.SetState(StateResuming))
	assert.ErrorIs(t, m.Write(EncodeRecord(7, 0, nil)), errMandatoryTag)
	assert.ErrorIs(t, m.Write(EncodeRecord(7, RecordFlagOptional, nil)), ErrFileDisabled)
}

// TestVFIODataSize checks VFIO_DEVICE_FEATURE_MIG_DATA_SIZE: outside a
// migration a GET object is created for the query and destroyed, so it
// needs a free id; with a saving FD its object answers.
func TestVFIODataSize(t *testing.T) {
	w := probed(t, spec.Virtio14, 2, func(c *Config, _ *pcie.PFOptions) { c.GetLimit, c.SetLimit = 1, 1 })
	m1 := NewMigDevice(w.drv, 1, VirtioMigFlags)
	m2 := NewMigDevice(w.drv, 2, VirtioMigFlags)
	size, err := m1.DataSize()
	require.NoError(t, err)
	assert.Equal(t, uint32(len(w.fakes[1].state)), size)
	assert.Empty(t, w.pf.admin.objects, "the query's object is gone")
	assert.Empty(t, w.drv.ids)

	require.NoError(t, m1.SetState(StatePreCopy))
	creates := w.fakes[1].admins
	size, err = m1.DataSize()
	require.NoError(t, err)
	assert.Equal(t, uint32(len(w.fakes[1].state)), size)
	assert.Equal(t, creates+1, w.fakes[1].admins, "one METADATA_GET on the saving object")
	_, err = m2.DataSize()
	assert.ErrorIs(t, err, ErrNoObjectID, "the only id is the saving object's")
}

// TestVFIOPrecopyInfoAsLinux checks initial and dirty bytes as
// virtiovf_precopy_ioctl computes them and the one-second rate limit of its
// METADATA_GET(SIZE).
func TestVFIOPrecopyInfoAsLinux(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	m := NewMigDevice(w.drv, 1, VirtioMigFlags)
	var now int64
	m.SetClock(func() int64 { return now })
	require.NoError(t, m.SetState(StatePreCopy))
	first := int64(RecordHeaderSize + len(w.fakes[1].state))
	sizeCalls := func() int { return w.fakes[1].admins }

	calls := sizeCalls()
	initial, dirty, err := m.PrecopyInfo()
	require.NoError(t, err)
	assert.Equal(t, uint64(first), initial, "the first record is unread")
	assert.Zero(t, dirty, "dirty_bytes stays 0 while initial bytes remain")
	assert.Equal(t, calls+1, sizeCalls(), "SIZE on the first call")

	b, err := m.Read()
	require.NoError(t, err)
	assert.Len(t, b, int(first))
	now += 500_000_000
	calls = sizeCalls()
	initial, dirty, err = m.PrecopyInfo()
	require.NoError(t, err)
	assert.Zero(t, initial)
	assert.Zero(t, dirty, "rate limited: no SIZE, no new record")
	assert.Equal(t, calls, sizeCalls())

	w.fakes[1].state = []byte("a longer state after the guest ran")
	now += 600_000_000
	initial, dirty, err = m.PrecopyInfo()
	require.NoError(t, err)
	assert.Zero(t, initial)
	assert.Equal(t, uint64(len(w.fakes[1].state)), dirty, "dirty_bytes = unread (0) + the size")
	assert.Equal(t, calls+2, sizeCalls(), "SIZE and a new PARTS_GET(ALL)")
	b, err = m.Read()
	require.NoError(t, err)
	assert.Len(t, b, RecordHeaderSize+len(w.fakes[1].state), "a whole new snapshot")
	b, err = m.Read()
	require.NoError(t, err)
	assert.Empty(t, b, "nothing more for now (ENOMSG)")
}

// TestVFIOResetDone checks virtiovf_migration_reset_done: RUNNING, both FDs
// disabled with the reset as the reason, objects destroyed, no DEV_MODE_SET;
// the next arc from RUNNING opens a new saving FD.
func TestVFIOResetDone(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	m := NewMigDevice(w.drv, 1, VirtioMigFlags)
	old, err := m.SetStateFD(StatePreCopy)
	require.NoError(t, err)
	require.NotNil(t, old)
	require.NoError(t, m.SetState(StatePreCopyP2P))
	modeSets := w.fakes[1].admins
	m.ResetDone()
	assert.Equal(t, StateRunning, m.State())
	assert.Empty(t, w.pf.admin.objects, "the saving object is destroyed")
	assert.Equal(t, modeSets, w.fakes[1].admins, "no DEV_MODE_SET: OBJ_DESTROY is the owner's")
	_, err = old.Read()
	assert.ErrorIs(t, err, ErrFileDisabled)
	assert.ErrorIs(t, err, ErrSessionReset)
	_, _, err = old.PrecopyInfo()
	assert.ErrorIs(t, err, ErrNotPreCopy, "the device state is checked first (EINVAL)")
	assert.ErrorIs(t, err, ErrSessionReset)

	f, err := m.SetStateFD(StatePreCopyP2P)
	require.NoError(t, err)
	require.NotNil(t, f, "RUNNING→RUNNING_P2P→PRE_COPY_P2P opens a new saving FD")
	assert.NotEqual(t, old.ID(), f.ID())
}
