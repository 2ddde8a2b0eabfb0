package oracle_test

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// The planted bugs of the bus and of peer MMIO: what the transparent
// oracle learned to judge when guest MMIO writes became TLPs in flight
// (posted-writes) and peers learned to read.

func init() {
	planted = append(planted,
		plant{oracle: "transparent", name: "a posted doorbell lands in Freeze", ed: spec.Draft2023,
			scn:  inFlightDoorbell("in-flight-unordered"),
			want: "transparent", msg: "blamed on the hypervisor: the hypervisor froze src.vf1 with a posted write in flight: vcpu0 issued MWr"},
		plant{oracle: "transparent", name: "clean: PCIe ordering pushes the doorbell ahead of the freeze", ed: spec.Draft2023,
			scn: inFlightDoorbell("in-flight")},
		plant{oracle: "transparent", name: "a request posted while stopped never served, the migration cancelled", ed: spec.Virtio14,
			scn: kickThenCancelled, device: mutant("resume-without-avail-poll"),
			want: "transparent", msg: "the guest can tell a migration was attempted, though the VM ends on src, where it started: entry"},
		plant{oracle: "transparent", name: "clean: a request posted while stopped, the migration cancelled", ed: spec.Virtio14, scn: kickThenCancelled},
		plant{oracle: "transparent", name: "a stopped VF answers a peer's read with zeros", ed: spec.Draft2023, scn: peerReadInStop,
			device: wrap(func(_ member.Config, d member.Device) member.Device { return &zeroPeerReadsWhenQuiesced{d} }),
			want:   "transparent", msg: `"p2p: read vf1 +0x2000/8: 0000000000000000", without migration "p2p: read vf1 +0x2000/8: 0008000000000000"`},
		plant{oracle: "transparent", name: "clean: a peer reads a stopped VF", ed: spec.Draft2023, scn: peerReadInStop},
		// The hypervisor gives up before the switchover and resumes the
		// source: the VM never left it, so nobody can tell it moved.
		plant{oracle: "transparent", name: "a stopped VF answers a peer's read with zeros, the migration cancelled", ed: spec.Draft2023,
			scn:    peerReadInStopCancelled,
			device: wrap(func(_ member.Config, d member.Device) member.Device { return &zeroPeerReadsWhenQuiesced{d} }),
			want:   "transparent", msg: `peer p2p can tell a migration of the guest was attempted, though the VM ends on src, where it started: entry`},
		plant{oracle: "transparent", name: "clean: a peer reads a stopped VF, the migration cancelled", ed: spec.Draft2023, scn: peerReadInStopCancelled},
	)
}

// zeroPeerReadsWhenQuiesced answers a peer's BAR0 read with zeros while it
// is quiesced (breaks DRAFT-PCI-01, DP-DEV-10: reads are answered validly,
// the transport behaves the same in every mode).
type zeroPeerReadsWhenQuiesced struct{ member.Device }

func (d *zeroPeerReadsWhenQuiesced) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemRead && ev.TLP.Requester == world.PeerRID && d.Status().Mode.Quiesced() {
		fx.ReadData = make([]byte, len(fx.ReadData))
	}
	return fx
}

// inFlightDoorbell rings a doorbell once the source is stopped; the
// hypervisor halts the vCPUs and freezes right after, with the bus model
// posted (a posted-writes value). Under the one fixed schedule of the
// suite the bus delivers the doorbell only when nothing else can run.
func inFlightDoorbell(posted string) string {
	return `scenario planted
vfs 1
set hv-await=ready posted-writes=` + posted + `
guest vcpu0
  probe
  signal ready
  await go
  submit write sector=0 count=2 pattern=0x51
  signal kicked
  wait
hypervisor
  await ready
  mode src stop
  read src
  signal go
  await kicked
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
}

// peerReadInStop has a peer read the capacity of the VF while the
// hypervisor holds it in Stop, then migrates it.
const peerReadInStop = `scenario planted
vfs 1
set hv-await=ready
guest vcpu0
  probe
  signal ready
  await moved
peer p2p
  await stopped
  read offset=0x2000 len=8
  signal peer-done
hypervisor
  await ready
  mode src stop
  signal stopped
  await peer-done
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
  signal moved
`

// peerReadInStopCancelled has a peer read the capacity of the VF while the
// hypervisor holds it in Stop; the hypervisor then cancels the migration
// and resumes the source where it was.
const peerReadInStopCancelled = `scenario planted
vfs 1
set hv-await=ready
guest vcpu0
  probe
  signal ready
  await resumed
  read-config
peer p2p
  await stopped
  read offset=0x2000 len=8
  signal peer-done
hypervisor
  await ready
  mode src stop
  signal stopped
  await peer-done
  mode src active
  signal resumed
`

// kickThenCancelled posts and kicks a write while the hypervisor holds the
// source stopped; the hypervisor then cancels the migration and resumes
// the source where it was: the VM never leaves it.
const kickThenCancelled = `scenario planted
vfs 1
set hv-await=ready
guest vcpu0
  probe
  signal ready
  await stopped
  submit write sector=0 count=2 pattern=0x51
  signal kicked
  wait
hypervisor
  await ready
  mode src stopped
  signal stopped
  await kicked
  mode src running
`
