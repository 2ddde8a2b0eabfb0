package net

import (
	"encoding/binary"
	"slices"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// guest is a small virtio-net driver for the tests: it negotiates, sets up
// queues, posts receive buffers, transmits, sends control commands and
// harvests used buffers into a log. It keeps its own copies of the
// constants it needs, so a wrong one in the device shows.
type guest struct {
	g     *rig
	f     spec.Features
	ctrlQ uint16
	rings map[uint16]*virtq.DriverRing
	next  uint64
	bufs  map[uint32]gbuf
	// rx holds the received frames in harvest order; tx counts used
	// transmit buffers; acks the control acks.
	rx   []rxSeen
	tx   int
	acks []uint8
}

type gbuf struct {
	addr uint64
	n    uint32
	ack  uint64
}

type rxSeen struct {
	q     uint16
	hdr   []byte
	frame []byte
}

const guestHdr = 12 // sizeof(struct virtio_net_hdr) with num_buffers

func ringAt(q uint16) virtq.Layout { return virtq.NewLayout(ringBase+uint64(q)*0x10000, qsize) }

// allFeatures are the default device's features, all accepted.
const allFeatures = DefaultFeatures

// newGuest negotiates f (requiring FEATURES_OK to stick), sets up queues
// and sets DRIVER_OK.
func newGuest(g *rig, f spec.Features, queues ...uint16) *guest {
	gu := &guest{g: g, f: f, rings: map[uint16]*virtq.DriverRing{}, next: bufBase, bufs: map[uint32]gbuf{}, ctrlQ: 2}
	if f.Has(spec.FeatureNetMQ) {
		gu.ctrlQ = 2 * binary.LittleEndian.Uint16(g.config()[8:])
	}
	for v := 0; v < 16; v++ {
		e := binary.LittleEndian.AppendUint64(nil, 0xfee00000+uint64(v)*4)
		e = binary.LittleEndian.AppendUint32(e, uint32(0x40+v))
		g.write(pcie.BAR0MSIXTable+uint64(v)*16, e[:8])
		g.write(pcie.BAR0MSIXTable+uint64(v)*16+8, e[8:12])
		g.write(pcie.BAR0MSIXTable+uint64(v)*16+12, []byte{0, 0, 0, 0})
	}
	g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: drvRID,
		Addr: pcie.MSIXCapOffset + pcie.MSIXMsgCtl, Data: []byte{0, byte(pcie.MSIXCtlEnable >> 8)}}}) // MSI-X Enable
	require.True(g.t, gu.negotiate(f), "FEATURES_OK for %s", spec.NetFeaturesString(f))
	g.common(spec.CfgConfigMSIXVector, 0)
	for _, q := range queues {
		gu.setupQueue(q)
	}
	g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver|spec.StatusFeaturesOK|spec.StatusDriverOK))
	return gu
}

// negotiate writes the driver features and sets FEATURES_OK; it reports
// whether the device kept the bit.
func (gu *guest) negotiate(f spec.Features) bool {
	g := gu.g
	g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver))
	g.common(spec.CfgDriverFeatureSelect, 0)
	g.common(spec.CfgDriverFeature, uint32(f))
	g.common(spec.CfgDriverFeatureSelect, 1)
	g.common(spec.CfgDriverFeature, uint32(uint64(f)>>32))
	g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver|spec.StatusFeaturesOK))
	return g.commonRead(spec.CfgDeviceStatus)&uint32(spec.StatusFeaturesOK) != 0
}

func (gu *guest) setupQueue(q uint16) {
	g := gu.g
	l := ringAt(q)
	d, err := virtq.NewDriverRing(g.mem, drvRID, l)
	require.NoError(g.t, err)
	gu.rings[q] = d
	g.common(spec.CfgQueueSelect, uint32(q))
	g.common(spec.CfgQueueSize, qsize)
	g.common(spec.CfgQueueMSIXVector, uint32(q+1))
	for _, a := range []struct {
		lo   spec.CommonCfgField
		addr uint64
	}{{spec.CfgQueueDescLo, l.Desc}, {spec.CfgQueueDriverLo, l.Avail}, {spec.CfgQueueDeviceLo, l.Used}} {
		g.common(a.lo, uint32(a.addr))
		g.common(a.lo+4, uint32(a.addr>>32))
	}
	g.common(spec.CfgQueueEnable, 1)
}

func (gu *guest) alloc(n uint32) uint64 {
	a := gu.next
	gu.next += (uint64(n) + 0xfff) &^ 0xfff
	return a
}

func (gu *guest) kick(q uint16) {
	gu.g.write(pcie.BAR0Notify+uint64(q)*pcie.NotifyMultiplier, []byte{byte(q), byte(q >> 8)})
}

func (gu *guest) add(q uint16, b gbuf, bufs []virtq.Buffer) {
	head, err := gu.rings[q].Add(bufs)
	require.NoError(gu.g.t, err)
	require.NoError(gu.g.t, gu.rings[q].Publish())
	gu.bufs[uint32(q)<<16|uint32(head)] = b
}

// postRx posts n receive buffers of size bytes on q and kicks it.
func (gu *guest) postRx(q uint16, n int, size uint32) {
	for range n {
		a := gu.alloc(size)
		gu.add(q, gbuf{addr: a, n: size}, []virtq.Buffer{{Addr: a, Len: size, Writable: true}})
	}
	gu.kick(q)
}

// post puts frames on transmit queue q behind a zero virtio_net_hdr (with
// gso_type gso), without kicking.
func (gu *guest) post(q uint16, gso uint8, frames ...[]byte) {
	for _, f := range frames {
		b := make([]byte, guestHdr, guestHdr+len(f))
		b[1] = gso
		b = append(b, f...)
		a := gu.alloc(uint32(len(b)))
		require.NoError(gu.g.t, gu.g.mem.WriteMem(drvRID, a, b))
		gu.add(q, gbuf{addr: a, n: uint32(len(b))}, []virtq.Buffer{{Addr: a, Len: uint32(len(b))}})
	}
}

// send transmits frames on q, kicks, runs and harvests.
func (gu *guest) send(q uint16, frames ...[]byte) {
	gu.post(q, 0, frames...)
	gu.kick(q)
	gu.g.run()
	gu.harvest()
}

// postCtrl posts a control command without kicking.
func (gu *guest) postCtrl(c spec.NetCVQCommand, data []byte) {
	b := append([]byte{uint8(c.Class), c.Command}, data...)
	a := gu.alloc(uint32(len(b)) + 1)
	ack := a + uint64(len(b))
	require.NoError(gu.g.t, gu.g.mem.WriteMem(drvRID, a, b))
	require.NoError(gu.g.t, gu.g.mem.WriteMem(drvRID, ack, []byte{0xee}))
	gu.add(gu.ctrlQ, gbuf{addr: a, n: uint32(len(b)), ack: ack},
		[]virtq.Buffer{{Addr: a, Len: uint32(len(b))}, {Addr: ack, Len: 1, Writable: true}})
}

// ctrl sends a control command and returns its ack.
func (gu *guest) ctrl(c spec.NetCVQCommand, data []byte) uint8 {
	n := len(gu.acks)
	gu.postCtrl(c, data)
	gu.kick(gu.ctrlQ)
	gu.g.run()
	gu.harvest()
	require.Len(gu.g.t, gu.acks, n+1, "one ack for %s", c)
	return gu.acks[n]
}

// harvest collects the used buffers of every queue, in queue order.
func (gu *guest) harvest() {
	g := gu.g
	qs := make([]uint16, 0, len(gu.rings))
	for q := range gu.rings {
		qs = append(qs, q)
	}
	slices.Sort(qs)
	for _, q := range qs {
		used, err := gu.rings[q].Harvest()
		require.NoError(g.t, err)
		for _, u := range used {
			b, ok := gu.bufs[uint32(q)<<16|uint32(u.ID)]
			require.True(g.t, ok, "q%d head %d", q, u.ID)
			switch {
			case q == gu.ctrlQ && gu.f.Has(spec.FeatureNetCtrlVQ):
				ack := make([]byte, 1)
				require.NoError(g.t, g.mem.ReadMem(drvRID, b.ack, ack))
				require.Equal(g.t, uint32(1), u.Len, "a control command's used length is its ack")
				gu.acks = append(gu.acks, ack[0])
			case q%2 == 1:
				require.Zero(g.t, u.Len, "a transmit buffer's used length is 0")
				gu.tx++
			default:
				data := make([]byte, u.Len)
				require.NoError(g.t, g.mem.ReadMem(drvRID, b.addr, data))
				require.GreaterOrEqual(g.t, len(data), guestHdr)
				gu.rx = append(gu.rx, rxSeen{q: q, hdr: data[:guestHdr], frame: data[guestHdr:]})
			}
		}
	}
}

// frames returns the received frames' data.
func (gu *guest) frames() [][]byte {
	var out [][]byte
	for _, r := range gu.rx {
		out = append(out, r.frame)
	}
	return out
}
