package net

import (
	"slices"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Defaults of a member New builds.
const (
	// DefaultMaxPairs is max_virtqueue_pairs when Config.NumQueues is 0:
	// NumQueues becomes 2×4 + 1 (the control queue last).
	DefaultMaxPairs = 4
	// DefaultNumQueues is NumQueues when Config.NumQueues is 0: the pairs'
	// queues and the control queue.
	DefaultNumQueues = 2*DefaultMaxPairs + 1
	// DefaultMTU is the mtu of a link New makes itself.
	DefaultMTU = 1500
	// MACFilterSize is the number of addresses the MAC filtering table
	// matches exactly; a longer unicast or multicast table accepts every
	// address of its kind (the overflow the virtio spec allows in "Setting
	// MAC Address Filtering").
	MACFilterSize = 64
)

// DefaultFeatures are the features the reference virtio-net offers:
// VERSION_1 and MTU, MAC, STATUS, CTRL_VQ, CTRL_RX, CTRL_VLAN,
// CTRL_RX_EXTRA, GUEST_ANNOUNCE, MQ and CTRL_MAC_ADDR. Left out: the
// checksum and segmentation offloads, MRG_RXBUF, RSS and HASH_REPORT (so
// no RSS_CONFIG or HASH_CONFIG command), notification coalescing,
// statistics, and RING_RESET (a queue reset drops the requests the core
// took without telling the backend, which would leave its in-flight
// marks stale).
const DefaultFeatures = spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureNetMTU | 1<<spec.FeatureNetMAC |
	1<<spec.FeatureNetStatus | 1<<spec.FeatureNetCtrlVQ | 1<<spec.FeatureNetCtrlRx | 1<<spec.FeatureNetCtrlVLAN |
	1<<spec.FeatureNetCtrlRxExtra | 1<<spec.FeatureNetGuestAnnounce | 1<<spec.FeatureNetMQ |
	1<<spec.FeatureNetCtrlMACAddr)

// Type is the virtio-net device type (virtio device ID 1, PCI 1AF4:1041).
var Type = member.DeviceType{
	Name:       "virtio-net",
	DeviceID:   spec.VirtioDeviceIDNet,
	Features:   DefaultFeatures,
	ConfigLen:  configLen,
	NewBackend: newDevice,
}

// New builds a virtio-net member device: the virtio core with the net
// backend; it is a member.Factory. c.NumQueues 0 gives DefaultMaxPairs
// pairs and the control queue; an odd NumQueues (at least 3) is
// (NumQueues−1)/2 pairs and the control queue; an even one NumQueues/2
// pairs and no control queue, and then the features that need CTRL_VQ are
// not offered. c.Backing is the member's *Port on the shared Link; nil (or
// anything else) gives the member a link and port of its own.
func New(c member.Config) member.Device {
	if c.NumQueues == 0 {
		c.NumQueues = DefaultNumQueues
	}
	if c.Features == 0 {
		c.Features = DefaultFeatures
	}
	if c.NumQueues%2 == 0 {
		c.Features &^= spec.Features(spec.FeatureNetCtrlVQ.Mask())
		for _, f := range spec.NetFeatureNeedsCtrlVQ {
			c.Features &^= spec.Features(f.Mask())
		}
	}
	return member.NewCore(c, Type)
}

var _ member.Factory = New

// device is the net backend: the port it serves, what the device is built
// with, and the device state a reset restores and a context carries.
type device struct {
	mem      pcie.MemoryPort
	rid      pcie.RID
	port     *Port
	rules    spec.Rules
	features spec.Features
	maxPairs uint16
	hasCtrl  bool

	// cvq is what the control queue sets; status the status field as
	// shown (VIRTIO_NET_S_*).
	cvq    cvqState
	status uint16
	// announceWanted is an announce request taken in and not shown yet.
	announceWanted bool
	// inflight are the requests executed and not completed, in execution
	// order (NET_INFLIGHT).
	inflight []devctx.NetInflight
}

// newDevice is Type.NewBackend.
func newDevice(c member.Config) member.Backend {
	port, _ := c.Backing.(*Port)
	if port == nil {
		port = NewLink(0, DefaultMTU).NewPort("local", DefaultFIFOFrames)
	}
	d := &device{mem: c.Mem, rid: c.RID, port: port, rules: c.Rules, features: c.Features}
	d.hasCtrl = c.NumQueues%2 == 1 && c.NumQueues >= 3
	d.maxPairs = max(c.NumQueues/2, 1)
	d.Reset()
	return d
}

// Reset restores the defaults (NET-DEV-06, NET-DEV-08, NET-DEV-10): no
// receive mode on, empty MAC and VLAN tables, the provisioned mac, one
// queue pair, the link state of the port, no announce, nothing in flight.
// Frames the device held in its receive FIFO are dropped (reason reset).
func (d *device) Reset() {
	d.cvq = defaultCVQ(d.port.link.MAC())
	d.status = 0
	if d.port.linkUp {
		d.status = spec.NetStatusLinkUp
	}
	d.announceWanted = false
	d.inflight = nil
	d.port.dropFIFO(DropReset)
}

// Clone copies the device state; the port is shared.
func (d *device) Clone() member.Backend {
	c := *d
	c.inflight = slices.Clone(d.inflight)
	return &c
}

// queueKind is a queue's role for the negotiated features.
type queueKind uint8

const (
	kindNone queueKind = iota
	kindRx
	kindTx
	kindCtrl
)

// role returns queue q's role and pair for the negotiated features f
// (virtio spec, "Network Device", "Virtqueues"): receiveq/transmitq of
// pair k at 2k and 2k+1 for k below N, controlq at 2N, where N is
// max_virtqueue_pairs with MQ and 1 without.
func (d *device) role(q uint16, f spec.Features) (queueKind, uint16) {
	n := uint16(1)
	if f.Has(spec.FeatureNetMQ) {
		n = d.maxPairs
	}
	switch {
	case q < 2*n && q%2 == 0:
		return kindRx, q / 2
	case q < 2*n:
		return kindTx, q / 2
	case q == 2*n && d.hasCtrl && f.Has(spec.FeatureNetCtrlVQ):
		return kindCtrl, 0
	}
	return kindNone, 0
}

var _ member.Backend = (*device)(nil)
var _ member.HostIntake = (*device)(nil)
var _ member.FeatureChecker = (*device)(nil)
