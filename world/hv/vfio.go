package hv

import (
	"errors"
	"fmt"
	"strings"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/hv/devimpl"
)

// The hypervisor drives the VFIO-v2 state machine of each VF the way QEMU
// does (hw/vfio/migration.c): `vfio HOST STATE` is one
// VFIO_DEVICE_FEATURE_MIG_DEVICE_STATE (vfio_migration_set_state), whose
// returned data FD QEMU keeps as migration->data_fd until the migration is
// cleaned up, and a read of the saving FD when the state is STOP_COPY;
// `precopy HOST` is one VFIO_MIG_GET_PRECOPY_INFO and a read of the data
// FD; `vfio-write HOST` writes what was read and not yet written
// to the destination's data FD; `data-size HOST` is
// VFIO_DEVICE_FEATURE_MIG_DATA_SIZE (vfio_query_stop_copy_size). Each call
// into the VF's driver holds its state_mutex (hvKernel.locked), and a
// reset_done that came meanwhile is done when the call ends
// (trap.go).

// ErrDataFDOutOfSync is QEMU's "data_fd out of sync" (-EBADF): a state
// change returned a new data FD while QEMU still holds one — what happens
// when the device was reset asynchronously and its data transfer ended.
var ErrDataFDOutOfSync = errors.New("world: data_fd out of sync (EBADF)")

// migDev returns the VFIO migration state machine of VF vf on host h,
// created in RUNNING on first use, on the world's clock.
func (hv *Hypervisor) migDev(h Host, vf int) *owner.MigDevice {
	if hv.mig == nil {
		hv.mig = map[vfKey]*owner.MigDevice{}
	}
	k := vfKey{h.Index(), vf}
	m, ok := hv.mig[k]
	if !ok {
		m = owner.NewMigDevice(hv.drv[h.Index()], vf, owner.VirtioMigFlags)
		hv.setClock(m)
		hv.mig[k] = m
	}
	return m
}

// setClock puts m on the world's clock (when it is made, and when a
// checkpoint is restored: bind).
func (hv *Hypervisor) setClock(m *owner.MigDevice) {
	m.SetClock(func() int64 { return int64(hv.w.Now()) })
}

// locked runs call holding VF vf's state_mutex, then does a reset_done
// that came meanwhile (virtiovf_state_mutex_unlock).
func (hv *Hypervisor) locked(h Host, vf int, m *owner.MigDevice, call func() error) error {
	k := vfKey{h.Index(), vf}
	if hv.kern.locked == nil {
		hv.kern.locked, hv.kern.deferred = map[vfKey]bool{}, map[vfKey]bool{}
	}
	hv.kern.locked[k] = true
	err := call()
	delete(hv.kern.locked, k)
	if hv.kern.deferred[k] {
		delete(hv.kern.deferred, k)
		m.ResetDone()
		hv.w.Notef("hv: %s.vf%d: deferred reset_done: VFIO state RUNNING, data FDs disabled, objects destroyed", h.Name(), vf)
	}
	return err
}

// vfio runs `vfio HOST STATE`, `precopy HOST`, `vfio-write HOST` and
// `data-size HOST`.
func (hv *Hypervisor) vfio(op scenario.Op, h Host) error {
	if hv.ed != spec.Virtio14 {
		return hv.editionError(op, op.Verb)
	}
	vfs, err := hv.vfs(op)
	if err != nil {
		return err
	}
	var target owner.MigState
	if op.Verb == "vfio" {
		var word string
		for _, a := range op.Args[1:] {
			if a.Key == "" {
				word = a.Value
			}
		}
		if target, err = owner.ParseMigState(strings.ToUpper(word)); err != nil {
			return err
		}
	}
	if hv.stream == nil {
		hv.stream, hv.written, hv.fds = map[int][]byte{}, map[int]int{}, map[vfKey]*owner.MigFile{}
	}
	for _, vf := range vfs {
		m := hv.migDev(h, vf)
		k := vfKey{h.Index(), vf}
		switch op.Verb {
		case "vfio":
			if err := hv.setState(h, vf, m, target); err != nil {
				return fmt.Errorf("%s vf%d → %s: %w", h.Name(), vf, target, err)
			}
		case "precopy":
			f := hv.fds[k]
			if f == nil {
				return fmt.Errorf("precopy %s vf%d: no data FD", h.Name(), vf)
			}
			var initial, dirty uint64
			if err := hv.locked(h, vf, m, func() (err error) { initial, dirty, err = f.PrecopyInfo(); return err }); err != nil {
				return fmt.Errorf("precopy %s vf%d: %w", h.Name(), vf, err)
			}
			hv.w.Notef("hv: precopy %s vf%d: initial_bytes=%d dirty_bytes=%d", h.Name(), vf, initial, dirty)
		case "data-size":
			var size uint32
			err := hv.locked(h, vf, m, func() (err error) { size, err = m.DataSize(); return err })
			if err != nil {
				// QEMU's vfio_save_setup keeps its default buffer size when
				// the query fails.
				hv.w.Notef("hv: data-size %s vf%d: %v (ignored, as QEMU does)", h.Name(), vf, err)
			} else {
				hv.w.Notef("hv: data-size %s vf%d: %d bytes", h.Name(), vf, size)
			}
			continue
		case "vfio-write":
			if err := hv.vfioWrite(h, vf, m); err != nil {
				return fmt.Errorf("vfio-write %s vf%d: %w", h.Name(), vf, err)
			}
			continue
		}
		// QEMU reads the saving FD in a pre-copy round (vfio_save_iterate)
		// and once in STOP_COPY (vfio_save_complete_precopy), not when it
		// enters PRE_COPY (vfio_save_setup).
		if op.Verb == "precopy" || target == owner.StateStopCopy {
			if err := hv.readFD(h, vf); err != nil {
				return fmt.Errorf("%s %s vf%d: read: %w", op.Verb, h.Name(), vf, err)
			}
		}
	}
	return nil
}

// setState is vfio_migration_set_state: the new state, then QEMU's check
// of the returned data FD. QEMU keeps a data FD until the device leaves the
// saving and resuming states.
func (hv *Hypervisor) setState(h Host, vf int, m *owner.MigDevice, target owner.MigState) error {
	k := vfKey{h.Index(), vf}
	var f *owner.MigFile
	if err := hv.locked(h, vf, m, func() (err error) { f, err = m.SetStateFD(target); return err }); err != nil {
		return err
	}
	if held := hv.fds[k]; f != nil && held != nil {
		err := fmt.Errorf("%w: VFIO returned data FD %d while QEMU holds FD %d", ErrDataFDOutOfSync, f.ID(), held.ID())
		if disabled, why := held.Disabled(); disabled && why != nil {
			err = fmt.Errorf("%w (FD %d was disabled: %w)", err, held.ID(), why)
		}
		return err
	}
	if f != nil {
		hv.fds[k] = f
	}
	switch target {
	case owner.StatePreCopy, owner.StatePreCopyP2P, owner.StateStopCopy, owner.StateResuming:
	default:
		delete(hv.fds, k) // the migration is over: vfio_migration_cleanup closes it
	}
	return nil
}

// readFD reads the saving data FD QEMU holds for VF vf of h, if any, into
// the VF's stream.
func (hv *Hypervisor) readFD(h Host, vf int) error {
	f := hv.fds[vfKey{h.Index(), vf}]
	if f == nil || !f.IsSaving() {
		return nil
	}
	b, err := f.Read()
	if err == nil {
		b, err = hv.unwrapRead(h, vf, b)
	}
	if err != nil {
		return err
	}
	hv.stream[vf] = append(hv.stream[vf], b...)
	return nil
}

// vfioWrite writes the VF's stream bytes not yet written to the
// destination's data FD, wrapped and checked as one saved state.
func (hv *Hypervisor) vfioWrite(h Host, vf int, m *owner.MigDevice) error {
	f := hv.fds[vfKey{h.Index(), vf}]
	if f == nil {
		return fmt.Errorf("no data FD")
	}
	chunk := hv.stream[vf][hv.written[vf]:]
	err := hv.atomicLoad(h, vf, true, func() error {
		saved, err := hv.wrapState(vf, devimpl.KindStream, chunk)
		if err != nil {
			return err
		}
		payload, err := hv.loadCheck(h, vf, saved)
		if err != nil {
			return err
		}
		return hv.locked(h, vf, m, func() error { return f.Write(payload) })
	})
	if err == nil {
		hv.written[vf] += len(chunk)
	}
	return err
}

// rollbackVFIO is QEMU's failed migration on the source: the VM starts
// again and vfio_vmstate_change moves every VF to RUNNING (the data FD is
// closed by the cleanup). It reports whether VF vf of h is under VFIO.
func (hv *Hypervisor) rollbackVFIO(h Host, vf int) bool {
	k := vfKey{h.Index(), vf}
	m := hv.mig[k]
	if m == nil {
		return false
	}
	delete(hv.fds, k)
	if err := hv.locked(h, vf, m, func() error { return m.SetState(owner.StateRunning) }); err != nil {
		hv.w.Notef("rollback: %s.vf%d → RUNNING: %v", h.Name(), vf, err)
	}
	return true
}

// migratable refuses a migration operation on a host whose owner driver
// cannot migrate its VFs (owner.ErrNotMigratable): QEMU refuses to migrate
// a device without migration support before anything moves.
func (hv *Hypervisor) migratable(h Host) error {
	if err := hv.drv[h.Index()].Migratable(); err != nil {
		return fmt.Errorf("%s: %w", h.Name(), err)
	}
	return nil
}
