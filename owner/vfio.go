package owner

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// Linux vfio-virtio stream format (drivers/vfio/pci/virtio/common.h):
// records of {le64 record_size; le32 flags; le32 tag; data}.
const (
	RecordHeaderSize = 16
	// TagDeviceData is VIRTIOVF_MIGF_TAG_DEVICE_DATA, the mandatory tag.
	TagDeviceData uint32 = 0
	// RecordFlagOptional marks a record a reader may skip if it does not
	// know its tag.
	RecordFlagOptional uint32 = 1 << 0
	maxRecordSize             = 1<<32 - 1
)

// EncodeRecord returns one stream record.
func EncodeRecord(tag, flags uint32, data []byte) []byte {
	b := make([]byte, RecordHeaderSize+len(data))
	binary.LittleEndian.PutUint64(b, uint64(len(data)))
	binary.LittleEndian.PutUint32(b[8:], flags)
	binary.LittleEndian.PutUint32(b[12:], tag)
	copy(b[RecordHeaderSize:], data)
	return b
}

// Errors of the VFIO migration state machine that are not admin statuses.
var (
	// ErrFileDisabled is a data FD the driver disabled: a teardown arc, a
	// reset (reset_done) or an earlier failure on it moved it to its error
	// state; every later read, write or PRECOPY_INFO on it fails (Linux's
	// VIRTIOVF_MIGF_STATE_ERROR, -ENODEV).
	ErrFileDisabled = errors.New("owner: migration data FD disabled (ENODEV)")
	// ErrSessionReset is why a data FD was disabled when a reset of the VF
	// did it (virtiovf_migration_reset_done): the migration session is
	// over, the device state is RUNNING.
	ErrSessionReset = errors.New("owner: the VF was reset: its migration session ended")
	// ErrNotPreCopy is PRECOPY_INFO while the device is in neither PRE_COPY
	// state (-EINVAL).
	ErrNotPreCopy = errors.New("owner: device not in PRE_COPY or PRE_COPY_P2P (EINVAL)")
)

// MigDevice is the VFIO-v2 migration state machine of one VF on top of the
// owner driver: the role of Linux's vfio-virtio for a virtio-1.4 member
// (draft-2023 flows use the draft commands directly). Each arc maps to
// admin commands as Linux's drivers/vfio/pci/virtio/migrate.c does
// (docs/owner.md, "Linux does / migsim does", has the table); the data
// FDs are MigFiles.
//
// Failure, as Linux's virtiovf_pci_set_device_state: an arc that fails
// undoes what it did (a created object is destroyed) and the device stays
// in the last state reached — the original one or an intermediate one of
// the path. The ERROR state is never entered, whatever failed (the owner
// lost included: later commands fail too). Teardown arcs (STOP_COPY→STOP,
// PRE_COPY→RUNNING, PRE_COPY_P2P→RUNNING_P2P, RESUMING→STOP) never fail:
// they disable the data FDs and destroy their objects, ignoring what
// OBJ_DESTROY answers.
type MigDevice struct {
	drv   *Driver
	vf    int
	flags MigFlags
	state MigState

	saving, resuming *MigFile
	nextFD           int
	// now is the clock of the PRE_COPY rate limit (virtual ns); nil: no
	// limit.
	now func() int64
}

// NewMigDevice returns the state machine of VF vf, in RUNNING.
func NewMigDevice(drv *Driver, vf int, flags MigFlags) *MigDevice {
	return &MigDevice{drv: drv, vf: vf, flags: flags, state: StateRunning}
}

// SetClock gives the state machine the clock (nanoseconds) Linux's
// one-second PRECOPY_INFO rate limit runs on. Without one every call is
// allowed.
func (m *MigDevice) SetClock(now func() int64) { m.now = now }

// State is the current state.
func (m *MigDevice) State() MigState { return m.state }

// Saving and Resuming are the open data FDs (nil when none).
func (m *MigDevice) Saving() *MigFile   { return m.saving }
func (m *MigDevice) Resuming() *MigFile { return m.resuming }

// RecordsApplied counts the DEVICE_DATA records the resuming FD sent as
// PARTS_SET (0 when there is none).
func (m *MigDevice) RecordsApplied() int {
	if m.resuming == nil {
		return 0
	}
	return m.resuming.records
}

// SetState moves the device to target along the path NextState computes,
// one arc at a time (VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE).
func (m *MigDevice) SetState(target MigState) error {
	_, err := m.SetStateFD(target)
	return err
}

// SetStateFD is SetState returning the data FD the uAPI returns: the file
// the last arc opened (STOP→STOP_COPY, RUNNING[_P2P]→PRE_COPY[_P2P],
// STOP→RESUMING), nil when the last arc opened none.
func (m *MigDevice) SetStateFD(target MigState) (*MigFile, error) {
	var opened *MigFile
	for m.state != target {
		next, err := NextState(m.flags, m.state, target)
		if err != nil {
			return nil, fmt.Errorf("owner: VF %d: %w", m.vf, err)
		}
		f, err := m.arc(m.state, next)
		if err != nil {
			return nil, fmt.Errorf("owner: VF %d: %s -> %s: %w", m.vf, m.state, next, err)
		}
		m.state, opened = next, f
	}
	return opened, nil
}

// arc performs one direct arc of the uAPI (include/uapi/linux/vfio.h) with
// the admin commands Linux's vfio-virtio sends for it
// (virtiovf_pci_step_device_state_locked).
func (m *MigDevice) arc(from, to MigState) (*MigFile, error) {
	type a struct{ from, to MigState }
	switch (a{from, to}) {
	case a{StateRunning, StateRunningP2P}, a{StatePreCopy, StatePreCopyP2P}, a{StateRunning, StateStop}:
		return nil, m.drv.SetMode(m.vf, true)
	case a{StateRunningP2P, StateRunning}, a{StatePreCopyP2P, StatePreCopy}, a{StateStop, StateRunning}:
		return nil, m.drv.SetMode(m.vf, false)
	case a{StateRunningP2P, StateStop}, a{StateStop, StateRunningP2P}:
		return nil, nil // virtio's "stopped" covers both
	case a{StateRunning, StatePreCopy}, a{StateRunningP2P, StatePreCopyP2P}:
		return m.saveStart(true)
	case a{StateStop, StateStopCopy}:
		return m.saveStart(false)
	case a{StatePreCopyP2P, StateStopCopy}:
		return nil, m.saving.final()
	case a{StatePreCopy, StateStopCopy}: // without P2P: not a Linux arc
		if err := m.drv.SetMode(m.vf, true); err != nil {
			return nil, err
		}
		return nil, m.saving.final()
	case a{StateStopCopy, StateStop}, a{StatePreCopy, StateRunning}, a{StatePreCopyP2P, StateRunningP2P},
		a{StateResuming, StateStop}:
		m.disableFiles(nil)
		return nil, nil
	case a{StateStop, StateResuming}:
		return m.resumeStart()
	}
	return nil, fmt.Errorf("owner: arc %s -> %s: %w", from, to, ErrInvalidTransition)
}

func (m *MigDevice) newFile(saving bool) *MigFile {
	m.nextFD++
	return &MigFile{m: m, id: m.nextFD, saving: saving}
}

// saveStart is virtiovf_pci_save_device_data: OBJ_CREATE(GET),
// METADATA_GET(SIZE) (0 is EINVAL), PARTS_GET(ALL) as the first record. On
// failure the object is destroyed and no FD is opened.
func (m *MigDevice) saveStart(preCopy bool) (*MigFile, error) {
	id, err := m.drv.CreateObject(m.vf, spec.DevPartsObjTypeGet)
	if err != nil {
		return nil, err
	}
	f := m.newFile(true)
	f.obj, f.hasObj = id, true
	size, err := m.drv.PartsSize(m.vf, id)
	if err == nil && size == 0 {
		err = fmt.Errorf("owner: VF %d: parts size 0: %w", m.vf, ErrEINVAL)
	}
	if err == nil {
		err = f.readChunk(size)
	}
	if err != nil {
		f.clean()
		return nil, err
	}
	if preCopy {
		f.initialBytes, f.fstate = f.maxPos, filePreCopy
	} else {
		f.fstate = fileComplete
	}
	m.saving = f
	return f, nil
}

// resumeStart is virtiovf_pci_resume_device_data: OBJ_CREATE(SET).
func (m *MigDevice) resumeStart() (*MigFile, error) {
	id, err := m.drv.CreateObject(m.vf, spec.DevPartsObjTypeSet)
	if err != nil {
		return nil, err
	}
	f := m.newFile(false)
	f.obj, f.hasObj = id, true
	m.resuming = f
	return f, nil
}

// disableFiles is virtiovf_disable_fds: both data FDs go to their error
// state (why, when not nil, says what disabled them) and their objects are
// destroyed, whatever OBJ_DESTROY answers. It never fails.
func (m *MigDevice) disableFiles(why error) {
	for _, f := range []*MigFile{m.resuming, m.saving} {
		if f != nil {
			f.disable(why)
			f.clean()
		}
	}
	m.resuming, m.saving = nil, nil
}

// DataSize is VFIO_DEVICE_FEATURE_MIG_DATA_SIZE as Linux's
// virtiovf_pci_get_data_size answers it: METADATA_GET(SIZE) on the saving
// FD's object when there is one; otherwise on a GET object created for the
// query and destroyed right after (whatever OBJ_DESTROY answers) — an
// object that counts against the driver's limit while it lives, outside any
// migration.
func (m *MigDevice) DataSize() (uint32, error) {
	if m.saving != nil && m.saving.hasObj {
		return m.drv.PartsSize(m.vf, m.saving.obj)
	}
	id, err := m.drv.CreateObject(m.vf, spec.DevPartsObjTypeGet)
	if err != nil {
		return 0, err
	}
	size, err := m.drv.PartsSize(m.vf, id)
	m.drv.destroyQuietly(m.vf, id)
	return size, err
}

// ResetDone is virtiovf_migration_reset_done, which vfio-pci runs after a
// reset of the VF (an FLR, VFIO_DEVICE_RESET): the state becomes RUNNING
// and both data FDs are disabled, their objects destroyed. No DEV_MODE_SET
// is sent: Linux takes the reset to leave the device running.
func (m *MigDevice) ResetDone() {
	m.state = StateRunning
	m.disableFiles(ErrSessionReset)
}

// Reset is VFIO_DEVICE_RESET as far as migration goes: ResetDone.
func (m *MigDevice) Reset() { m.ResetDone() }

// Read is the saving FD's read (see MigFile.Read); no saving FD is
// ErrFileDisabled.
func (m *MigDevice) Read() ([]byte, error) {
	if m.saving == nil {
		return nil, fmt.Errorf("owner: VF %d: read in %s without a saving FD: %w", m.vf, m.state, ErrFileDisabled)
	}
	return m.saving.Read()
}

// PrecopyInfo is the saving FD's VFIO_MIG_GET_PRECOPY_INFO (see
// MigFile.PrecopyInfo).
func (m *MigDevice) PrecopyInfo() (initial, dirty uint64, err error) {
	if m.saving == nil {
		return 0, 0, fmt.Errorf("owner: VF %d: precopy info in %s: %w", m.vf, m.state, ErrNotPreCopy)
	}
	return m.saving.PrecopyInfo()
}

// Write is the resuming FD's write (see MigFile.Write).
func (m *MigDevice) Write(b []byte) error {
	if m.resuming == nil {
		return fmt.Errorf("owner: VF %d: write in %s without a resuming FD: %w", m.vf, m.state, ErrFileDisabled)
	}
	return m.resuming.Write(b)
}

// destroyQuietly destroys object id of VF vf and drops what the device
// answers, as vfio-virtio's virtiovf_pci_free_obj_id does. As in Linux's
// virtio_pci_admin_obj_destroy the id is freed only when the device
// destroyed the object: a failed destroy keeps it allocated.
func (d *Driver) destroyQuietly(vf int, id uint32) {
	_ = d.DestroyObject(vf, id)
}
