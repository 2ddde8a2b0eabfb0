package owner

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// fileState is a data FD's state (Linux's enum virtiovf_migf_state).
type fileState uint8

const (
	fileOpen     fileState = iota // resuming, or saving before its first record
	filePreCopy                   // VIRTIOVF_MIGF_STATE_PRECOPY
	fileComplete                  // VIRTIOVF_MIGF_STATE_COMPLETE: the final record is queued
	fileError                     // VIRTIOVF_MIGF_STATE_ERROR
)

// preCopyInterval is the PRECOPY_INFO rate limit: one METADATA_GET(SIZE) a
// second (ratelimit_state_init(&migf->pre_copy_rl_state, 1 * HZ, 1)).
const preCopyInterval = int64(1_000_000_000)

// MigFile is one migration data FD of a MigDevice: the saving FD of
// STOP_COPY or PRE_COPY, or the resuming FD of RESUMING
// (drivers/vfio/pci/virtio/migrate.c, struct virtiovf_migration_file). It
// outlives the device's reference to it: once disabled (a teardown arc, a
// reset, a failure), every call on it fails with ErrFileDisabled.
type MigFile struct {
	m      *MigDevice
	id     int
	saving bool
	fstate fileState
	// why is what disabled the FD (nil: a teardown arc or its own failure).
	why         error
	obj         uint32
	hasObj      bool
	objReleased bool
	// queue holds the saved bytes not yet read; pos is the FD position
	// (bytes read), maxPos the bytes produced, initialBytes maxPos after the
	// first record (pre_copy_initial_bytes).
	queue             []byte
	pos, maxPos       int64
	initialBytes      int64
	rlStarted, rlUsed bool
	rlBegin           int64
	resume            []byte
	records           int
}

// ID tells data FDs apart: each FD a device opens gets the next one.
func (f *MigFile) ID() int { return f.id }

// IsSaving reports whether f is a saving FD (else a resuming one).
func (f *MigFile) IsSaving() bool { return f.saving }

// Disabled reports whether the FD is in its error state, and what disabled
// it (nil when not a reset).
func (f *MigFile) Disabled() (bool, error) { return f.fstate == fileError, f.why }

func (f *MigFile) disable(why error) {
	f.fstate = fileError
	if f.why == nil {
		f.why = why
	}
}

// clean is virtiovf_clean_migf_resources: the FD's object is destroyed,
// whatever OBJ_DESTROY answers.
func (f *MigFile) clean() {
	if f.hasObj && !f.objReleased {
		f.objReleased = true
		f.m.drv.destroyQuietly(f.m.vf, f.obj)
	}
	f.queue = nil
}

// disabledErr is the error of a call on a disabled FD.
func (f *MigFile) disabledErr(what string) error {
	if f.why != nil {
		return fmt.Errorf("owner: VF %d: %s on data FD %d: %w: %w", f.m.vf, what, f.id, ErrFileDisabled, f.why)
	}
	return fmt.Errorf("owner: VF %d: %s on data FD %d: %w", f.m.vf, what, f.id, ErrFileDisabled)
}

// readChunk is virtiovf_read_device_context_chunk: PARTS_GET(ALL) into
// pages covering size, queued as one DEVICE_DATA record whose length is
// what the device returned.
func (f *MigFile) readChunk(size uint32) error {
	parts, err := f.m.drv.PartsGetAll(f.m.vf, f.obj, int(size))
	if err != nil {
		return err
	}
	rec := EncodeRecord(TagDeviceData, 0, parts)
	f.queue = append(f.queue, rec...)
	f.maxPos += int64(len(rec))
	return nil
}

// final is virtiovf_pci_save_device_final_data (PRE_COPY_P2P→STOP_COPY):
// METADATA_GET(SIZE) and PARTS_GET(ALL) once more, as another record. A
// failure puts the FD in its error state.
func (f *MigFile) final() error {
	if f == nil {
		return fmt.Errorf("owner: final snapshot without a saving FD: %w", ErrFileDisabled)
	}
	if f.fstate == fileError {
		return f.disabledErr("final snapshot")
	}
	size, err := f.m.drv.PartsSize(f.m.vf, f.obj)
	if err == nil && size == 0 {
		err = fmt.Errorf("owner: VF %d: parts size 0: %w", f.m.vf, ErrEINVAL)
	}
	if err == nil {
		err = f.readChunk(size)
	}
	if err != nil {
		f.disable(nil)
		return err
	}
	f.fstate = fileComplete
	return nil
}

// Read is virtiovf_save_read: it returns every queued byte and advances the
// position. Nothing queued is not an error in PRE_COPY (Linux's -ENOMSG: no
// data for now) nor once the final record was read (end of stream); in any
// other state it is -EINVAL.
func (f *MigFile) Read() ([]byte, error) {
	if !f.saving {
		return nil, fmt.Errorf("owner: VF %d: read on the resuming FD %d: %w", f.m.vf, f.id, ErrEINVAL)
	}
	if f.fstate == fileError {
		return nil, f.disabledErr("read")
	}
	if len(f.queue) == 0 {
		if f.fstate == filePreCopy || f.fstate == fileComplete {
			return nil, nil
		}
		return nil, fmt.Errorf("owner: VF %d: read on data FD %d: no data: %w", f.m.vf, f.id, ErrEINVAL)
	}
	out := f.queue
	f.queue = nil
	f.pos += int64(len(out))
	return out, nil
}

// rateLimited reports whether this PRECOPY_INFO may send METADATA_GET(SIZE)
// (__ratelimit with an interval of one second and a burst of one: the first
// call of a window passes, the window restarts once a second has passed).
func (f *MigFile) rateLimited() bool {
	if f.m.now == nil {
		return false
	}
	now := f.m.now()
	if !f.rlStarted {
		f.rlStarted, f.rlBegin = true, now
	}
	if now > f.rlBegin+preCopyInterval {
		f.rlBegin, f.rlUsed = now, false
	}
	if f.rlUsed {
		return true
	}
	f.rlUsed = true
	return false
}

// PrecopyInfo is VFIO_MIG_GET_PRECOPY_INFO as Linux's
// virtiovf_precopy_ioctl answers it. The device must be in PRE_COPY or
// PRE_COPY_P2P (else ErrNotPreCopy, -EINVAL). METADATA_GET(SIZE) is sent on
// every call the one-second rate limit lets through (ctx_size 0
// otherwise). While bytes of the first record are unread, initial_bytes is
// what remains of it and dirty_bytes 0; afterwards dirty_bytes is the
// unread bytes plus ctx_size, and when nothing was unread and ctx_size is
// not 0 a whole new PARTS_GET(ALL) snapshot is queued as another record
// (its failure is returned, the FD stays usable: the device runs and its
// size may grow).
func (f *MigFile) PrecopyInfo() (initial, dirty uint64, err error) {
	if s := f.m.state; (s != StatePreCopy && s != StatePreCopyP2P) || f.m.saving != f {
		err := fmt.Errorf("owner: VF %d: precopy info on data FD %d in %s: %w", f.m.vf, f.id, s, ErrNotPreCopy)
		if f.why != nil {
			err = fmt.Errorf("%w: %w", err, f.why)
		}
		return 0, 0, err
	}
	var ctxSize uint32
	if !f.rateLimited() {
		if ctxSize, err = f.m.drv.PartsSize(f.m.vf, f.obj); err != nil {
			return 0, 0, err
		}
	}
	if f.fstate == fileError {
		return 0, 0, f.disabledErr("precopy info")
	}
	endOfData := false
	if f.initialBytes > f.pos {
		initial = uint64(f.initialBytes - f.pos)
	} else {
		dirty = uint64(f.maxPos - f.pos)
		endOfData = dirty == 0
		dirty += uint64(ctxSize)
	}
	if endOfData && ctxSize != 0 {
		if err := f.readChunk(ctxSize); err != nil {
			return 0, 0, err
		}
	}
	return initial, dirty, nil
}

// Write is virtiovf_resume_write: it takes stream bytes, re-assembling
// records across writes, and sends each complete DEVICE_DATA record on its
// own as DEV_PARTS_SET; an unknown optional record is skipped. A failure —
// a record longer than a parts size can be (ENOMEM), an unknown mandatory
// tag (EOPNOTSUPP), a PARTS_SET the device refused — puts the FD in its
// error state: every later write fails with ErrFileDisabled.
func (f *MigFile) Write(b []byte) error {
	if f.saving {
		return fmt.Errorf("owner: VF %d: write on the saving FD %d: %w", f.m.vf, f.id, ErrEINVAL)
	}
	if f.fstate == fileError {
		return f.disabledErr("write")
	}
	if err := f.consume(b); err != nil {
		f.disable(nil)
		return err
	}
	return nil
}

// errRecordTooLong and errMandatoryTag are the stream errors of Write.
var (
	errRecordTooLong = errors.New("record longer than a parts size can be (ENOMEM)")
	errMandatoryTag  = errors.New("unknown mandatory record tag (EOPNOTSUPP)")
)

func (f *MigFile) consume(b []byte) error {
	f.resume = append(f.resume, b...)
	for len(f.resume) >= RecordHeaderSize {
		size := binary.LittleEndian.Uint64(f.resume)
		flags := binary.LittleEndian.Uint32(f.resume[8:])
		tag := binary.LittleEndian.Uint32(f.resume[12:])
		if size > maxRecordSize {
			return fmt.Errorf("owner: VF %d: record of %d bytes: %w", f.m.vf, size, errRecordTooLong)
		}
		if tag != TagDeviceData && flags&RecordFlagOptional == 0 {
			return fmt.Errorf("owner: VF %d: record tag %d: %w", f.m.vf, tag, errMandatoryTag)
		}
		if uint64(len(f.resume)-RecordHeaderSize) < size {
			return nil
		}
		data := f.resume[RecordHeaderSize : RecordHeaderSize+size]
		if tag == TagDeviceData {
			if err := f.m.drv.PartsSet(f.m.vf, f.obj, data); err != nil {
				return err
			}
			f.records++
		}
		f.resume = f.resume[RecordHeaderSize+size:]
	}
	return nil
}
