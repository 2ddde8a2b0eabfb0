// Package addrmap is the address map of the world's hosts: where host
// firmware places a PF's BAR0 and its VFs' BAR0 window, where the VM sees
// a VF's BAR0, and how an address or a requester ID reads back (the VF it
// reaches, its notify region, its common configuration, the name of its
// register). It reads a host's PF configuration space and nothing else of
// the world.
package addrmap

import (
	"strconv"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Firmware does what host firmware does to the configuration space of the
// PF of host idx: place its BAR0 and the VF BAR0 window, enable memory
// decoding and bus mastering.
func Firmware(cs *pcie.ConfigSpace, idx int) error {
	pfBAR := uint64(0xd000_0000) + uint64(idx)<<24
	vfBAR := uint64(0x1_0000_0000) + uint64(idx)<<32
	for _, wr := range []struct {
		off, size int
		v         uint32
	}{
		{pcie.RegBAR0, 4, uint32(pfBAR)}, {pcie.RegBAR0 + 4, 4, uint32(pfBAR >> 32)},
		{pcie.RegCommand, 2, 0x0006},
	} {
		if _, err := cs.Write(wr.off, wr.size, wr.v); err != nil {
			return err
		}
	}
	if s, err := pcie.FindExtCap(cs, pcie.ExtCapIDSRIOV); err == nil && s > 0 {
		for _, wr := range []struct {
			off, size int
			v         uint32
		}{
			{s + pcie.SRIOVVFBAR0, 4, uint32(vfBAR)}, {s + pcie.SRIOVVFBAR0 + 4, 4, uint32(vfBAR >> 32)},
		} {
			if _, err := cs.Write(wr.off, wr.size, wr.v); err != nil {
				return err
			}
		}
	}
	return nil
}

// GuestBAR0 is the guest-physical BAR0 of the VM's VF vf (the hypervisor
// maps it onto whichever host VF backs it).
func GuestBAR0(vf int) uint64 { return 0xc000_0000 + uint64(vf-1)*pcie.BAR0Size }

// HostAddr returns the host address of guest-physical addr inside VF vf's
// BAR0, on the host whose PF configuration is cs; false when addr is not
// in that BAR0 or the PF has no SR-IOV.
func HostAddr(cs *pcie.ConfigSpace, vf int, addr uint64) (uint64, bool) {
	base := GuestBAR0(vf)
	if addr < base || addr >= base+pcie.BAR0Size {
		return 0, false
	}
	b0, ok := cs.VFBAR0()
	if !ok {
		return 0, false
	}
	return vfBAR0(b0, vf) + (addr - base), true
}

// vfBAR0 is the BAR0 address of VF vf (1-based) of a PF whose first VF's
// BAR0 is at b0 (pcie.SRIOVState.VFBAR0Addr).
func vfBAR0(b0 uint64, vf int) uint64 { return pcie.SRIOVState{VFBAR0: b0}.VFBAR0Addr(vf) }

// AppendRegName appends the name of the register at offset off of a VF's
// BAR0, for step labels: a common-configuration field, "notify+N",
// "devcfg+N", "msix[N]", "isr", else "bar0+0xN".
func AppendRegName(b []byte, off uint64) []byte {
	switch {
	case off < spec.CommonCfgSize:
		return append(b, spec.CommonCfgField(off).String()...)
	case off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen:
		return strconv.AppendUint(append(b, "notify+"...), off-pcie.BAR0Notify, 10)
	case off >= pcie.BAR0DeviceCfg && off < pcie.BAR0DeviceCfg+pcie.BAR0DeviceCfgLen:
		return strconv.AppendUint(append(b, "devcfg+"...), off-pcie.BAR0DeviceCfg, 10)
	case off >= pcie.BAR0MSIXTable && off < pcie.BAR0MSIXPBA:
		return append(strconv.AppendUint(append(b, "msix["...), (off-pcie.BAR0MSIXTable)/pcie.MSIXEntrySize, 10), ']')
	case off == pcie.BAR0ISR:
		return append(b, "isr"...)
	}
	return strconv.AppendUint(append(b, "bar0+0x"...), off, 16)
}

// PFNotify reports whether addr is in the notify region of the BAR0 of
// the PF whose configuration is cs.
func PFNotify(cs *pcie.ConfigSpace, addr uint64) bool {
	base := cs.BAR0()
	return addr >= base+pcie.BAR0Notify && addr < base+pcie.BAR0Notify+pcie.BAR0NotifyLen
}

// VFNotify reports whether addr is in the notify region of VF vf of the
// PF whose configuration is cs.
func VFNotify(cs *pcie.ConfigSpace, vf int, addr uint64) bool {
	b0, ok := cs.VFBAR0()
	if !ok {
		return false
	}
	base := vfBAR0(b0, vf) + pcie.BAR0Notify
	return addr >= base && addr < base+pcie.BAR0NotifyLen
}

// Doorbell reports whether addr is in the notify region of one of the
// first vfs VFs of the PF whose configuration is cs.
func Doorbell(cs *pcie.ConfigSpace, vfs int, addr uint64) bool {
	b0, ok := cs.VFBAR0()
	if !ok || addr < b0 {
		return false
	}
	vf := (addr-b0)/pcie.BAR0Size + 1
	off := (addr - b0) % pcie.BAR0Size
	return vf <= uint64(vfs) && off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen
}

// CommonCfgOffset returns the offset of addr inside the common
// configuration of VF vf of the PF whose configuration is cs.
func CommonCfgOffset(cs *pcie.ConfigSpace, vf int, addr uint64) (uint64, bool) {
	off, ok := BAR0Offset(cs, vf, addr)
	if !ok || off < pcie.BAR0CommonCfg || off >= pcie.BAR0CommonCfg+spec.CommonCfgSize {
		return 0, false
	}
	return off - pcie.BAR0CommonCfg, true
}

// CommonCfgAccess is CommonCfgOffset for a TLP to VF vf: the offset of a
// memory request inside its common configuration; false for a request
// outside it and for a configuration request.
func CommonCfgAccess(cs *pcie.ConfigSpace, vf int, tlp pcie.TLP) (uint64, bool) {
	if tlp.Kind != pcie.MemWrite && tlp.Kind != pcie.MemRead {
		return 0, false
	}
	return CommonCfgOffset(cs, vf, tlp.Addr)
}

// BAR0Offset returns the offset of addr inside the BAR0 of VF vf of the PF
// whose configuration is cs.
func BAR0Offset(cs *pcie.ConfigSpace, vf int, addr uint64) (uint64, bool) {
	b0, ok := cs.VFBAR0()
	if !ok {
		return 0, false
	}
	base := vfBAR0(b0, vf)
	if addr < base || addr-base >= pcie.BAR0Size {
		return 0, false
	}
	return addr - base, true
}

// VFOfRID returns the VF of the PF whose configuration is cs and requester
// ID pf that has requester ID rid.
func VFOfRID(cs *pcie.ConfigSpace, pf, rid pcie.RID) (int, bool) {
	s, ok := cs.SRIOV()
	if !ok {
		return 0, false
	}
	return s.VFNumber(pf, rid)
}

// FunctionRID returns the routing ID of function t of the PF whose
// configuration is cs and requester ID pf (0 when it does not exist).
func FunctionRID(cs *pcie.ConfigSpace, pf pcie.RID, t owner.Target) pcie.RID {
	if t == owner.TargetPF {
		return pf
	}
	s, ok := cs.SRIOV()
	if !ok {
		return 0
	}
	return s.VFRID(pf, int(t))
}
