package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// The scenarios of the one-running cases about a destination VF that an
// FLR wiped after its state write: the host resets the first destination's
// VF once the write succeeded and the hypervisor goes on to a second
// destination, dst2. Under mode-after-flr=running the FLR leaves the VF
// Active, but reset (device_status 0, no queues, no device context:
// DRAFT-FLR-01, DP-DEV-14), and the VM never ran on dst: it runs nothing of
// the VM. The cases that must still fire keep the same FLR and give the VM
// a real second runner: a source never stopped, or a destination written
// again after the FLR and resumed.

// wipedGuest is the guest of these scenarios: it writes, lets the
// hypervisor start and reads its data back once it moved.
const wipedGuest = `scenario planted
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x25
  signal ready
  read sector=0 count=2
peer host
  await written
  vf-flr dst vf=1
  signal flr

`

// dst2AfterFLRDraft: the draft-2023 flow writes dst, the host FLRs dst's VF,
// and the hypervisor migrates to dst2 instead; tail ends the program.
func dst2AfterFLRDraft(tail string) string {
	return wipedGuest + `hypervisor
  await ready
  mode src stop
  read src
  halt-vcpus
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  signal written
  await flr
` + tail + `  copy-memory dst2
  copy-pci dst2
  mode dst2 freeze
  write dst2
  switchover dst2
  mode dst2 active
  resume-vcpus
`
}

// dst2AfterFLRV14 is dst2AfterFLRDraft in virtio-1.4 verbs.
func dst2AfterFLRV14(tail string) string {
	return wipedGuest + `hypervisor
  await ready
  halt-vcpus
  mode src stopped
  save src
  copy-memory dst
  copy-pci dst
  mode dst stopped
  load dst
  signal written
  await flr
` + tail + `  copy-memory dst2
  copy-pci dst2
  mode dst2 stopped
  load dst2
  switchover dst2
  mode dst2 running
  resume-vcpus
`
}

// wipedProbe is a test oracle that reports nothing and counts the flow ends
// at which dst's VF 1 is Active (running) and wiped by an FLR: the
// situation the clean cases are about.
type wipedProbe struct{ hits *int }

func (wipedProbe) Info() observe.OracleInfo { return observe.OracleInfo{Name: "wiped-probe"} }

func (w wipedProbe) CheckFlowEnd(p *observe.FlowPass) {
	if v := p.Owner("dst", 1); v.Running() && v.Wiped && p.VMHost == "dst2" {
		*w.hits++
	}
}

// TestOneRunningWipedDestinationExplored explores the user's scenario
// (the first destination's VF FLRed after the state write, the VM migrated
// to dst2) in both editions: under every schedule explored the FLR has
// wiped dst's VF, which is Active again, and one-running stays silent.
func TestOneRunningWipedDestinationExplored(t *testing.T) {
	for _, tc := range []struct {
		ed  spec.Edition
		scn string
	}{{spec.Draft2023, dst2AfterFLRDraft("")}, {spec.Virtio14, dst2AfterFLRV14("")}} {
		t.Run(tc.ed.String(), func(t *testing.T) {
			hits := 0
			found := exploreOne(t, tc.scn, tc.ed, nil, oracle.OneRunning, wipedProbe{&hits}, 30, "pct", "random")
			assert.Empty(t, found)
			assert.Equal(t, 60, hits, "every schedule ends with dst's VF wiped and Active")
		})
	}
}
