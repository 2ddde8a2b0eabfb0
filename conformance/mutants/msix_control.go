package mutants

import (
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

// Bugs of the MSI-X capability's Message Control: while MSI-X Enable is 0
// a function sends no MSI-X message, while Function Mask is 1 every vector
// is masked (its message held as its pending bit until the bit clears),
// and an FLR clears both (PCI Express Base, "MSI-X Capability and Table
// Structure"; PCI-DEV-07).

var ignoresMSIXEnable = Mutant{
	Name:     "ignores-msix-enable",
	Doc:      "keeps sending MSI-X messages after the driver clears MSI-X Enable, as if the bit stayed set (PCI-DEV-07)",
	Editions: bothEditions,
	Wrap: func(_ member.Config, d member.Device) member.Device {
		return &msixCtlIgnored{Device: d, bit: byte(pcie.MSIXCtlEnable >> 8), forced: true}
	},
}

var ignoresMSIXFunctionMask = Mutant{
	Name: "ignores-msix-function-mask",
	Doc: "sends the MSI-X messages of unmasked vectors while Function Mask is 1 instead of holding them as pending bits " +
		"until it clears (PCI-DEV-07)",
	Editions: bothEditions,
	Wrap: func(_ member.Config, d member.Device) member.Device {
		return &msixCtlIgnored{Device: d, bit: byte(pcie.MSIXCtlFunctionMask >> 8)}
	},
}

// msixCtlHigh is the configuration-space offset of Message Control's high
// byte, which holds MSI-X Enable (bit 7) and Function Mask (bit 6).
const msixCtlHigh = pcie.MSIXCapOffset + pcie.MSIXMsgCtl + 1

// msixCtlIgnored hides one bit of Message Control's high byte from the
// device it wraps: a configuration write reaches that device with the bit
// forced (set, or clear), and a configuration read shows the bit as the
// host last wrote it, so the register reads back as written. An FLR
// clears the bit the host wrote, with the rest of the function.
type msixCtlIgnored struct {
	member.Device
	bit    byte
	forced bool
	host   bool
}

func (d *msixCtlIgnored) Handle(ev member.Event) member.Effects {
	t := ev.TLP
	n := uint64(len(t.Data)) // a write's bytes; a read's are t.Len
	if t.Kind == pcie.CfgRead {
		n = uint64(t.Len)
	}
	covers := ev.Kind == member.EvTLP && t.Addr <= msixCtlHigh && msixCtlHigh < t.Addr+n
	i := msixCtlHigh - t.Addr
	if covers && t.Kind == pcie.CfgWrite {
		data := slices.Clone(t.Data)
		d.host = data[i]&d.bit != 0
		data[i] &^= d.bit
		if d.forced {
			data[i] |= d.bit
		}
		ev.TLP.Data = data
	}
	flr := d.Device.Status().FLRPending
	fx := d.Device.Handle(ev)
	if covers && t.Kind == pcie.CfgRead && i < uint64(len(fx.ReadData)) {
		fx.ReadData = slices.Clone(fx.ReadData)
		fx.ReadData[i] &^= d.bit
		if d.host {
			fx.ReadData[i] |= d.bit
		}
	}
	if flr && !d.Device.Status().FLRPending {
		d.host = false
	}
	return fx
}

var keepsMSIXControlAcrossFLR = Mutant{
	Name:     "keeps-msix-control-across-flr",
	Doc:      "keeps MSI-X Enable and Function Mask across an FLR instead of clearing them with the rest of the function (PCI-DEV-07)",
	Editions: bothEditions,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &msixCtlSurvivesFLR{Device: d, c: c}
	},
}

// msixCtlSurvivesFLR reads Message Control of the device it wraps when an
// FLR starts and writes it back, privately, when the FLR ends.
type msixCtlSurvivesFLR struct {
	member.Device
	c     member.Config
	saved []byte
}

func (d *msixCtlSurvivesFLR) Handle(ev member.Event) member.Effects {
	before := d.Device.Status().FLRPending
	cfg := func(kind pcie.TLPKind, data []byte) member.Effects {
		t := pcie.TLP{Kind: kind, Requester: d.c.RID, Completer: d.c.RID, Addr: pcie.MSIXCapOffset + pcie.MSIXMsgCtl, Data: data}
		if data == nil {
			t.Len = 2
		}
		return d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: t})
	}
	var ctl []byte
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.CfgWrite && !before {
		ctl = cfg(pcie.CfgRead, nil).ReadData
	}
	fx := d.Device.Handle(ev)
	after := d.Device.Status().FLRPending
	if ctl != nil && after {
		d.saved = ctl
	}
	if before && !after && d.saved != nil {
		w := cfg(pcie.CfgWrite, d.saved)
		w.ReadData = nil
		fx = merge(fx, w)
		d.saved = nil
	}
	return fx
}
