package hv

import (
	"slices"
	"sync"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// DefaultFlow is the edition's migration as the seed (draft-2023) or QEMU
// over vfio-virtio (virtio-1.4) drives it. virtio-1.4, with QEMU's timing
// (hw/vfio/migration.c): the destination enters RESUMING when it sets its
// load up (vfio_load_setup), before any data; the source queries the data
// size (vfio_save_setup) and enters PRE_COPY (a full snapshot while the
// guest runs); a pre-copy round (PRECOPY_INFO, read) whose records the
// destination writes while the source still runs; vCPUs paused,
// →PRE_COPY_P2P, →STOP_COPY, the final record written; the destination
// →STOP, →RUNNING_P2P, →RUNNING; the source →STOP. A failed migration
// resumes the VM on the source with its VFs in RUNNING (on-error=rollback:
// QEMU restarts the VM and vfio_vmstate_change moves each VF to RUNNING).
// Each line moves every VF of the VM before the next line moves any: with
// several devices QEMU brings all of them to a P2P state (PRE_COPY_P2P on
// the source, RUNNING_P2P on the destination) before any goes further
// (hw/vfio/migration.c, the prepare step of vfio_vmstate_change_prepare
// before vfio_vmstate_change).
func DefaultFlow(ed spec.Edition) *scenario.Program {
	defaultFlowsOnce.Do(parseDefaultFlows)
	p := *defaultFlows[ed]
	p.Ops = slices.Clone(p.Ops)
	p.Args = slices.Clone(p.Args)
	return &p
}

var (
	defaultFlowsOnce sync.Once
	defaultFlows     map[spec.Edition]*scenario.Program
)

// defaultFlowText is the text of the edition's default flow.
func defaultFlowText(ed spec.Edition) string {
	src := `hypervisor
  precheck dst
  mode src stop
  read src
  halt-vcpus
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  switchover dst
  mode dst active
  resume-vcpus
`
	if ed == spec.Virtio14 {
		src = `hypervisor on-error=rollback
  precheck dst
  vfio dst RESUMING
  data-size src
  vfio src PRE_COPY
  precopy src
  vfio-write dst
  halt-vcpus
  vfio src PRE_COPY_P2P
  vfio src STOP_COPY
  copy-memory dst
  copy-pci dst
  vfio-write dst
  vfio dst STOP
  switchover dst
  vfio dst RUNNING_P2P
  vfio dst RUNNING
  resume-vcpus
  vfio src STOP
`
	}
	return src
}

// parseDefaultFlows parses every edition's default flow once; DefaultFlow
// hands out copies, so a caller may change the program it gets.
func parseDefaultFlows() {
	defaultFlows = map[spec.Edition]*scenario.Program{}
	for _, ed := range spec.Editions {
		s, err := scenario.ParseScenario("default-flow", []byte("scenario default-flow\n"+defaultFlowText(ed)))
		if err != nil {
			panic("world: default flow does not parse: " + err.Error())
		}
		defaultFlows[ed] = s.Actors[0]
	}
}
