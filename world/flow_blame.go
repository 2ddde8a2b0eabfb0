package world

import (
	"fmt"

	"github.com/migsim/migsim/world/flowblame"
)

// The world notes the hypervisor's flow mistakes (package world/flowblame)
// at its copy-memory, switchover, resume-vcpus and flow end, from what
// every hypervisor step reads (por): the vCPUs' halt and the host's
// record of the VM's VFs.

// vmVFViews is the host's record of the VM's VFs present on h.
func (w *World) vmVFViews(h *host) []flowblame.VF {
	var out []flowblame.VF
	for _, vf := range w.vmVFs {
		if h.present(vf) {
			v := h.truth.View(vf, true)
			out = append(out, flowblame.VF{Name: fmt.Sprintf("%s.vf%d", h.name, vf), Mode: v.Mode, Resumed: v.Resumed})
		}
	}
	return out
}

// noteCopy notes a copy-memory to h.
func (w *World) noteCopy(h *host) {
	if w.cfg.Reference {
		return
	}
	vcpus := false
	for _, g := range w.guests {
		vcpus = vcpus || (w.inVM(g.vf) && !g.halted)
	}
	w.flowNotes.Copied(h.idx, vcpus, w.vmVFViews(w.vm))
}

// noteSwitch notes the switchover of the VM to h, before it moves there.
func (w *World) noteSwitch(h *host) {
	if !w.cfg.Reference && w.vm != nil && h != w.vm {
		w.flowNotes.Switched(h.idx, h.name, w.vm.name, w.vmVFViews(h))
	}
}

// quiescedVMVFs names the VM's VFs, on every host, that the host's record
// has in haltMode (blame.go): a vCPU resumed now must not reach them.
func (w *World) quiescedVMVFs() []string {
	var out []string
	for _, h := range w.hosts {
		for _, vf := range w.vmVFs {
			if w.hostHalted(h, vf) {
				out = append(out, fmt.Sprintf("%s.vf%d", h.name, vf))
			}
		}
	}
	return out
}
