package devicetest

import (
	"encoding/binary"

	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// virtio-blk values the test guest uses (virtio spec, "Block Device").
const (
	blkOut = 1
	blkIn  = 0
	// blkCfgWriteback is the offset of writeback in virtio_blk_config.
	blkCfgWriteback = 32
	// blkCfgCapacity is the offset of capacity.
	blkCfgCapacity = 0
)

// Guest memory of the test guest.
const (
	ringBase   = 0x1_0010_0000
	bufBase    = 0x400000
	guestQSize = 32
)

// guest is a small virtio-blk driver over a rig: it negotiates every
// feature the device offers, sets up queues with MSI-X vectors (config 0,
// queue q uses q+1), posts requests and reads the used rings.
type guest struct {
	g      *rig
	rings  []*virtq.DriverRing
	next   uint64
	posted int
	// rxWaiting are the receive buffers posted on receiveq1 and not used
	// yet, in the order posted, of a test that judges the receive filter
	// (guest.filtered).
	rxWaiting []request
}

// msixAddr and msixData are the address/data pair the guest programs for
// vector v.
func msixAddr(v int) uint64 { return 0xfee00000 + uint64(v)*4 }
func msixData(v int) uint32 { return uint32(0x40 + v) }

// setupMSIX programs every vector of the table and enables MSI-X.
func (g *rig) setupMSIX() {
	for v := 0; v < g.c.numQueues()+1; v++ {
		e := make([]byte, 16)
		binary.LittleEndian.PutUint64(e, msixAddr(v))
		binary.LittleEndian.PutUint32(e[8:], msixData(v))
		g.write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize, e[:8])
		g.write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+8, e[8:12])
		g.write(pcie.BAR0MSIXTable+uint64(v)*pcie.MSIXEntrySize+12, e[12:16])
	}
	// MSI-X Enable, as a driver's probe sets it: a device sends no message
	// while it is 0 (PCI Express Base, "MSI-X Capability and Table Structure").
	g.msixCtl(true, false)
}

// offered reads the device's 64 feature bits.
func (g *rig) offered() uint64 {
	g.common(spec.CfgDeviceFeatureSelect, 0)
	lo := g.commonRead(spec.CfgDeviceFeature)
	g.common(spec.CfgDeviceFeatureSelect, 1)
	hi := g.commonRead(spec.CfgDeviceFeature)
	return lo&0xffffffff | hi<<32
}

// newGuest brings the device up: MSI-X, features, queues 0..live-1,
// queue_select 0, DRIVER_OK. It is a set-up step (setup.go): a device
// that fails it is not judged on the test's requirement.
func newGuest(g *rig, live int) *guest {
	defer g.c.setUp(stepBringUp, "the device's bring-up as a driver does it")()
	gu := &guest{g: g, next: bufBase}
	g.setupMSIX()
	g.common(spec.CfgDeviceStatus, uint64(spec.StatusAcknowledge|spec.StatusDriver))
	f := g.offered()
	if g.c.ctrl {
		g.c.needCtrl(f)
	}
	g.common(spec.CfgDriverFeatureSelect, 0)
	g.common(spec.CfgDriverFeature, f&0xffffffff)
	g.common(spec.CfgDriverFeatureSelect, 1)
	g.common(spec.CfgDriverFeature, f>>32)
	ok := uint64(spec.StatusAcknowledge | spec.StatusDriver | spec.StatusFeaturesOK)
	g.common(spec.CfgDeviceStatus, ok)
	if got := g.commonRead(spec.CfgDeviceStatus); got != ok {
		// The test's own set-up failed, as a driver's probe would: the
		// message says which features the device offered
		// (device_feature read as two halves).
		g.c.fatalf("device_status reads %#x after FEATURES_OK with the offered features %#x, want %#x", got, f, ok)
	}
	g.common(spec.CfgConfigMSIXVector, 0)
	for q := 0; q < live; q++ {
		gu.setupQueue(q)
	}
	// queue_select back to 0, whatever the number of queues: the tests
	// that write queue_select 1 expect it to change the state.
	g.common(spec.CfgQueueSelect, 0)
	g.common(spec.CfgDeviceStatus, ok|uint64(spec.StatusDriverOK))
	return gu
}

func ringAt(q int) virtq.Layout { return virtq.NewLayout(ringBase+uint64(q)*0x10000, guestQSize) }

// setupQueue programs queue q and enables it.
func (gu *guest) setupQueue(q int) {
	g := gu.g
	l := ringAt(q)
	d, err := virtq.NewDriverRing(g.mem, rigHost, l)
	if err != nil {
		g.c.fatalf("queue %d: %v", q, err)
	}
	for len(gu.rings) <= q {
		gu.rings = append(gu.rings, nil)
	}
	gu.rings[q] = d
	g.common(spec.CfgQueueSelect, uint64(q))
	g.common(spec.CfgQueueSize, guestQSize)
	g.common(spec.CfgQueueMSIXVector, uint64(q+1))
	g.common(spec.CfgQueueDescLo, l.Desc&0xffffffff)
	g.common(spec.CfgQueueDescHi, l.Desc>>32)
	g.common(spec.CfgQueueDriverLo, l.Avail&0xffffffff)
	g.common(spec.CfgQueueDriverHi, l.Avail>>32)
	g.common(spec.CfgQueueDeviceLo, l.Used&0xffffffff)
	g.common(spec.CfgQueueDeviceHi, l.Used>>32)
	g.common(spec.CfgQueueEnable, 1)
}

// request is one posted request: its head descriptor, where its data and
// status byte are.
type request struct {
	typ    uint32
	sector uint64
	head   uint16
	data   uint64
	n      int
	status uint64
	// net marks a transmitted frame (postWork), which has no status.
	net bool
}

// submit posts a request on queue q without kicking; data is what an OUT
// writes (n bytes are read for IN).
func (gu *guest) submit(q int, typ uint32, sector uint64, data []byte, n int) request {
	g := gu.g
	hdr := gu.next
	gu.next += 0x1000
	h := make([]byte, 16)
	binary.LittleEndian.PutUint32(h, typ)
	binary.LittleEndian.PutUint64(h[8:], sector)
	r := request{typ: typ, sector: sector, data: hdr + 16, n: n, status: hdr + 16 + uint64(n)}
	must(g, g.mem.WriteMem(rigHost, hdr, h))
	bufs := []virtq.Buffer{{Addr: hdr, Len: 16}}
	if typ == blkOut {
		must(g, g.mem.WriteMem(rigHost, r.data, data))
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: uint32(n)})
	} else {
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: uint32(n), Writable: true})
	}
	must(g, g.mem.WriteMem(rigHost, r.status, []byte{0xff}))
	bufs = append(bufs, virtq.Buffer{Addr: r.status, Len: 1, Writable: true})
	head, err := gu.rings[q].Add(bufs)
	if err != nil {
		g.c.fatalf("queue %d: %v", q, err)
	}
	r.head = head
	must(g, gu.rings[q].Publish())
	gu.posted++
	return r
}

// kick writes queue q's doorbell.
func (gu *guest) kick(q int) {
	gu.g.write(pcie.BAR0Notify+uint64(q)*pcie.NotifyMultiplier, []byte{byte(q), 0})
}

// used returns queue q's used index as the guest reads it.
func (gu *guest) used(q int) uint16 {
	u, err := gu.rings[q].UsedIdx()
	must(gu.g, err)
	return u
}

// status reads a request's status byte (0xff: never written).
func (gu *guest) status(r request) byte {
	b := make([]byte, 1)
	must(gu.g, gu.g.mem.ReadMem(rigHost, r.status, b))
	return b[0]
}

// data reads what an IN request returned.
func (gu *guest) data(r request) []byte {
	b := make([]byte, r.n)
	must(gu.g, gu.g.mem.ReadMem(rigHost, r.data, b))
	return b
}

func must(g *rig, err error) {
	if err != nil {
		g.c.fatalf("test guest: %v", err)
	}
}

// pattern returns n bytes derived from seed.
func pattern(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(seed*31 + i*7)
	}
	return b
}

// live returns a device with a guest that has its queues running (queue
// 0 of a virtio-blk device; receiveq1 and transmitq1 of a virtio-net one).
func (c *check) live() (*rig, *guest) {
	g := c.newRig(nil, nil)
	return g, newGuest(g, c.liveQueues())
}
