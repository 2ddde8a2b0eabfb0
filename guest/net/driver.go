package net

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// Sizes and offsets of the virtio-net device (virtio spec, "Device
// configuration layout", "Device Operation").
const (
	// hdrLen is sizeof(struct virtio_net_hdr) with num_buffers (VERSION_1).
	hdrLen = 12
	// cfgStatus, cfgMaxPairs and cfgMTU are offsets in virtio_net_config.
	cfgStatus   = 6
	cfgMaxPairs = 8
	cfgMTU      = 10
	// rxPerQueue is how many receive buffers the driver keeps posted on
	// each receive queue it uses.
	rxPerQueue = 16
	// EtherTypeMigsim is the EtherType of the frames the driver sends
	// (IEEE 802 local experimental), as the simulated link's: after it
	// come le64 sequence number and le32 flow.
	EtherTypeMigsim = 0x88b5
	// AnnounceFlow is the flow of the frame the driver sends for an
	// announce (netdev_notify_peers).
	AnnounceFlow = 0xffffffff
)

// Wanted are the features the driver accepts when offered
// (virtnet_probe's feature table, without offloads and MRG_RXBUF).
const Wanted = spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureNetMTU | 1<<spec.FeatureNetMAC |
	1<<spec.FeatureNetStatus | 1<<spec.FeatureNetCtrlVQ | 1<<spec.FeatureNetCtrlRx | 1<<spec.FeatureNetCtrlVLAN |
	1<<spec.FeatureNetCtrlRxExtra | 1<<spec.FeatureNetGuestAnnounce | 1<<spec.FeatureNetMQ |
	1<<spec.FeatureNetCtrlMACAddr | 1<<spec.FeatureNotifConfigData)

// Driver is the virtio-net guest driver. It logs what the guest can observe
// (Log) in a form that does not depend on the schedule when nothing goes
// wrong: control acks in command order, transmit completions queue by
// queue, the closing link state and mac. Received frames are not logged one
// by one — the network may lose frames — but checked: a frame seen twice or
// before an earlier frame of its flow is a failure.
type Driver struct {
	bus  guest.Bus
	plan guest.MemoryPlan
	mem  *slots
	// features negotiated at the last probe; maxPairs, mtu, mac and status
	// read from the configuration; pairs in use.
	features spec.Features
	maxPairs uint16
	pairs    uint16
	mtu      uint16
	mac      [6]byte
	status   uint16
	// queues by device queue index (nil: not set up); ctrl is the control
	// queue's index.
	queues map[uint16]*queue
	order  []uint16
	ctrl   uint16
	hasCtl bool
	// txSeq numbers the frames the driver transmits (from 1).
	txSeq uint64
	// rxLast is, per flow, the highest sequence number received; rxCount
	// counts the frames received, rxBad the failures.
	rxLast  map[uint32]uint64
	rxCount int
	// rxMark is rxCount as the last Recv left it.
	rxMark int
	// done holds per queue the completions harvested since the last Flush.
	done map[uint16][]string
	// pendingAnnounce is an announce seen in a configuration interrupt and
	// not acknowledged yet.
	pendingAnnounce bool
	// announces counts the announces the driver handled.
	announces int
	log       []string
	// trouble holds the troubles among the log's lines (Trouble).
	trouble guest.TroubleRecorder
	// Failed lists what went wrong.
	Failed []string
	// msixCap, pcieCap are capability offsets found at probe.
	msixCap, pcieCap uint16
	// probe is what a probe cut at a point (ProbePart) hands the part
	// that goes on from it.
	probe probeState
}

// queue is one virtqueue the driver set up.
type queue struct {
	index    uint16
	kind     byte // 'r', 't' or 'c'
	ring     *virtq.DriverRing
	notify   uint64
	notifyV  uint16
	inflight map[uint16]*buf
}

// buf is one posted buffer chain.
type buf struct {
	slot uint64
	// seq, flow of a transmitted frame; cmd and ack of a command.
	seq  uint64
	flow uint32
	cmd  spec.NetCVQCommand
	data []byte
	ack  uint64
	desc string
	// internal marks the driver's own buffers (the announce frame and its
	// ANNOUNCE_ACK): not workload, so neither logged nor waited for.
	internal bool
}

// New returns a driver that uses the ring regions and buffers of plan.
func New(bus guest.Bus, plan guest.MemoryPlan) *Driver {
	if len(plan.Rings) == 0 {
		plan.Rings = DefaultPlan(3).Rings
	}
	return &Driver{bus: bus, plan: plan, mem: newSlots(plan.Buffers, slotSize), queues: map[uint16]*queue{},
		rxLast: map[uint32]uint64{}, done: map[uint16][]string{}}
}

// Rebind implements guest.Rebinder: the driver's state but its bus is
// data, its queues' rings reach the bus's memory.
func (g *Driver) Rebind(bus guest.Bus) {
	g.bus = bus
	for _, q := range g.queues {
		if q != nil && q.ring != nil {
			q.ring.SetMemory(bus.Memory())
		}
	}
}

// Plan is the guest memory the driver uses.
func (g *Driver) Plan() guest.MemoryPlan { return g.plan }

// Log returns the guest-visible history.
func (g *Driver) Log() []string { return g.log }

// StateHash implements guest.StateHasher: every field by reflection
// (internal/deephash; a ring hashes with virtq.DriverRing.StateHash) but
// the bus, which is the machine. Its wait loops (Wait, Recv) wait where
// nothing but the fields and the operation decide what it does next.
func (g *Driver) StateHash() uint64 {
	c := driverFields(*g)
	c.bus = nil
	return guest.HashFields(&c)
}

// driverFields is a Driver without its methods: deephash walks it rather
// than calling StateHash.
type driverFields Driver

// Trouble returns the lines of the log that tell of trouble, in log
// order, as data (guest.Trouble).
func (g *Driver) Trouble() []guest.Trouble { return g.trouble.Trouble() }

// Features returns the negotiated features.
func (g *Driver) Features() spec.Features { return g.features }

// Pairs is the number of queue pairs in use.
func (g *Driver) Pairs() uint16 { return g.pairs }

// Received counts the frames the guest received.
func (g *Driver) Received() int { return g.rxCount }

// Sent is the sequence number of the last frame the driver transmitted.
func (g *Driver) Sent() uint64 { return g.txSeq }

func (g *Driver) logf(format string, args ...any) {
	g.log = append(g.log, fmt.Sprintf(format, args...))
}

// fail logs a command the driver gave up on ("FAIL " and the message,
// whose text up to its first ": " names the command) as guest.GaveUp.
func (g *Driver) fail(format string, args ...any) { g.failed(guest.GaveUp, 0, format, args...) }

// failed logs a command the driver gave up on as a trouble of kind k
// whose command needs the features needs.
func (g *Driver) failed(k guest.TroubleKind, needs spec.Features, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	g.Failed = append(g.Failed, msg)
	line := "FAIL " + msg
	g.log = append(g.log, line)
	cmd, _, _ := strings.Cut(msg, ": ")
	g.trouble.Record(guest.Trouble{Kind: k, Line: line, Command: cmd, Needs: needs, Negotiated: g.features})
}

// cc is the driver's access to the common configuration.
func (g *Driver) cc() guest.CommonCfg { return guest.CommonCfg{Bus: g.bus} }

func (g *Driver) w8(f spec.CommonCfgField, v uint8)   { g.cc().W8(f, v) }
func (g *Driver) w16(f spec.CommonCfgField, v uint16) { g.cc().W16(f, v) }
func (g *Driver) w32(f spec.CommonCfgField, v uint32) { g.cc().W32(f, v) }
func (g *Driver) r8(f spec.CommonCfgField) uint8      { return g.cc().R8(f) }
func (g *Driver) r16(f spec.CommonCfgField) uint16    { return g.cc().R16(f) }
func (g *Driver) r32(f spec.CommonCfgField) uint32    { return g.cc().R32(f) }

func pad(b []byte, n int) []byte { return guest.Pad(b, n) }

// devCfg reads n bytes of virtio_net_config at off.
func (g *Driver) devCfg(off uint64, n int) []byte {
	return pad(g.bus.MMIORead(g.bus.BAR0()+pcie.BAR0DeviceCfg+off, n), n)
}

// findCaps walks the capability list for the PCIe and MSI-X capabilities.
func (g *Driver) findCaps() {
	if g.pcieCap != 0 {
		return
	}
	g.pcieCap, g.msixCap = guest.FindCaps(g.bus)
}

// reset writes 0 to device_status and polls until it reads 0; the driver
// forgets its queues (the buffers they held are its own again).
func (g *Driver) reset() bool {
	if guest.ResetDevice(g.cc()) {
		g.forgetQueues()
		return true
	}
	g.fail("reset: device_status never read 0")
	return false
}

func (g *Driver) forgetQueues() {
	for _, q := range g.order {
		for _, b := range g.queues[q].inflight {
			g.mem.put(b.slot)
		}
	}
	g.queues = map[uint16]*queue{}
	g.order = nil
	g.hasCtl = false
	g.pendingAnnounce = false
}

// readConfig reads virtio_net_config with the generation loop of
// virtio_cread_bytes.
func (g *Driver) readConfig() {
	for i := 0; i < 16; i++ {
		gen := g.r8(spec.CfgConfigGeneration)
		b := g.devCfg(0, 12)
		if g.r8(spec.CfgConfigGeneration) != gen {
			continue
		}
		copy(g.mac[:], b[:6])
		g.status = spec.NetStatusLinkUp
		if g.features.Has(spec.FeatureNetStatus) {
			g.status = binary.LittleEndian.Uint16(b[cfgStatus:])
		}
		g.maxPairs = 1
		if g.features.Has(spec.FeatureNetMQ) {
			g.maxPairs = max(binary.LittleEndian.Uint16(b[cfgMaxPairs:]), 1)
		}
		g.mtu = 1500
		if g.features.Has(spec.FeatureNetMTU) {
			g.mtu = binary.LittleEndian.Uint16(b[cfgMTU:])
		}
		return
	}
	g.fail("config: generation never stable")
}
