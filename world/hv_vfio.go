package world

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// migDev returns the VFIO migration state machine of VF vf on host h,
// created in RUNNING on first use.
func (hv *hvActor) migDev(h *host, vf int) *owner.MigDevice {
	if hv.mig == nil {
		hv.mig = map[devKey]*owner.MigDevice{}
	}
	k := devKey{h.idx, owner.Target(vf)}
	m, ok := hv.mig[k]
	if !ok {
		m = owner.NewMigDevice(hv.drv[h.idx], vf, owner.VirtioMigFlags)
		hv.mig[k] = m
	}
	return m
}

// vfio drives the VFIO-v2 migration state machine the way QEMU does
// (`vfio HOST STATE`, `precopy HOST`, `vfio-write HOST`): each arc maps to
// admin commands as Linux's vfio-virtio does; whatever a saving state
// produces is read from the data FD into the VF's stream.
func (hv *hvActor) vfio(op scenario.Op, h *host) error {
	if hv.w.ed != spec.Virtio14 {
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
		hv.stream = map[int][]byte{}
	}
	for _, vf := range vfs {
		m := hv.migDev(h, vf)
		switch op.Verb {
		case "vfio":
			if err := m.SetState(target); err != nil {
				return fmt.Errorf("%s vf%d → %s: %w", h.name, vf, target, err)
			}
		case "precopy":
			if _, _, err := m.PrecopyInfo(); err != nil {
				return fmt.Errorf("precopy %s vf%d: %w", h.name, vf, err)
			}
		case "vfio-write":
			err := hv.atomicLoad(h, vf, func() error {
				saved, err := hv.wrapState(vf, stateStream, hv.stream[vf])
				if err != nil {
					return err
				}
				payload, err := hv.loadCheck(h, vf, saved)
				if err != nil {
					return err
				}
				return m.Write(payload)
			})
			if err != nil {
				return fmt.Errorf("vfio-write %s vf%d: %w", h.name, vf, err)
			}
			continue
		}
		switch m.State() {
		case owner.StatePreCopy, owner.StatePreCopyP2P, owner.StateStopCopy:
			b, err := m.Read()
			if err == nil {
				b, err = hv.unwrapRead(h, vf, b)
			}
			if err != nil {
				return fmt.Errorf("%s %s vf%d: read: %w", op.Verb, h.name, vf, err)
			}
			hv.stream[vf] = append(hv.stream[vf], b...)
		}
	}
	return nil
}
