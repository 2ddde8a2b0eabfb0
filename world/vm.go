package world

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/world/vocab"
)

// buildVM fixes the VFs of the VM (vocab.VMVFs).
func (w *World) buildVM() error {
	vfs, err := vocab.VMVFs(w.scen, w.ed, w.settings)
	if err != nil {
		return fmt.Errorf("world: %s: %w", w.scen.File, err)
	}
	w.vmVFs = vfs
	return nil
}

// inVM reports whether VF vf belongs to the VM.
func (w *World) inVM(vf int) bool {
	_, ok := slices.BinarySearch(w.vmVFs, vf)
	return ok
}

// hostOfVF is the host whose copy of VF vf the guest bound to it uses: the
// host the VM runs on for the VM's VFs, the source for every other VF (the
// VMs that are not migrated stay there).
func (w *World) hostOfVF(vf int) *host {
	if w.inVM(vf) {
		return w.vm
	}
	return w.hosts[0]
}
