package pcie

import (
	"encoding/binary"
	"math/bits"
)

// SR-IOV extended capability registers, as offsets from the capability
// (Linux include/uapi/linux/pci_regs.h, PCI_SRIOV_*), and SR-IOV Control
// bits.
const (
	SRIOVCapabilities       = 0x04
	SRIOVControl            = 0x08
	SRIOVStatus             = 0x0A
	SRIOVInitialVFs         = 0x0C
	SRIOVTotalVFs           = 0x0E
	SRIOVNumVFs             = 0x10
	SRIOVFuncDepLink        = 0x12
	SRIOVFirstVFOffset      = 0x14
	SRIOVVFStride           = 0x16
	SRIOVVFDeviceID         = 0x1A
	SRIOVSupportedPageSizes = 0x1C
	SRIOVSystemPageSize     = 0x20
	SRIOVVFBAR0             = 0x24 // VF BAR0..5, 4 bytes each
	SRIOVVFMigrationState   = 0x3C

	SRIOVCtlVFEnable             uint16 = 1 << 0
	SRIOVCtlVFMigrationEnable    uint16 = 1 << 1
	SRIOVCtlVFMigrationIntEnable uint16 = 1 << 2
	SRIOVCtlVFMSE                uint16 = 1 << 3
	SRIOVCtlARICapable           uint16 = 1 << 4

	// sriovSupportedPageSizes: 4K, 8K, 64K, 256K, 1M, 4M, as Linux expects
	// of real devices. System Page Size powers on as 4K.
	sriovSupportedPageSizes uint32 = 0x553
)

// SRIOVState is the PF's SR-IOV capability as the owner needs it.
type SRIOVState struct {
	VFEnable      bool
	NumVFs        uint16
	TotalVFs      uint16
	FirstVFOffset uint16
	VFStride      uint16
	VFDeviceID    uint16
	// VFMemorySpace is SR-IOV Control VF MSE: VF BARs decode when set.
	VFMemorySpace bool
	// VFBAR0 is the address programmed into the VF BAR0 pair; VF n's BAR0
	// is VFBAR0 + (n−1)·BAR0Size.
	VFBAR0 uint64
}

// EnabledVFs returns how many VFs exist: NumVFs when VF Enable is 1, else
// 0. VF Enable = 1 with NumVFs = 0 enables nothing.
func (s SRIOVState) EnabledVFs() int {
	if !s.VFEnable {
		return 0
	}
	return int(s.NumVFs)
}

// VFRID returns the routing ID of VF n (1-based) of the PF pf.
func (s SRIOVState) VFRID(pf RID, n int) RID { return VFRID(pf, s.FirstVFOffset, s.VFStride, n) }

// VFNumber returns which enabled VF has routing ID vf; false if none does.
func (s SRIOVState) VFNumber(pf RID, vf RID) (int, bool) {
	n, ok := VFNumber(pf, s.FirstVFOffset, s.VFStride, vf)
	if !ok || n > s.EnabledVFs() {
		return 0, false
	}
	return n, true
}

// VFBAR0Addr returns the BAR0 address of VF n (1-based).
func (s SRIOVState) VFBAR0Addr(n int) uint64 {
	return s.VFBAR0 + uint64(n-1)*BAR0Size
}

// SRIOV returns the SR-IOV capability's state; false if the function has
// none (a VF, or a PF built with TotalVFs = 0).
func (c *ConfigSpace) SRIOV() (SRIOVState, bool) {
	o := c.lay.sriov
	if o == 0 {
		return SRIOVState{}, false
	}
	// The capability's registers, read at once when they lie in one
	// chunk of the values, byte by byte otherwise.
	b := c.span(o, SRIOVCapSize)
	if b == nil {
		var cp [SRIOVCapSize]byte
		for i := range cp {
			cp[i] = c.at(o + i)
		}
		b = cp[:]
	}
	u16 := func(r int) uint16 { return binary.LittleEndian.Uint16(b[r:]) }
	u32 := func(r int) uint32 { return binary.LittleEndian.Uint32(b[r:]) }
	ctl := u16(SRIOVControl)
	return SRIOVState{
		VFEnable:      ctl&SRIOVCtlVFEnable != 0,
		NumVFs:        u16(SRIOVNumVFs),
		TotalVFs:      u16(SRIOVTotalVFs),
		FirstVFOffset: u16(SRIOVFirstVFOffset),
		VFStride:      u16(SRIOVVFStride),
		VFDeviceID:    u16(SRIOVVFDeviceID),
		VFMemorySpace: ctl&SRIOVCtlVFMSE != 0,
		VFBAR0:        uint64(u32(SRIOVVFBAR0)&^0xF) | uint64(u32(SRIOVVFBAR0+4))<<32,
	}, true
}

// EnabledVFs is SRIOV().EnabledVFs() without decoding the rest of the
// capability: the number of VFs that exist (0 unless VF Enable = 1, or
// without the capability). The owner asks it at every member event, so it
// is kept as the registers change (decodeEnabledVFs).
func (c *ConfigSpace) EnabledVFs() int { return int(c.vfs) }

// decodeEnabledVFs reads EnabledVFs from the SR-IOV Control and NumVFs
// registers.
func (c *ConfigSpace) decodeEnabledVFs() uint16 {
	o := c.lay.sriov
	if o == 0 || uint16(c.at(o+SRIOVControl))&SRIOVCtlVFEnable == 0 {
		return 0
	}
	return uint16(c.at(o+SRIOVNumVFs)) | uint16(c.at(o+SRIOVNumVFs+1))<<8
}

// VFBAR0 is SRIOV().VFBAR0 (the BAR0 address of the first VF) without
// decoding the rest of the capability; false if the function has no SR-IOV
// capability. Guest accesses map their addresses through it on every step.
func (c *ConfigSpace) VFBAR0() (uint64, bool) {
	o := c.lay.sriov
	if o == 0 {
		return 0, false
	}
	if b := c.span(o+SRIOVVFBAR0, 8); b != nil {
		return binary.LittleEndian.Uint64(b) &^ 0xF, true // both registers in one chunk of the values
	}
	return uint64(c.u32(o+SRIOVVFBAR0)&^0xF) | uint64(c.u32(o+SRIOVVFBAR0+4))<<32, true
}

// VFIdentity returns the Vendor ID and Device ID of the PF's VFs. A VF's own
// Vendor ID and Device ID registers read 0xFFFF (SR-IOV); software (Linux's
// pci_iov, vfio) takes the PF's Vendor ID and the VF Device ID of the PF's
// SR-IOV capability instead. ok is false if pf has no SR-IOV capability.
func VFIdentity(pf *ConfigSpace) (vendor, device uint16, ok bool) {
	s, ok := pf.SRIOV()
	if !ok {
		return 0, 0, false
	}
	return pf.u16(RegVendorID), s.VFDeviceID, true
}

// VFRID returns the routing ID of VF n (1-based) of the PF with routing ID
// pf: RID(PF) + firstOffset + (n−1)·stride, modulo 16 bits (the formula of
// Linux's pci_iov_virtfn_devfn with a 1-based n).
func VFRID(pf RID, firstOffset, stride uint16, n int) RID {
	return RID(uint16(pf) + firstOffset + uint16(n-1)*stride)
}

// VFNumber is the inverse of VFRID: the smallest n ≥ 1 with
// VFRID(pf, firstOffset, stride, n) == vf, and false if there is none. It
// solves the equation modulo 16 bits, so it finds VFs whose routing ID
// wrapped past 0xFFFF. Callers check n against NumVFs (SRIOVState.VFNumber
// does). Without wrap-around it equals Linux's pci_iov_vf_id + 1.
func VFNumber(pf RID, firstOffset, stride uint16, vf RID) (int, bool) {
	d := uint16(vf) - uint16(pf) - firstOffset // (n−1)·stride mod 2^16
	if stride == 0 {
		return 1, d == 0
	}
	k := bits.TrailingZeros16(stride)
	if d&(1<<k-1) != 0 {
		return 0, false
	}
	// (n−1)·odd ≡ d>>k (mod 2^(16−k)), odd invertible modulo a power of 2.
	mod := uint32(1) << (16 - k)
	odd := uint32(stride >> k)
	inv := uint32(1)
	for i := 0; i < 5; i++ { // Newton: each step doubles the correct bits
		inv = inv * (2 - odd*inv)
	}
	m := (uint32(d>>k) * inv) & (mod - 1)
	return int(m) + 1, true
}
