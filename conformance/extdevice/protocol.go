package extdevice

import "github.com/migsim/migsim/conformance/extdevice/wire"

// ProtocolVersion is the version of the protocol this package speaks
// (docs/device-protocol.md). The kit sends it in hello; a device that
// answers with another version is refused.
const ProtocolVersion = 1

// Limits of the protocol: a line longer than MaxLine is an error (a
// flooding device), as is a memory or disk access of more than MaxAccess
// bytes or an address range past GuestAddrLimit.
const (
	MaxLine   = 1 << 20
	MaxAccess = 256 << 10
	// GuestAddrLimit bounds guest-physical addresses: 46 bits, the
	// guest-physical address width of the simulated machine.
	GuestAddrLimit = uint64(1) << 46
)

// Ops of messages. The kit sends hello, new, event and the answers to a
// device's nested requests (mem-data, mem-done, disk-data, disk-done); the
// device sends hello, ready, effects and its nested requests (mem-read,
// mem-write, disk-read, disk-write, disk-flush).
const (
	OpHello     = "hello"
	OpNew       = "new"
	OpReady     = "ready"
	OpEvent     = "event"
	OpEffects   = "effects"
	OpMemRead   = "mem-read"
	OpMemWrite  = "mem-write"
	OpMemData   = "mem-data"
	OpMemDone   = "mem-done"
	OpDiskRead  = "disk-read"
	OpDiskWrite = "disk-write"
	OpDiskFlush = "disk-flush"
	OpDiskData  = "disk-data"
	OpDiskDone  = "disk-done"
)

// Device types a device declares in its hello (Info.Type).
const (
	// TypeBlk is virtio-blk, the type of a device that declares none.
	TypeBlk = "blk"
	// TypeNet is virtio-net.
	TypeNet = "net"
)

// The protocol's messages (docs/device-protocol.md, "Messages") and their
// parts, defined with their strict JSON codec in package wire.
type (
	Message      = wire.Message
	Config       = wire.Config
	Disk         = wire.Disk
	Event        = wire.Event
	TLP          = wire.TLP
	AdminRequest = wire.AdminRequest
	Step         = wire.Step
	Interrupt    = wire.Interrupt
	Completion   = wire.Completion
	Timer        = wire.Timer
	Status       = wire.Status
	Hex64        = wire.Hex64
	HexBytes     = wire.HexBytes
	NetConfig    = wire.NetConfig
	Frame        = wire.Frame
	PortState    = wire.PortState
	Wire         = wire.Wire
	TxFrame      = wire.TxFrame
	RxFrame      = wire.RxFrame
	WireDrop     = wire.WireDrop
)
