package hv

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/scenario"
)

// crashesAGuest refuses `fail HOST` when a guest runs on HOST: the VM
// being migrated (before its switchover elsewhere), or, on the source,
// another VM's guest (a guest bound to a VF outside the VM, which stays
// on the source, docs/scenarios.md "The VM and its VFs"). The guest would
// die with its host, and its log would then judge nothing a device did.
func (hv *Hypervisor) crashesAGuest(h Host) error {
	if hv.w.VM() == h {
		return fmt.Errorf("the VM runs on %s: crashing its host crashes the guest, which no device answers for (fail the destination, or the source after switchover)", h.Name())
	}
	if h.Index() != 0 {
		return nil
	}
	vm := hv.w.VMVFs()
	for _, p := range hv.scen.Actors {
		if p.Kind != scenario.ActorGuest || (p.Edition != 0 && p.Edition != hv.ed) {
			continue
		}
		if vf := p.VF(); vf != 0 && !slices.Contains(vm, vf) { // 0: refused when the scenario was checked
			return fmt.Errorf("guest %s (line %d) belongs to another VM, which stays on %s: crashing its host crashes that guest, which no device answers for", p.Name, p.Line, h.Name())
		}
	}
	return nil
}
