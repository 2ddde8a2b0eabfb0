package mutants

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Bugs of the function's MSI-X table: a masked vector's message is held as
// its pending bit and sent when the vector is unmasked (PCI Local Bus,
// "MSI-X Table", "MSI-X PBA"; PCI-DEV-04), and an FLR resets the table
// (PCI-DEV-05).

var sendsMaskedMSIX = Mutant{
	Name: "sends-masked-msix",
	Doc: "sends the MSI-X message of a masked vector at once instead of holding it as the vector's pending bit " +
		"until the vector is unmasked (PCI-DEV-04)",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &maskIgnored{Device: d, c: c}
	},
}

// maskIgnored sends the messages the device it wraps holds for masked
// vectors: after every event of a running device it reads the PBA, and for
// each pending vector unmasks the entry privately (the device sends the
// message) and masks it again, so the table reads as the driver wrote it.
type maskIgnored struct {
	member.Device
	c member.Config
}

func (d *maskIgnored) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	st := d.Device.Status()
	if st.Mode != spec.ModeActive || st.FLRPending {
		return fx
	}
	n := min(max(d.c.MSIXVectors, 1), pcie.MaxMSIXVectors)
	pba := readOwn(d.c, d.Device, pcie.BAR0MSIXPBA, (n+63)/64*8)
	for v := 0; v < n; v++ {
		if pba[v/8]>>(v%8)&1 == 0 {
			continue
		}
		ctl := pcie.BAR0MSIXTable + uint64(v)*pcie.MSIXEntrySize + 12
		fx = merge(fx, writeOwn(d.c, d.Device, ctl, []byte{0, 0, 0, 0}))
		fx = merge(fx, writeOwn(d.c, d.Device, ctl, []byte{1, 0, 0, 0}))
	}
	return fx
}

var keepsMSIXTableAcrossFLR = Mutant{
	Name: "keeps-msix-table-across-flr",
	Doc: "keeps its MSI-X table (addresses, data, mask bits) across an FLR instead of resetting it with the rest " +
		"of the function (PCI-DEV-05)",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &msixSurvivesFLR{Device: d, c: c}
	},
}

// msixSurvivesFLR copies the MSI-X table of the device it wraps when an
// FLR starts and writes it back, privately, when the FLR ends.
type msixSurvivesFLR struct {
	member.Device
	c     member.Config
	saved []byte
}

func (d *msixSurvivesFLR) Handle(ev member.Event) member.Effects {
	n := min(max(d.c.MSIXVectors, 1), pcie.MaxMSIXVectors)
	before := d.Device.Status()
	var table []byte
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.CfgWrite && !before.FLRPending {
		table = readOwn(d.c, d.Device, pcie.BAR0MSIXTable, n*pcie.MSIXEntrySize)
	}
	fx := d.Device.Handle(ev)
	after := d.Device.Status()
	if table != nil && after.FLRPending {
		d.saved = table
	}
	if before.FLRPending && !after.FLRPending && d.saved != nil {
		for v := 0; v < n; v++ {
			e := d.saved[v*pcie.MSIXEntrySize:]
			off := pcie.BAR0MSIXTable + uint64(v)*pcie.MSIXEntrySize
			fx = merge(fx, writeOwn(d.c, d.Device, off, e[:8]))
			fx = merge(fx, writeOwn(d.c, d.Device, off+8, e[8:12]))
			fx = merge(fx, writeOwn(d.c, d.Device, off+12, e[12:16]))
		}
		d.saved = nil
	}
	return fx
}

// writeOwn writes data to the wrapped device's own BAR0 at off with a
// private memory write and returns its effects.
func writeOwn(c member.Config, d member.Device, off uint64, data []byte) member.Effects {
	fx := d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: c.RID, Addr: c.BAR0 + off, Data: data}})
	fx.ReadData = nil
	return fx
}
