package oracle_test

import "github.com/migsim/migsim/spec"

// The hypervisor's own flow mistakes: a transparent finding names them
// (package world/flowblame) rather than leaving the difference to the
// device requirements alone.
func init() {
	planted = append(planted,
		plant{oracle: "transparent", name: "a switchover to memory copied before the vCPUs halted", ed: spec.Virtio14,
			scn: flowMistake("  copy-memory dst\n  signal go\n  await wrote\n  halt-vcpus\n  mode src stopped\n  save src\n" +
				"  copy-pci dst\n  mode dst stopped\n  load dst\n  switchover dst\n  mode dst running\n  resume-vcpus\n"),
			want: "transparent", msg: "blamed on the hypervisor: the hypervisor switched the VM over to dst with the copy of its memory that copy-memory dst made while the vCPUs ran"},
		plant{oracle: "transparent", name: "a draft Stop never undone where the VM runs", ed: spec.Draft2023,
			scn:  flowMistake("  halt-vcpus\n  mode src stop\n  resume-vcpus\n  signal go\n"),
			want: "transparent", msg: "blamed on the hypervisor: the hypervisor ended its flow with src.vf1 in Stop on src, where the VM runs"},
		plant{oracle: "transparent", name: "clean: the copy after the vCPUs halted", ed: spec.Virtio14,
			scn: flowMistake("  halt-vcpus\n  mode src stopped\n  save src\n  copy-memory dst\n  copy-pci dst\n  mode dst stopped\n" +
				"  load dst\n  switchover dst\n  mode dst running\n  resume-vcpus\n  signal go\n")},
	)
}

// flowMistake is a guest that writes once the hypervisor says go, and
// reads back what it wrote, under the hypervisor program hv.
func flowMistake(hv string) string {
	return `scenario planted
vfs 1
guest vcpu0
  probe
  write sector=0 count=4 pattern=0x51
  signal ready
  await go
  write sector=4 count=4 pattern=0x52
  signal wrote
  read sector=0 count=8
hypervisor
  await ready
` + hv
}
