package harness

import (
	"encoding/binary"

	"github.com/migsim/migsim/devctx"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// virtio-blk values the test guest uses (virtio spec, "Block Device").
const (
	BlkOut = 1
	BlkIn  = 0
	// BlkCfgWriteback is the offset of writeback in virtio_blk_config.
	BlkCfgWriteback = 32
	// BlkCfgCapacity is the offset of capacity.
	BlkCfgCapacity = 0
)

// Guest memory of the test guest.
const (
	ringBase   = 0x1_0010_0000
	BufBase    = 0x400000
	guestQSize = 32
)

// Guest is a small virtio-blk driver over a rig: it negotiates every
// feature the device offers, sets up queues with MSI-X vectors (config 0,
// queue q uses q+1), posts requests and reads the used rings.
type Guest struct {
	// Rig is the device the guest drives (a migration's destination once
	// it moved: Check.MoveTo).
	Rig    *Rig
	rings  []*virtq.DriverRing
	next   uint64
	posted int
	// rxWaiting are the receive buffers posted on receiveq1 and not used
	// yet, in the order posted, of a test that judges the receive filter
	// (Guest.Filtered).
	rxWaiting []Request
}

// msixAddr and msixData are the address/data pair the guest programs for
// vector v.
func msixAddr(v int) uint64 { return 0xfee00000 + uint64(v)*4 }
func msixData(v int) uint32 { return uint32(0x40 + v) }

// setupMSIX programs every vector of the table and enables MSI-X.
func (g *Rig) setupMSIX() {
	for v := 0; v < g.Check.numQueues()+1; v++ {
		e := make([]byte, 16)
		binary.LittleEndian.PutUint64(e, msixAddr(v))
		binary.LittleEndian.PutUint32(e[8:], msixData(v))
		g.Write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize, e[:8])
		g.Write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+8, e[8:12])
		g.Write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+12, e[12:16])
	}
	// MSI-X Enable, as a driver's probe sets it: a device sends no message
	// while it is 0 (PCI Express Base, "MSI-X Capability and Table Structure").
	g.MSIXCtl(true, false)
}

// Offered reads the device's 64 feature bits.
func (g *Rig) Offered() uint64 {
	g.Common(spec.CfgDeviceFeatureSelect, 0)
	lo := g.CommonRead(spec.CfgDeviceFeature)
	g.Common(spec.CfgDeviceFeatureSelect, 1)
	hi := g.CommonRead(spec.CfgDeviceFeature)
	return lo&0xffffffff | hi<<32
}

// newGuest brings the device up: MSI-X, features, queues 0..live-1,
// queue_select 0, DRIVER_OK. It is a set-up step (setup.go): a device
// that fails it is not judged on the test's requirement.
func newGuest(g *Rig, live int) *Guest {
	defer g.Check.setUp(stepBringUp, "the device's bring-up as a driver does it")()
	gu := &Guest{Rig: g, next: BufBase}
	g.setupMSIX()
	g.Common(spec.CfgDeviceStatus, uint64(spec.StatusAcknowledge|spec.StatusDriver))
	f := g.Offered()
	if g.Check.Ctrl {
		g.Check.needCtrl(f)
	}
	g.Common(spec.CfgDriverFeatureSelect, 0)
	g.Common(spec.CfgDriverFeature, f&0xffffffff)
	g.Common(spec.CfgDriverFeatureSelect, 1)
	g.Common(spec.CfgDriverFeature, f>>32)
	ok := uint64(spec.StatusAcknowledge | spec.StatusDriver | spec.StatusFeaturesOK)
	g.Common(spec.CfgDeviceStatus, ok)
	if got := g.CommonRead(spec.CfgDeviceStatus); got != ok {
		// The test's own set-up failed, as a driver's probe would: the
		// message says which features the device offered
		// (device_feature read as two halves).
		g.Check.Fatalf("device_status reads %#x after FEATURES_OK with the offered features %#x, want %#x", got, f, ok)
	}
	g.Common(spec.CfgConfigMSIXVector, 0)
	for q := 0; q < live; q++ {
		gu.setupQueue(q)
	}
	// queue_select back to 0, whatever the number of queues: the tests
	// that write queue_select 1 expect it to change the state.
	g.Common(spec.CfgQueueSelect, 0)
	g.Common(spec.CfgDeviceStatus, ok|uint64(spec.StatusDriverOK))
	return gu
}

// RingAt is where the test guest puts queue q's split ring.
func RingAt(q int) virtq.Layout {
	return virtq.NewLayout(ringBase+uint64(q)*0x10000, uint16(QueueSizeOf(q)))
}

// QueueSizeOf is the size the test guest programs queue q with:
// guestQSize, but half of it for queues 1, 5, 9, … (a net device's
// transmitq1, transmitq3, …). So a blk device's first queue, a net
// device's receive queues and its controlq (which the control units fill
// with commands) get guestQSize, and transmitq1 differs from receiveq1 and
// from transmitq2: a device that keeps one queue_size for every queue, or
// saves or restores a transmit queue's size as its neighbour's, shows it
// in the queues' configuration its state holds ("Virtqueue
// Configuration": the driver may write a queue_size smaller than the
// device's maximum, queue by queue).
func QueueSizeOf(q int) int {
	if q%4 == 1 {
		return guestQSize / 2
	}
	return guestQSize
}

// Programmed is the configuration the test guest programs queue q with
// (setupQueue): its size, MSI-X vector q+1, enabled, and the addresses of
// its split ring (RingAt) — what the state a device reads of the queue
// must hold.
func Programmed(q int) devctx.VQCfg {
	l := RingAt(q)
	return devctx.VQCfg{QueueSize: uint16(QueueSizeOf(q)), Vector: uint16(q + 1), Enabled: 1, Desc: l.Desc, Driver: l.Avail, Device: l.Used}
}

// setupQueue programs queue q and enables it.
func (gu *Guest) setupQueue(q int) {
	g := gu.Rig
	l := RingAt(q)
	d, err := virtq.NewDriverRing(g.mem, RigHost, l)
	if err != nil {
		g.Check.Fatalf("queue %d: %v", q, err)
	}
	for len(gu.rings) <= q {
		gu.rings = append(gu.rings, nil)
	}
	gu.rings[q] = d
	g.Common(spec.CfgQueueSelect, uint64(q))
	g.Common(spec.CfgQueueSize, uint64(QueueSizeOf(q)))
	g.Common(spec.CfgQueueMSIXVector, uint64(q+1))
	g.Common(spec.CfgQueueDescLo, l.Desc&0xffffffff)
	g.Common(spec.CfgQueueDescHi, l.Desc>>32)
	g.Common(spec.CfgQueueDriverLo, l.Avail&0xffffffff)
	g.Common(spec.CfgQueueDriverHi, l.Avail>>32)
	g.Common(spec.CfgQueueDeviceLo, l.Used&0xffffffff)
	g.Common(spec.CfgQueueDeviceHi, l.Used>>32)
	g.Common(spec.CfgQueueEnable, 1)
}

// Request is one posted request: its head descriptor, where its data and
// status byte are.
type Request struct {
	// Typ is a block request's type (BlkIn, BlkOut), sector its sector.
	Typ    uint32
	sector uint64
	// Head is the request's head descriptor.
	Head uint16
	// data is where its data is, N its length, status where its status
	// byte is.
	data   uint64
	N      int
	status uint64
	// net marks a transmitted frame (PostWork), which has no status.
	net bool
}

// Submit posts a request on queue q without kicking; data is what an OUT
// writes (n bytes are read for IN).
func (gu *Guest) Submit(q int, typ uint32, sector uint64, data []byte, n int) Request {
	g := gu.Rig
	hdr := gu.next
	gu.next += 0x1000
	h := make([]byte, 16)
	binary.LittleEndian.PutUint32(h, typ)
	binary.LittleEndian.PutUint64(h[8:], sector)
	r := Request{Typ: typ, sector: sector, data: hdr + 16, N: n, status: hdr + 16 + uint64(n)}
	must(g, g.mem.WriteMem(RigHost, hdr, h))
	bufs := []virtq.Buffer{{Addr: hdr, Len: 16}}
	if typ == BlkOut {
		must(g, g.mem.WriteMem(RigHost, r.data, data))
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: uint32(n)})
	} else {
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: uint32(n), Writable: true})
	}
	must(g, g.mem.WriteMem(RigHost, r.status, []byte{0xff}))
	bufs = append(bufs, virtq.Buffer{Addr: r.status, Len: 1, Writable: true})
	head, err := gu.rings[q].Add(bufs)
	if err != nil {
		g.Check.Fatalf("queue %d: %v", q, err)
	}
	r.Head = head
	must(g, gu.rings[q].Publish())
	gu.posted++
	return r
}

// Kick writes queue q's doorbell.
func (gu *Guest) Kick(q int) {
	gu.Rig.Write(pcie.BAR0Notify+uint64(q)*pcie.NotifyMultiplier, []byte{byte(q), 0})
}

// Used returns queue q's used index as the guest reads it.
func (gu *Guest) Used(q int) uint16 {
	u, err := gu.rings[q].UsedIdx()
	must(gu.Rig, err)
	return u
}

// Status reads a request's status byte (0xff: never written).
func (gu *Guest) Status(r Request) byte {
	b := make([]byte, 1)
	must(gu.Rig, gu.Rig.mem.ReadMem(RigHost, r.status, b))
	return b[0]
}

// Data reads what an IN request returned.
func (gu *Guest) Data(r Request) []byte {
	b := make([]byte, r.N)
	must(gu.Rig, gu.Rig.mem.ReadMem(RigHost, r.data, b))
	return b
}

func must(g *Rig, err error) {
	if err != nil {
		g.Check.Fatalf("test guest: %v", err)
	}
}

// Pattern returns n bytes derived from seed.
func Pattern(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seed*31 + i*7)
	}
	return b
}

// Live returns a device with a guest that has its queues running (queue
// 0 of a virtio-blk device; receiveq1 and transmitq1 of a virtio-net one).
func (c *Check) Live() (*Rig, *Guest) {
	g := c.NewRig(nil, nil)
	return g, newGuest(g, c.liveQueues())
}

// Harvest reads queue q's used elements published since the last
// harvest and frees their descriptors, as a driver's interrupt handler
// does, so that the guest can post more requests than the queue holds. It
// returns them in ring order; a used element naming a head the guest has
// no request outstanding at is an error (virtq.DriverRing.Harvest).
func (gu *Guest) Harvest(q int) ([]virtq.Used, error) {
	return gu.rings[q].Harvest()
}

// QueueSize is the size of queue 0 as the guest sets it up (QueueSizeOf).
func (gu *Guest) QueueSize() int { return QueueSizeOf(0) }
