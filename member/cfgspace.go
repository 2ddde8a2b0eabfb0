package member

import (
	"github.com/migsim/migsim/pcie"
)

// PMTransitionNs is the virtual time a PM power-state change of the member
// takes; DEV_MODE_SET and context writes that arrive meanwhile have their
// reply held (DP-DEV-12).
const PMTransitionNs uint64 = 10_000_000

// CfgSpace is what a member needs of its PCI configuration space;
// *pcie.ConfigSpace implements it. A write reports the behaviour it
// triggered (Initiate FLR, a power-state change) for the device to act on.
type CfgSpace interface {
	Read(off, size int) (uint32, error)
	Write(off, size int, val uint32) (pcie.WriteEffect, error)
	Reset() pcie.WriteEffect
}

// newDefaultCfg builds the VF configuration space of pcie for c, with a
// device configuration of cfgLen bytes. The MSI-X vector count is clamped to
// what BAR0 holds. Every member with the same options shares one layout
// (pcie.SharedVFTemplate): a member's configuration space costs only the
// registers written since power-on.
func newDefaultCfg(c Config, cfgLen uint32) CfgSpace {
	t, err := pcie.SharedVFTemplate(pcie.VFOptions{MSIXVectors: c.MSIXTableSize(), DeviceCfgLen: cfgLen})
	if err != nil {
		// Only a device type with an oversized configuration gets here;
		// keep the device usable anyway.
		return nullCfg{}
	}
	return t.New(c.RID)
}

// nullCfg is an empty configuration space: reads return 0, writes do
// nothing.
type nullCfg struct{}

func (nullCfg) Read(int, int) (uint32, error)                    { return 0, nil }
func (nullCfg) Write(int, int, uint32) (pcie.WriteEffect, error) { return pcie.WriteEffect{}, nil }
func (nullCfg) Reset() pcie.WriteEffect                          { return pcie.WriteEffect{} }

// cfgTLP serves a configuration read or write. Configuration space behaves
// the same in every migration mode (DP-DEV-10). While an FLR is in progress
// the function is not ready: reads complete as all ones, the value Linux's
// pci_dev_wait polls past (PCIe r4.0 §6.6.2 lets it drop requests then).
func (d *Core) cfgTLP(t pcie.TLP, fx *Effects) {
	if t.Kind == pcie.CfgRead {
		n := t.Len
		if n != 1 && n != 2 && n != 4 {
			fx.note("config read of %d bytes at %#x: size must be 1, 2 or 4", n, t.Addr)
			fx.ReadData = make([]byte, max(0, min(n, 4)))
			return
		}
		if d.flrPending {
			fx.note("config read at %#x during FLR: not ready, all ones", t.Addr)
			fx.ReadData = allOnes(n)
			return
		}
		v, err := d.cs.Read(int(t.Addr), n)
		if err != nil {
			fx.note("config read at %#x: %v", t.Addr, err)
		}
		fx.ReadData = le(uint64(v), n)
		return
	}
	n := len(t.Data)
	if n != 1 && n != 2 && n != 4 {
		fx.note("config write of %d bytes at %#x: size must be 1, 2 or 4", n, t.Addr)
		return
	}
	we, err := d.cs.Write(int(t.Addr), n, uint32(leValue(t.Data)))
	if err != nil {
		fx.note("config write at %#x: %v", t.Addr, err)
		return
	}
	d.msixControlWritten(we, fx)
	if we.Has(pcie.FLRInitiated) {
		d.startFLR(fx)
	}
	if we.Has(pcie.PowerStateChanged) {
		d.pmPending = true
		fx.note("power state -> %s (no PME while %s)", we.PowerState, d.modeName())
		fx.Timers = append(fx.Timers, Timer{ID: TimerPM, Delay: PMTransitionNs})
	}
}
