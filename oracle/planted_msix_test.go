package oracle_test

import (
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
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
	)
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
