package pcie

// Capability IDs of the capability list (offset 0x34 onward).
const (
	CapIDPM     uint8 = 0x01 // PCI Power Management
	CapIDVendor uint8 = 0x09 // vendor specific: the virtio PCI capabilities
	CapIDPCIe   uint8 = 0x10 // PCI Express
	CapIDMSIX   uint8 = 0x11 // MSI-X
)

// ExtCapIDSRIOV is the extended capability ID of SR-IOV.
const ExtCapIDSRIOV uint16 = 0x0010

// Where migsim places each capability, the same for a PF and its VFs (a VF
// has no SR-IOV capability and no extended capabilities).
const (
	PMCapOffset           = 0x40 // 8 bytes
	PCIeCapOffset         = 0x48 // 60 bytes (capability version 2)
	MSIXCapOffset         = 0x84 // 12 bytes
	VirtioCommonCapOffset = 0x90 // 16 bytes
	VirtioNotifyCapOffset = 0xA0 // 20 bytes
	VirtioISRCapOffset    = 0xB4 // 16 bytes
	VirtioDeviceCapOffset = 0xC4 // 16 bytes
	SRIOVCapOffset        = 0x100
)

// Capability sizes.
const (
	pmCapSize           = 8
	pcieCapSize         = 0x3C
	msixCapSize         = 12
	virtioCapSize       = 16
	virtioNotifyCapSize = 20
	// SRIOVCapSize is the size of the SR-IOV extended capability.
	SRIOVCapSize = 0x40
)

// PCI Express capability registers (offsets from the capability) and bits
// (Linux include/uapi/linux/pci_regs.h, PCI_EXP_*).
const (
	PCIeCapReg  = 0x02 // PCI Express Capabilities
	PCIeDevCap  = 0x04 // Device Capabilities
	PCIeDevCtl  = 0x08 // Device Control
	PCIeDevSta  = 0x0A // Device Status
	PCIeLinkCap = 0x0C
	PCIeLinkSta = 0x12

	// DevCapFLR is Device Capabilities bit 28: Function Level Reset capable.
	DevCapFLR uint32 = 1 << 28
	// DevCapRoleBasedErr is Device Capabilities bit 15, required since
	// PCIe 1.1.
	DevCapRoleBasedErr uint32 = 1 << 15
	// DevCtlInitiateFLR is Device Control bit 15; it always reads 0.
	DevCtlInitiateFLR uint16 = 1 << 15
	// DevStaTransPending is Device Status bit 5: Transactions Pending.
	DevStaTransPending uint16 = 1 << 5
)

// MSI-X capability registers (offsets from the capability) and bits.
const (
	MSIXMsgCtl   = 0x02 // Message Control
	MSIXTableReg = 0x04 // Table Offset / BIR
	MSIXPBAReg   = 0x08 // PBA Offset / BIR

	MSIXCtlTableSize    uint16 = 0x07FF // table size minus one
	MSIXCtlFunctionMask uint16 = 1 << 14
	MSIXCtlEnable       uint16 = 1 << 15

	// MaxMSIXVectors is how many table entries fit between BAR0MSIXTable
	// and BAR0MSIXPBA.
	MaxMSIXVectors = (BAR0MSIXPBA - BAR0MSIXTable) / MSIXEntrySize
)

// virtio PCI capability fields (struct virtio_pci_cap) by offset from the
// capability.
const (
	VirtioCapLen        = 0x02
	VirtioCapCfgType    = 0x03
	VirtioCapBAR        = 0x04
	VirtioCapID         = 0x05
	VirtioCapOffset     = 0x08
	VirtioCapLength     = 0x0C
	VirtioCapNotifyMult = 0x10 // notify cap only: notify_off_multiplier
)
