package member

import (
	"errors"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// DeviceType describes a device type to the core: who it is, what it offers
// and how to build its backend. member/blk exports one (blk.Type).
type DeviceType struct {
	// Name names the type in notes and errors ("virtio-blk").
	Name string
	// DeviceID is the virtio device ID (virtio spec, "Device Types"): 2 for
	// a block device, 1 for a network device.
	DeviceID uint16
	// Features are the features the type offers when Config.Features is 0.
	Features spec.Features
	// ConfigLen is the size of the device configuration structure the type
	// exposes in BAR0 (virtio_blk_config up to num_queues: 36).
	ConfigLen uint32
	// NewBackend builds the backend of one member from its configuration,
	// defaults filled in (Features, NumQueues, QueueSizeMax, …).
	NewBackend func(Config) Backend
}

// PCIDeviceID is the PCI Device ID of the type: 0x1040 + the virtio device
// ID (virtio spec, "PCI Device Discovery").
func (t DeviceType) PCIDeviceID() uint16 { return 0x1040 + t.DeviceID }

// Backend is a device type's part of a member device, plugged into the
// virtio core. The core owns the transport, the rings, the migration modes,
// admin commands, FLR and reset, and the context framework; it calls the
// backend only for what differs between device types: the device state
// (DeviceState), the device configuration and host-side changes
// (DeviceConfig), and the requests it takes from the queues (Queues).
//
// Every method runs inside one event of the core: it must not block, start
// a goroutine or read a clock, and it reaches guest memory only through the
// Config.Mem it was built with.
type Backend interface {
	DeviceState
	DeviceConfig
	Queues
}

// DeviceState is the backend's live state that a reset restores and that
// device context carries: for blk, capacity and writeback.
type DeviceState interface {
	// Reset returns the device state to its defaults (power-on, FLR, virtio
	// reset).
	Reset()
	// Clone returns a copy of the device state that shares the host-side
	// resources (the disk). The core validates a context or parts write on
	// a clone, so that a rejected one leaves the device unchanged.
	Clone() Backend
	// Fields returns the device-specific draft-2023 context fields, one per
	// type (blk: DEV_CFG). The core merges them with its own in type order.
	Fields() []devctx.Field
	// ApplyField applies a device-specific draft-2023 field; ok is false for
	// a type the backend does not carry. negotiated are the driver features
	// the context being applied holds.
	ApplyField(f devctx.Field, negotiated spec.Features) (ok bool, err error)
	// Parts returns the device-specific virtio-1.4 device parts (types
	// 0x200..0x5ff), in the order GET returns them; they follow the common
	// parts. blk has none.
	Parts() []devctx.Part
	// ApplyPart applies a device-specific part; ok is false for a type the
	// backend does not carry (an OPTIONAL one is then ignored, any other is
	// an error).
	ApplyPart(p devctx.Part, negotiated spec.Features) (ok bool, err error)
}

// DeviceConfig is the device configuration structure in BAR0 and the
// host-side changes that reach it.
type DeviceConfig interface {
	// ReadConfig returns the device configuration as the driver reads it now
	// (DeviceType.ConfigLen bytes).
	ReadConfig() []byte
	// CheckConfigWrite checks a driver write of data at offset off against
	// the layout and the negotiated features: it names the field the write
	// would change, or says why it is refused (the error's text is the trace
	// note). It changes nothing: the core then applies the mode rules
	// (ignored in Freeze; in Stop per stop-config-write) and calls
	// WriteConfig.
	CheckConfigWrite(off uint64, data []byte, negotiated spec.Features) (field string, err error)
	// WriteConfig applies a write CheckConfigWrite accepted.
	WriteConfig(off uint64, data []byte)
	// HostChange reports, without side effect, how the host-side resource
	// differs from what the device shows (EvBackend; and for draft-2023 at
	// the move to Active, where a change deferred in Freeze is taken up).
	HostChange() HostChange
	// ApplyHostChange makes the pending change part of the device
	// configuration and returns its trace note ("capacity 2048 -> 4096");
	// the core bumps config_generation and raises the configuration-change
	// interrupt (held while quiesced).
	ApplyHostChange() string
}

// HostChange is a host-side change of the resource behind a device.
type HostChange struct {
	// Config is true when the device configuration must change (blk: the
	// disk was resized).
	Config bool
	// What names the change for the trace ("capacity change to 4096"), or
	// what stays the same ("capacity unchanged (2048)").
	What string
	// Queues are queues that have work on the host side (net: a packet
	// arrived for an rx queue). Each is served as if the driver had kicked
	// it: requests waiting on it (ErrNotReady) are executed again and a
	// fetch looks for more. Quiesced, they wait for the move to Active.
	Queues []uint16
}

// Queues handles the requests the core takes from the virtqueues. The core
// runs the steps: fetch (pop a head, read its chain, Fetch), execute
// (Execute), complete (Complete, then the used element and the interrupt),
// in order per queue; the backend only does the device type's part of each.
type Queues interface {
	// Fetch decodes a request taken from queue r.Queue: it reads what it
	// needs of r.Chain (DMA reads, blk: the out header) and sets r.Op. An
	// error (a malformed chain, a refused DMA) sets DEVICE_NEEDS_RESET.
	Fetch(r *Request) error
	// Execute runs a fetched request against the backend (DMA and the
	// host-side I/O) and sets r.Written and what Complete needs in r.Op.
	// ErrNotReady leaves it taken and not executed.
	Execute(r *Request) error
	// Complete writes what the device returns in the chain before the used
	// element (blk: the status byte).
	Complete(r *Request) error
}

// ErrNotReady is returned by Backend.Execute for a request that must wait
// for the host side (an rx buffer with no packet to put in it yet). The
// request stays taken; the core executes it again at the next HostChange
// that names its queue and at the move to Active.
var ErrNotReady = errors.New("member: backend not ready")

// HostIntake is implemented by a backend whose host side delivers work the
// device must take in or refuse at the moment it arrives, before any
// request can use it (virtio-net: frames from the wire, which a quiesced
// device may hold or drop; an announce request, which needs
// GUEST_ANNOUNCE). On EvBackend the core calls it first, with whether the
// device is quiesced (it may neither DMA nor interrupt) and the driver
// features negotiated, then asks HostChange. It returns a trace note, ""
// for none. It must not touch guest memory.
type HostIntake interface {
	HostIntake(quiesced bool, negotiated spec.Features) string
}

// FeatureChecker is implemented by a backend with rules of its own for the
// features a driver may accept together (virtio-net: CTRL_RX needs
// CTRL_VQ). The core calls it when FEATURES_OK is set, after checking that
// every feature was offered and VERSION_1 is among them.
type FeatureChecker interface {
	CheckFeatures(driver spec.Features) error
}

// Request is a descriptor chain the core took from a queue's avail ring,
// with the backend's decoding of it.
type Request struct {
	Queue uint16
	Head  uint16
	// Features are the driver features negotiated when the chain was read
	// (virtio-net: the control queue's index and the commands it accepts
	// depend on them).
	Features spec.Features
	// Chain is the descriptor chain, read at fetch.
	Chain []virtq.Segment
	// Op is the backend's decoding of the chain (set by Fetch) and what
	// Execute leaves for Complete. It must be a value: the core copies
	// requests when it validates a context write.
	Op any
	// Written is the used length: the bytes written into the chain's
	// device-writable buffers (set by Execute).
	Written uint32
}
