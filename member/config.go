package member

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Config is what a member device is built from. Zero values of NumQueues,
// QueueSizeMax, Features and MSIXVectors take the defaults below.
type Config struct {
	Edition spec.Edition
	Rules   spec.Rules
	// VF is the member's VF number (1-based); RID its routing ID.
	VF  int
	RID pcie.RID
	// BAR0 is the base address of the member's BAR0: memory TLPs carry
	// absolute addresses.
	BAR0 uint64
	// NumQueues is num_queues (default 1).
	NumQueues uint16
	// QueueSizeMax is the largest queue_size the device accepts (default 64).
	QueueSizeMax uint16
	// Features are the features the device offers (default: the device
	// type's, DeviceType.Features).
	Features spec.Features
	// MSIXVectors is the MSI-X table size (default NumQueues + 1).
	MSIXVectors int
	// Mem is the port to guest memory; every DMA goes through it.
	Mem pcie.MemoryPort
	// Backing is the host-side resource behind the device, shared by the
	// source and destination worlds as in a real migration (the storage of
	// a disk, the network of a NIC). Its type belongs to the device type:
	// member/blk takes a *blk.Disk. The core never looks inside it; nil lets
	// the backend make an empty one of its own.
	Backing any
	// Cfg is the function's configuration space. Nil builds the member's
	// own minimal one (PCIe capability with FLR, PM capability).
	Cfg CfgSpace
	// Quiet: a Core formats no notes (Effects.Notes stays empty); a device
	// outside the process (conformance/extdevice) still sends its own. Notes
	// are for traces; a run whose trace nobody reads need not pay for them.
	// Like every field, it is part of the device's state hash, so a
	// recorded replay's state hashes differ from its search's (nothing
	// compares them: replays check trace hashes).
	Quiet bool
}

// Factory builds a member device from its configuration. blk.New (the
// reference virtio-blk) is the default; a vendor model or a bug-injecting
// wrapper is another Factory.
//
// A device of one's own is most easily a device type on the virtio core:
// a DeviceType whose NewBackend builds the type's Backend, and a Factory
// that returns NewCore(c, thatType), as blk.New does; the core then does
// the transport, the migration modes, the admin commands and the context
// (docs/device-model.md, section 0, "Core and backends"). A wrapper that
// embeds the Device of another Factory and changes some events' effects
// (a planted bug) is another; a Device written whole is a third.
//
// Whoever runs the devices (a world, the conformance kit) calls the
// Factory for every member it builds: each VF of each host, the source's
// and the destination's, in every run it builds, and from several
// goroutines at once when runs go in parallel. So a Factory:
//
//   - honours c: Edition and Rules (the knobs; the conformance kit takes a
//     Go device to implement every value unless told otherwise,
//     conformance.Knobs), the sizes, VF, RID and BAR0 (memory TLPs carry
//     absolute addresses), Mem (every DMA goes through it) and Cfg;
//   - shares nothing between the devices it builds but c.Backing, the
//     host-side resource a migration's source and destination share: a
//     *blk.Disk (any blk.Storage) for a virtio-blk VF, a *net.Port for a
//     virtio-net one; a device that writes its disk elsewhere is not seen
//     by the checks that read the disk;
//   - builds a deterministic device: the same events in the same order
//     give the same effects (a replay, a shrink and the kit's
//     determinism check rely on it).
//
// A search with state pruning hashes a member that is not a Core by
// walking its fields: state the device keeps behind a func, a channel, a
// package variable or outside the process is not seen, and two states
// that differ only there are taken as one (an external device implements
// Opaque instead). Optional interfaces: Pure (Status and ContextDigest
// change nothing; a wrapper that embeds the interface Device does not
// inherit it), Releaser (the device holds something outside the process
// until released), Opaque and InputChained (its state is elsewhere).
type Factory func(Config) Device

// Defaults of Config.
const (
	DefaultNumQueues    = 1
	DefaultQueueSizeMax = 64
)

// MSIXTableSize is the size of the MSI-X table of a device built for c:
// MSIXVectors, else NumQueues + 1 (NumQueues 0 being DefaultNumQueues),
// within 1..pcie.MaxMSIXVectors, what BAR0 holds.
func (c Config) MSIXTableSize() int {
	n := c.MSIXVectors
	if n <= 0 {
		q := c.NumQueues
		if q == 0 {
			q = DefaultNumQueues
		}
		n = int(q) + 1
	}
	return min(max(n, 1), pcie.MaxMSIXVectors)
}

// withDefaults fills the zero fields of c; features default to those of
// the device type t.
func (c Config) withDefaults(t DeviceType) Config {
	if c.Edition == 0 {
		c.Edition = spec.Virtio14
	}
	if c.Rules == (spec.Rules{}) {
		c.Rules = spec.DefaultRules(c.Edition)
	}
	if c.NumQueues == 0 {
		c.NumQueues = DefaultNumQueues
	}
	if c.QueueSizeMax == 0 {
		c.QueueSizeMax = DefaultQueueSizeMax
	}
	if c.Features == 0 {
		c.Features = t.Features
	}
	if c.MSIXVectors <= 0 {
		c.MSIXVectors = int(c.NumQueues) + 1
	}
	return c
}
