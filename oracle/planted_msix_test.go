package oracle_test

import (
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/ownerview"
)

// The planted bugs of msix-target: a member that signals the guest with a
// message no entry of its MSI-X table carries. stopKick's member has two
// vectors (config and q0), both written and unmasked by the guest's probe.

func init() {
	planted = append(planted,
		plant{oracle: "msix-target", name: "a vector outside the table", ed: spec.Virtio14, scn: stopKick,
			device: strayMessage(pcie.MSIXMessage{Vector: 2, Addr: guest.MSIXAddr, Data: guest.MSIXDataBase + 2}),
			want:   "msix-target", msg: "src.vf1 sent MSI-X 01:00.1 vector=2 addr=0xfee00000 data=0x42: no entry of its MSI-X table",
			reqs: []string{"PCI-DEV-06"}},
		plant{oracle: "msix-target", name: "a message for VIRTIO_MSI_NO_VECTOR", ed: spec.Draft2023, scn: stopKick,
			device: strayMessage(pcie.MSIXMessage{Vector: member.NoVector}),
			want:   "msix-target", msg: "vector=65535 addr=0x0 data=0x0: no entry", reqs: []string{"PCI-DEV-06"},
			without: "no-notify-when-stopped"},
		plant{oracle: "msix-target", name: "an address the guest did not write", ed: spec.Virtio14, scn: stopKick,
			device: strayMessage(pcie.MSIXMessage{Vector: 1, Addr: guest.MSIXAddr + 0x1000, Data: guest.MSIXDataBase + 1}),
			want:   "msix-target", msg: "addr=0xfee01000 data=0x41: no entry", reqs: []string{"PCI-DEV-06"}},
		plant{oracle: "msix-target", name: "clean", ed: spec.Virtio14, scn: stopKick},
		plant{oracle: "msix-target", name: "a message while MSI-X is disabled", ed: spec.Virtio14, scn: flrReprobe,
			device: wrap(func(c member.Config, d member.Device) member.Device {
				return &msixMisbehaves{Device: d, c: c, on: onUnmask}
			}),
			want: "msix-target", msg: "dst.vf1 sent MSI-X 02:00.1 vector=0 addr=0xfee00000 data=0x40 while its MSI-X Enable is 0",
			reqs: []string{"PCI-DEV-07"}},
		plant{oracle: "msix-target", name: "a message while the function is masked", ed: spec.Virtio14, scn: flrReprobe,
			device: wrap(func(c member.Config, d member.Device) member.Device {
				return &msixMisbehaves{Device: d, c: c, on: onFunctionMasked}
			}),
			want: "msix-target", msg: "dst.vf1 sent MSI-X 02:00.1 vector=1 addr=0xfee00000 data=0x41 while its MSI-X Function Mask is 1",
			reqs: []string{"PCI-DEV-07"}},
		plant{oracle: "msix-target", name: "a message after an FLR, before the guest programs the function again", ed: spec.Virtio14, scn: flrReprobe,
			device: wrap(func(c member.Config, d member.Device) member.Device {
				return &msixMisbehaves{Device: d, c: c, on: onFLREnd}
			}),
			want: "msix-target", msg: "while its MSI-X Enable is 0 as the host's and the guest's configuration writes left it (an FLR reset it",
			reqs: []string{"PCI-DEV-05", "PCI-DEV-07"}},
		plant{oracle: "msix-target", name: "clean: an FLR and a new probe after the migration", ed: spec.Virtio14, scn: flrReprobe},
	)
}

// flrReprobe migrates the VM, then the guest FLRs its VF on the
// destination and probes it again (the table written, then MSI-X Enable).
const flrReprobe = `scenario flr-reprobe
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  await moved
  flr
  probe
  read sector=0 count=2
hypervisor
  await ready
  halt-vcpus
  mode src stopped
  save src
  copy-memory dst
  copy-pci dst
  mode dst stopped
  load dst
  switchover dst
  mode dst running
  resume-vcpus
  signal moved
`

// msixWhen is when msixMisbehaves sends a message the rules forbid.
type msixWhen int

const (
	// onUnmask: when an entry's Vector Control is written unmasked, its
	// message, whether or not MSI-X is enabled (the guest's probe writes
	// the table before it sets MSI-X Enable).
	onUnmask msixWhen = iota
	// onFunctionMasked: a source that reports Function Mask set in its
	// Message Control to the host's reads (the hypervisor copies it to the
	// destination), and a destination that sends vector 1's message once
	// an admin command (the resume) leaves it running, ignoring Function
	// Mask.
	onFunctionMasked
	// onFLREnd: at the end of an FLR, vector 1's message with the address
	// and data the guest programmed before it, as if the FLR had kept the
	// table and MSI-X Enable.
	onFLREnd
)

// msixMisbehaves breaks the MSI-X capability's rules (PCI-DEV-07,
// PCI-DEV-05) once it was given an admin command: only a migrated run has
// them, so the run without migration, which must find nothing, does not.
type msixMisbehaves struct {
	member.Device
	c  member.Config
	on msixWhen
	// admin: an admin command reached it; fnMasked: Function Mask as its
	// configuration writes left it.
	admin, fnMasked bool
}

func (d *msixMisbehaves) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	msg := func(v uint16) pcie.MSIXMessage {
		return pcie.MSIXMessage{Source: d.c.RID, Vector: v, Addr: guest.MSIXAddr, Data: guest.MSIXDataBase + uint32(v)}
	}
	if b, ok := msixCtlWrite(ev); ok {
		d.fnMasked = b&byte(pcie.MSIXCtlFunctionMask>>8) != 0
	}
	switch {
	case ev.Kind == member.EvAdmin:
		if d.on == onFunctionMasked && d.admin && d.fnMasked && d.Status().Mode == spec.ModeActive {
			fx.Interrupts = append(fx.Interrupts, msg(1))
		}
		d.admin = true
	case !d.admin:
	case d.on == onUnmask && ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite:
		off := ev.TLP.Addr - d.c.BAR0 - pcie.BAR0MSIXTable
		if off < 2*pcie.MSIXEntrySize && off%pcie.MSIXEntrySize == 12 && len(ev.TLP.Data) > 0 && ev.TLP.Data[0]&1 == 0 {
			fx.Interrupts = append(fx.Interrupts, msg(uint16(off/pcie.MSIXEntrySize)))
		}
	case d.on == onFunctionMasked && ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.CfgRead &&
		ev.TLP.Addr == pcie.MSIXCapOffset+pcie.MSIXMsgCtl && len(fx.ReadData) == 2:
		fx.ReadData[1] |= byte(pcie.MSIXCtlFunctionMask >> 8)
	case d.on == onFLREnd && ev.Kind == member.EvStep && ev.Step.Kind == member.StepFinishFLR:
		fx.Interrupts = append(fx.Interrupts, msg(1))
	}
	return fx
}

// msixCtlWrite returns the high byte of Message Control (MSI-X Enable,
// Function Mask) that a configuration write event carries, if it covers
// it.
func msixCtlWrite(ev member.Event) (byte, bool) {
	if ev.Kind != member.EvTLP || ev.TLP.Kind != pcie.CfgWrite {
		return 0, false
	}
	return ownerview.ByteAt(ev.TLP.Addr, ev.TLP.Data, pcie.MSIXCapOffset+pcie.MSIXMsgCtl+1)
}

// strayMessage sends msg, from the member, beside what the device does on
// every admin command it is given: only a migrated run has them, so the
// run without migration, which must find nothing, does not (breaks
// PCI-DEV-06).
func strayMessage(msg pcie.MSIXMessage) func(member.Factory) member.Factory {
	return wrap(func(c member.Config, d member.Device) member.Device { return &strayOnAdmin{d, c, msg} })
}

type strayOnAdmin struct {
	member.Device
	c   member.Config
	msg pcie.MSIXMessage
}

func (d *strayOnAdmin) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvAdmin {
		m := d.msg
		m.Source = d.c.RID
		fx.Interrupts = append(fx.Interrupts, m)
	}
	return fx
}
