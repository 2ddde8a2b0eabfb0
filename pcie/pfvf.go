package pcie

import (
	"fmt"
	"math/bits"
	"sync"

	"github.com/migsim/migsim/spec"
)

// PFOptions describe a physical function's configuration space.
type PFOptions struct {
	RID RID
	// DeviceID is the PF's Device ID (Vendor ID is always 0x1af4).
	DeviceID uint16
	// Revision, ClassCode, SubsystemVendorID and SubsystemID default to
	// DefaultRevision, DefaultClassCode, 0x1af4 and DefaultSubsystemID when
	// zero.
	Revision          uint8
	ClassCode         uint32
	SubsystemVendorID uint16
	SubsystemID       uint16
	// TotalVFs is the SR-IOV TotalVFs (and InitialVFs). 0 builds a PF
	// without an SR-IOV capability.
	TotalVFs      uint16
	FirstVFOffset uint16
	VFStride      uint16
	// VFDeviceID is the SR-IOV VF Device ID; 0 means virtio-blk (0x1042).
	VFDeviceID uint16
	// MSIXVectors is the MSI-X table size, 1..MaxMSIXVectors.
	MSIXVectors int
	// DeviceCfgLen is the length of the device-specific configuration the
	// DEVICE_CFG capability announces; 0 means BAR0DeviceCfgLen.
	DeviceCfgLen uint32
}

// VFOptions describe the configuration space of the VFs of one PF.
type VFOptions struct {
	// RID is used by NewVFConfig; a VFTemplate takes it per VF.
	RID               RID
	Revision          uint8
	ClassCode         uint32
	SubsystemVendorID uint16
	SubsystemID       uint16
	MSIXVectors       int
	DeviceCfgLen      uint32
}

// identity fills in the defaults and checks the options common to PF and VF.
func identity(rev uint8, class uint32, subVendor, subID uint16, vectors int, devCfgLen uint32) (uint8, uint32, uint16, uint16, uint32, error) {
	if vectors < 1 || vectors > MaxMSIXVectors {
		return 0, 0, 0, 0, 0, fmt.Errorf("MSIXVectors %d, want 1..%d: %w", vectors, MaxMSIXVectors, ErrBadOptions)
	}
	if devCfgLen == 0 {
		devCfgLen = BAR0DeviceCfgLen
	}
	if devCfgLen > BAR0Notify-BAR0DeviceCfg {
		return 0, 0, 0, 0, 0, fmt.Errorf("DeviceCfgLen %#x, want at most %#x: %w", devCfgLen, BAR0Notify-BAR0DeviceCfg, ErrBadOptions)
	}
	if class > 0xFFFFFF {
		return 0, 0, 0, 0, 0, fmt.Errorf("ClassCode %#x wider than 24 bits: %w", class, ErrBadOptions)
	}
	if rev == 0 {
		rev = DefaultRevision
	}
	if class == 0 {
		class = DefaultClassCode
	}
	if subVendor == 0 {
		subVendor = spec.PCIVendorVirtio
	}
	if subID == 0 {
		subID = DefaultSubsystemID
	}
	return rev, class, subVendor, subID, devCfgLen, nil
}

// header fills the type-0 header shared by PF and VF.
func (l *layout) header(vendor, device uint16, rev uint8, class uint32, subVendor, subID uint16) {
	l.set16(RegVendorID, vendor)
	l.set16(RegDeviceID, device)
	l.set8(RegRevisionID, rev)
	l.set8(RegClassCode, uint8(class))
	l.set8(RegClassCode+1, uint8(class>>8))
	l.set8(RegClassCode+2, uint8(class>>16))
	l.set16(RegSubsystemVendorID, subVendor)
	l.set16(RegSubsystemID, subID)
	l.w1c16(RegStatus, statusErrorBits)
	l.mask8(RegCacheLineSize, 0xFF)
	l.mask8(RegInterruptLine, 0xFF)
}

// bar64 makes the 8 bytes at o a 64-bit memory BAR of the given size
// (a power of two of at least 16): sizing by writing all-ones reads back
// the size mask.
func (l *layout) bar64(o int, size uint64) {
	l.set32(o, bar0Type64)
	l.mask32(o, uint32(^(size-1))&^0xF)
	l.mask32(o+4, uint32(^(size-1)>>32))
}

// NewPFConfig builds a PF's configuration space: header with Vendor ID
// 0x1af4 and BAR0 (64-bit memory, BAR0Size), then the PM, PCI Express (FLR
// capable), MSI-X and virtio capabilities at the offsets of capconst.go, and
// the SR-IOV extended capability at 0x100 when TotalVFs > 0.
//
// First VF Offset and VF Stride must give every VF 1..TotalVFs a routing ID
// distinct from the PF's and from each other's (modulo 16 bits); options
// that cannot be built are an error wrapping ErrBadOptions.
func NewPFConfig(o PFOptions) (*ConfigSpace, error) {
	pfLayouts.Lock()
	l, ok := pfLayouts.m[o]
	pfLayouts.Unlock()
	if !ok {
		var err error
		if l, err = newPFLayout(o); err != nil {
			return nil, err
		}
		pfLayouts.Lock()
		if pfLayouts.m == nil {
			pfLayouts.m = map[PFOptions]*layout{}
		}
		pfLayouts.m[o] = l
		pfLayouts.Unlock()
	}
	return newConfigSpace(l, o.RID), nil
}

// pfLayouts caches PF layouts by their options: a layout is immutable once
// built, so every PF built with the same options, in any world, shares one
// (a world is built per explored run).
var pfLayouts struct {
	sync.Mutex
	m map[PFOptions]*layout
}

func newPFLayout(o PFOptions) (*layout, error) {
	rev, class, subVendor, subID, devCfgLen, err := identity(o.Revision, o.ClassCode, o.SubsystemVendorID, o.SubsystemID, o.MSIXVectors, o.DeviceCfgLen)
	if err != nil {
		return nil, fmt.Errorf("pcie: PF %s: %w", o.RID, err)
	}
	if err := checkVFRouting(o.TotalVFs, o.FirstVFOffset, o.VFStride); err != nil {
		return nil, fmt.Errorf("pcie: PF %s: %w", o.RID, err)
	}
	l := &layout{}
	l.header(spec.PCIVendorVirtio, o.DeviceID, rev, class, subVendor, subID)
	l.mask16(RegCommand, pfCommandMask)
	l.bar64(RegBAR0, BAR0Size)
	b := newCapBuilder(l)
	b.addPM()
	b.addPCIe(false)
	b.addMSIX(o.MSIXVectors)
	b.addVirtio(devCfgLen)
	if o.TotalVFs > 0 {
		vfDev := o.VFDeviceID
		if vfDev == 0 {
			vfDev = spec.PCIDeviceVirtioBlk
		}
		s := b.addExt(ExtCapIDSRIOV, SRIOVCapSize)
		l.sriov = s
		l.set16(s+SRIOVInitialVFs, o.TotalVFs)
		l.set16(s+SRIOVTotalVFs, o.TotalVFs)
		l.set8(s+SRIOVFuncDepLink, uint8(o.RID&7))
		l.set16(s+SRIOVFirstVFOffset, o.FirstVFOffset)
		l.set16(s+SRIOVVFStride, o.VFStride)
		l.set16(s+SRIOVVFDeviceID, vfDev)
		l.mask16(s+SRIOVControl, SRIOVCtlVFEnable|SRIOVCtlVFMSE|SRIOVCtlARICapable)
		l.mask16(s+SRIOVNumVFs, 0xFFFF) // checked against TotalVFs in Write
		l.set32(s+SRIOVSupportedPageSizes, sriovSupportedPageSizes)
		l.set32(s+SRIOVSystemPageSize, 1)
		l.mask32(s+SRIOVSystemPageSize, sriovSupportedPageSizes)
		l.bar64(s+SRIOVVFBAR0, BAR0Size)
	}
	return l, nil
}

// checkVFRouting rejects First VF Offset / VF Stride values that give two
// functions the same routing ID.
func checkVFRouting(total, first, stride uint16) error {
	if total == 0 {
		return nil
	}
	if first == 0 {
		return fmt.Errorf("FirstVFOffset 0 gives VF 1 the PF's routing ID: %w", ErrBadOptions)
	}
	if total > 1 && stride == 0 {
		return fmt.Errorf("VFStride 0 with TotalVFs %d gives every VF one routing ID: %w", total, ErrBadOptions)
	}
	if stride != 0 {
		period := 1 << (16 - bits.TrailingZeros16(stride)) // distinct RIDs before they repeat
		if int(total) > period-1 {
			return fmt.Errorf("TotalVFs %d with VFStride %d: at most %d VFs have distinct routing IDs besides the PF: %w",
				total, stride, period-1, ErrBadOptions)
		}
		// VF n collides with the PF when first + (n−1)·stride ≡ 0.
		if n, ok := VFNumber(0, first, stride, 0); ok && n <= int(total) {
			return fmt.Errorf("VF %d of TotalVFs %d gets the PF's routing ID (FirstVFOffset %d, VFStride %d): %w",
				n, total, first, stride, ErrBadOptions)
		}
	}
	return nil
}

// VFTemplate builds the configuration spaces of one PF's VFs. All VFs made
// from it share its power-on values and write masks, so each VF costs only
// its own 4 KiB of registers, allocated when New is called: enabling VFs
// allocates nothing per VF.
type VFTemplate struct {
	lay *layout
}

// NewVFTemplate checks the options and builds the shared layout of a VF:
// Vendor ID and Device ID read 0xFFFF (VFInvalidID), BARs and Command
// Memory Space are read-only zero (a VF's memory is the PF's SR-IOV VF BARs
// and VF MSE), and the PM, PCI Express (FLR capable), MSI-X and virtio
// capabilities sit at the same offsets as on the PF. A VF has no extended
// capabilities.
func NewVFTemplate(o VFOptions) (*VFTemplate, error) {
	rev, class, subVendor, subID, devCfgLen, err := identity(o.Revision, o.ClassCode, o.SubsystemVendorID, o.SubsystemID, o.MSIXVectors, o.DeviceCfgLen)
	if err != nil {
		return nil, fmt.Errorf("pcie: VF: %w", err)
	}
	l := &layout{vf: true}
	l.header(VFInvalidID, VFInvalidID, rev, class, subVendor, subID)
	l.mask16(RegCommand, vfCommandMask)
	b := newCapBuilder(l)
	b.addPM()
	b.addPCIe(true)
	b.addMSIX(o.MSIXVectors)
	b.addVirtio(devCfgLen)
	return &VFTemplate{lay: l}, nil
}

// New returns the power-on configuration space of the VF with routing ID
// rid.
func (t *VFTemplate) New(rid RID) *ConfigSpace { return newConfigSpace(t.lay, rid) }

// NewVFConfig builds one VF's configuration space (see NewVFTemplate). To
// create many VFs, build a VFTemplate once and call New per VF.
func NewVFConfig(o VFOptions) (*ConfigSpace, error) {
	t, err := NewVFTemplate(o)
	if err != nil {
		return nil, err
	}
	return t.New(o.RID), nil
}
