package pcie

// Type-0 configuration header registers (byte offsets).
const (
	RegVendorID          = 0x00
	RegDeviceID          = 0x02
	RegCommand           = 0x04
	RegStatus            = 0x06
	RegRevisionID        = 0x08
	RegClassCode         = 0x09 // 3 bytes: programming interface, sub-class, base class
	RegCacheLineSize     = 0x0C
	RegHeaderType        = 0x0E
	RegBAR0              = 0x10 // BAR0 low half; BAR1 (0x14) holds its high half
	RegSubsystemVendorID = 0x2C
	RegSubsystemID       = 0x2E
	RegCapPtr            = 0x34
	RegInterruptLine     = 0x3C
	RegInterruptPin      = 0x3D
)

// Command register bits.
const (
	CmdMemorySpace  uint16 = 1 << 1
	CmdBusMaster    uint16 = 1 << 2
	CmdParity       uint16 = 1 << 6
	CmdSERR         uint16 = 1 << 8
	CmdINTxDisable  uint16 = 1 << 10
	pfCommandMask          = CmdMemorySpace | CmdBusMaster | CmdParity | CmdSERR | CmdINTxDisable
	vfCommandMask          = CmdBusMaster | CmdParity | CmdSERR
	statusErrorBits uint16 = 0xF900 // bits 8, 11–15: write 1 to clear
)

// Status register bits.
const (
	// StatusCapList says the Capabilities Pointer at 0x34 is valid.
	StatusCapList uint16 = 1 << 4
)

// BAR0 type bits: a 64-bit, non-prefetchable memory BAR.
const bar0Type64 = 0x4

// VFInvalidID is what a VF's Vendor ID and Device ID registers read: the VF's
// identity is the PF's Vendor ID and the VF Device ID of the PF's SR-IOV
// capability (see VFIdentity).
const VFInvalidID uint16 = 0xFFFF

// Defaults of the identity options.
const (
	// DefaultClassCode is mass storage / SCSI, what QEMU gives virtio-blk.
	DefaultClassCode uint32 = 0x010000
	// DefaultRevision is 1: modern (non-transitional) virtio devices have a
	// Revision ID of 1 or higher.
	DefaultRevision uint8 = 1
	// DefaultSubsystemID is the Subsystem ID used when none is given.
	DefaultSubsystemID uint16 = 0x1100
)
