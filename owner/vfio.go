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

// MigDevice is the VFIO-v2 migration state machine of one VF on top of the
// owner driver: the role of Linux's vfio-virtio for a virtio-1.4 member
// (draft-2023 flows use the draft commands directly). Each arc maps to
// admin commands as Linux's drivers/vfio/pci/virtio/migrate.c does
// (docs/owner.md, "VFIO-v2 state machine", has the table).
//
// Failure: when an arc's admin command fails with a status (the device
// answered; ADM-DEV-03 says a failed command has no side effect) or the
// driver refuses it (a zero parts size, an incomplete stream), SetState
// undoes what the arc did (a created object is destroyed), stays in the last
// state it reached (the original one or an intermediate one of the path —
// Linux's virtio driver does the same) and returns the error. When the owner
// itself is lost (ErrOwnerReset, ErrNeedsReset, ErrNoCompletion) the device
// state is unknown and the device goes to ERROR, which only Reset leaves.
type MigDevice struct {
	drv   *Driver
	vf    int
	flags MigFlags
	state MigState

	getObj, setObj       uint32
	hasGetObj, hasSetObj bool
	// stream is the saving data produced and not yet read; initial counts
	// the bytes of the first record still unread (initial_bytes).
	stream  []byte
	initial int
	// complete is set when STOP_COPY queued its final record.
	complete bool
	// resume holds written stream bytes not yet forming a whole record.
	resume  []byte
	records int
}

// NewMigDevice returns the state machine of VF vf, in RUNNING.
func NewMigDevice(drv *Driver, vf int, flags MigFlags) *MigDevice {
	return &MigDevice{drv: drv, vf: vf, flags: flags, state: StateRunning}
}

// State is the current state.
func (m *MigDevice) State() MigState { return m.state }

// RecordsApplied counts the DEVICE_DATA records sent as PARTS_SET.
func (m *MigDevice) RecordsApplied() int { return m.records }

// SetState moves the device to target along the path NextState computes,
// one arc at a time.
func (m *MigDevice) SetState(target MigState) error {
	for m.state != target {
		next, err := NextState(m.flags, m.state, target)
		if err != nil {
			return fmt.Errorf("owner: VF %d: %w", m.vf, err)
		}
		if err := m.arc(m.state, next); err != nil {
			err = fmt.Errorf("owner: VF %d: %s -> %s: %w", m.vf, m.state, next, err)
			if errors.Is(err, ErrOwnerReset) || errors.Is(err, ErrNeedsReset) || errors.Is(err, ErrNoCompletion) {
				m.state = StateError
			}
			return err
		}
		m.state = next
	}
	return nil
}

// arc performs one direct arc of the uAPI (include/uapi/linux/vfio.h) with
// the admin commands Linux's vfio-virtio sends for it (docs/owner.md).
func (m *MigDevice) arc(from, to MigState) error {
	type a struct{ from, to MigState }
	switch (a{from, to}) {
	case a{StateRunning, StateRunningP2P}, a{StatePreCopy, StatePreCopyP2P}, a{StateRunning, StateStop}:
		return m.drv.SetMode(m.vf, true)
	case a{StateRunningP2P, StateRunning}, a{StatePreCopyP2P, StatePreCopy}, a{StateStop, StateRunning}:
		return m.drv.SetMode(m.vf, false)
	case a{StateRunningP2P, StateStop}, a{StateStop, StateRunningP2P}:
		return nil // virtio's "stopped" covers both
	case a{StateRunning, StatePreCopy}, a{StateRunningP2P, StatePreCopyP2P}:
		return m.saveStart(true)
	case a{StateStop, StateStopCopy}:
		return m.saveStart(false)
	case a{StatePreCopyP2P, StateStopCopy}:
		return m.finalSnapshot()
	case a{StatePreCopy, StateStopCopy}: // without P2P
		if err := m.drv.SetMode(m.vf, true); err != nil {
			return err
		}
		return m.finalSnapshot()
	case a{StateStopCopy, StateStop}, a{StatePreCopy, StateRunning}, a{StatePreCopyP2P, StateRunningP2P}:
		return m.saveEnd()
	case a{StateStop, StateResuming}:
		id, err := m.drv.CreateObject(m.vf, spec.DevPartsObjTypeSet)
		if err != nil {
			return err
		}
		m.setObj, m.hasSetObj, m.resume, m.records = id, true, nil, 0
		return nil
	case a{StateResuming, StateStop}:
		return m.resumeEnd()
	}
	return fmt.Errorf("owner: arc %s -> %s: %w", from, to, ErrInvalidTransition)
}

// snapshot reads METADATA_GET(SIZE) (0 is EINVAL, as Linux) and
// PARTS_GET(ALL) into a buffer of that size, and queues it as one record.
func (m *MigDevice) snapshot() (int, error) {
	size, err := m.drv.PartsSize(m.vf, m.getObj)
	if err != nil {
		return 0, err
	}
	if size == 0 {
		return 0, fmt.Errorf("owner: VF %d: parts size 0: %w", m.vf, ErrEINVAL)
	}
	parts, err := m.drv.PartsGetAll(m.vf, m.getObj, int(size))
	if err != nil {
		return 0, err
	}
	rec := EncodeRecord(TagDeviceData, 0, parts)
	m.stream = append(m.stream, rec...)
	return len(rec), nil
}

func (m *MigDevice) saveStart(preCopy bool) error {
	id, err := m.drv.CreateObject(m.vf, spec.DevPartsObjTypeGet)
	if err != nil {
		return err
	}
	m.getObj, m.hasGetObj, m.stream, m.complete = id, true, nil, false
	n, err := m.snapshot()
	if err != nil {
		m.dropGetObj()
		return err
	}
	if preCopy {
		m.initial = n
	} else {
		m.initial, m.complete = 0, true
	}
	return nil
}

func (m *MigDevice) finalSnapshot() error {
	if _, err := m.snapshot(); err != nil {
		return err
	}
	m.complete = true
	return nil
}

func (m *MigDevice) dropGetObj() {
	if m.hasGetObj {
		if err := m.drv.DestroyObject(m.vf, m.getObj); err == nil {
			m.hasGetObj = false
		}
	}
}

func (m *MigDevice) saveEnd() error {
	m.stream, m.initial, m.complete = nil, 0, false
	if !m.hasGetObj {
		return nil
	}
	if err := m.drv.DestroyObject(m.vf, m.getObj); err != nil {
		return err
	}
	m.hasGetObj = false
	return nil
}

// Read returns the saving stream produced so far and not yet read (the data
// FD). In STOP_COPY an empty result after the final record is the end of
// the stream.
func (m *MigDevice) Read() ([]byte, error) {
	switch m.state {
	case StatePreCopy, StatePreCopyP2P, StateStopCopy:
	default:
		return nil, fmt.Errorf("owner: VF %d: read in %s: %w", m.vf, m.state, ErrInvalidTransition)
	}
	out := m.stream
	m.stream, m.initial = nil, 0
	return out, nil
}

// PrecopyInfo is VFIO_MIG_GET_PRECOPY_INFO: initial_bytes are the unread
// bytes of the first record, dirty_bytes the other unread bytes. When
// everything was read and the parts size is non-zero, it reads a whole new
// PARTS_GET(ALL) snapshot as another record first (Linux rate-limits this
// to once a second; there is no clock here, so it does it every call).
func (m *MigDevice) PrecopyInfo() (initial, dirty uint64, err error) {
	if m.state != StatePreCopy && m.state != StatePreCopyP2P {
		return 0, 0, fmt.Errorf("owner: VF %d: precopy info in %s: %w", m.vf, m.state, ErrEINVAL)
	}
	if len(m.stream) == 0 {
		size, err := m.drv.PartsSize(m.vf, m.getObj)
		if err != nil {
			return 0, 0, err
		}
		if size > 0 {
			if _, err := m.snapshot(); err != nil {
				return 0, 0, err
			}
		}
	}
	return uint64(m.initial), uint64(len(m.stream) - m.initial), nil
}

// Write takes stream bytes in RESUMING (the data FD). Each complete
// DEVICE_DATA record is sent on its own as DEV_PARTS_SET; an unknown
// optional record is skipped, an unknown mandatory one is an error.
func (m *MigDevice) Write(b []byte) error {
	if m.state != StateResuming {
		return fmt.Errorf("owner: VF %d: write in %s: %w", m.vf, m.state, ErrInvalidTransition)
	}
	m.resume = append(m.resume, b...)
	for len(m.resume) >= RecordHeaderSize {
		size := binary.LittleEndian.Uint64(m.resume)
		flags := binary.LittleEndian.Uint32(m.resume[8:])
		tag := binary.LittleEndian.Uint32(m.resume[12:])
		if size > maxRecordSize {
			return fmt.Errorf("owner: VF %d: record of %d bytes exceeds %d", m.vf, size, uint64(maxRecordSize))
		}
		if uint64(len(m.resume)-RecordHeaderSize) < size {
			return nil
		}
		data := m.resume[RecordHeaderSize : RecordHeaderSize+size]
		switch {
		case tag == TagDeviceData:
			if err := m.drv.PartsSet(m.vf, m.setObj, data); err != nil {
				return err
			}
			m.records++
		case flags&RecordFlagOptional == 0:
			return fmt.Errorf("owner: VF %d: record tag %d is unknown and not optional", m.vf, tag)
		}
		m.resume = m.resume[RecordHeaderSize+size:]
	}
	return nil
}

// resumeEnd is RESUMING -> STOP: incomplete data fails the transition.
func (m *MigDevice) resumeEnd() error {
	if len(m.resume) != 0 {
		return fmt.Errorf("owner: VF %d: %d bytes of an incomplete record at the end of the stream: %w", m.vf, len(m.resume), ErrEINVAL)
	}
	if m.hasSetObj {
		if err := m.drv.DestroyObject(m.vf, m.setObj); err != nil {
			return err
		}
		m.hasSetObj = false
	}
	return nil
}

// Reset is VFIO_DEVICE_RESET as far as migration goes: the saving and
// resuming sessions end, their objects are destroyed (best effort), and the
// state is RUNNING.
func (m *MigDevice) Reset() {
	m.dropGetObj()
	if m.hasSetObj {
		if err := m.drv.DestroyObject(m.vf, m.setObj); err == nil {
			m.hasSetObj = false
		}
	}
	m.stream, m.resume, m.initial, m.complete = nil, nil, 0, false
	m.hasGetObj, m.hasSetObj = false, false
	m.state = StateRunning
}
