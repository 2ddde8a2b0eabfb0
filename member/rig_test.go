package member_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

const (
	testRID  = pcie.RID(0x0109)
	testBAR0 = uint64(0xfe000000)
)

// virtio-blk values the test guest uses (virtio spec, "Block Device"). The
// guest keeps its own copies: a wrong constant in the device then shows.
const (
	tIn    = 0
	tOut   = 1
	tFlush = 4
	tGetID = 8
	sOK    = 0
	// idBytes is VIRTIO_BLK_ID_BYTES.
	idBytes = 20
	// cfgCapacity and cfgWriteback are offsets in virtio_blk_config.
	cfgCapacity  = 0
	cfgWriteback = 32
)

// objHeaderSize is the resource-object header of the parts commands.
const objHeaderSize = spec.ResourceObjCmdHeaderSize

// rig is a virtio-blk member (the core with the blk backend) with an
// observed memory and a FIFO step scheduler.
type rig struct {
	t     *testing.T
	mem   *virtq.GuestMemory
	rec   virtq.Recorder
	dev   member.Device
	in    member.Inspect
	disk  *blk.Disk
	steps []member.Step
	irqs  []pcie.MSIXMessage
	comps []member.AdminCompletion
	tmrs  []member.Timer
	notes []string
}

// newRig builds a virtio-blk member over disk (nil: a fresh 1024-sector
// one) and mem (nil: fresh guest memory).
func newRig(t *testing.T, e spec.Edition, r spec.Rules, nq uint16, disk *blk.Disk, mem *virtq.GuestMemory) *rig {
	if disk == nil {
		disk = blk.NewDisk(1024, "migsim-disk-0001")
	}
	g := newRigFor(t, e, r, nq, mem, func(c member.Config) member.Device {
		c.Backing = disk
		return blk.New(c)
	})
	g.disk = disk
	return g
}

// newRigFor builds the member f makes, with nq queues, over mem (nil: fresh
// guest memory) observed by the rig's recorder.
func newRigFor(t *testing.T, e spec.Edition, r spec.Rules, nq uint16, mem *virtq.GuestMemory, f member.Factory) *rig {
	if mem == nil {
		mem = virtq.NewGuestMemory()
	}
	g := &rig{t: t, mem: mem}
	obs := &virtq.Observer{Port: mem, Hook: g.rec.Hook}
	g.dev = f(member.Config{Edition: e, Rules: r, VF: 1, RID: testRID, BAR0: testBAR0, NumQueues: nq, Mem: obs})
	g.in = member.InspectCore(g.dev)
	return g
}

// handle delivers one event and collects its effects.
func (g *rig) handle(ev member.Event) member.Effects {
	fx := g.dev.Handle(ev)
	g.steps = append(g.steps, fx.Steps...)
	g.irqs = append(g.irqs, fx.Interrupts...)
	g.comps = append(g.comps, fx.Completions...)
	g.tmrs = append(g.tmrs, fx.Timers...)
	g.notes = append(g.notes, fx.Notes...)
	return fx
}

// run delivers up to limit pending steps in FIFO order (limit < 0: all).
func (g *rig) run(limit int) int {
	n := 0
	for len(g.steps) > 0 && (limit < 0 || n < limit) {
		s := g.steps[0]
		g.steps = g.steps[1:]
		g.handle(member.Event{Kind: member.EvStep, Step: s})
		n++
		require.Less(g.t, n, 100000, "step storm")
	}
	return n
}

func (g *rig) write(off uint64, data []byte) member.Effects {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: 0x0001, Addr: testBAR0 + off, Data: data}})
}

func (g *rig) read(off uint64, n int) []byte {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: 0x0001, Addr: testBAR0 + off, Len: n}}).ReadData
}

func (g *rig) common(f spec.CommonCfgField, v uint32) member.Effects {
	info, ok := spec.LookupCommonCfgField(uint32(f))
	require.True(g.t, ok)
	return g.write(uint64(f), binary.LittleEndian.AppendUint64(nil, uint64(v))[:info.Size])
}

func (g *rig) commonRead(f spec.CommonCfgField) uint32 {
	info, _ := spec.LookupCommonCfgField(uint32(f))
	b := append(g.read(uint64(f), info.Size), 0, 0, 0, 0)
	return binary.LittleEndian.Uint32(b)
}

func (g *rig) admin(op uint16, data []byte, capacity int) member.AdminCompletion {
	n := len(g.comps)
	g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: uint64(n + 1), Opcode: op, Data: data, ResultCap: capacity}})
	require.Len(g.t, g.comps, n+1, "admin completion expected at once")
	return g.comps[n]
}

// modeSet sends the edition's DEV_MODE_SET for m.
func (g *rig) modeSet(m spec.Mode) member.AdminCompletion {
	if g.in.Config().Edition == spec.Draft2023 {
		return g.admin(uint16(spec.DraftOpDevModeSet), []byte{uint8(m), 0, 0, 0, 0, 0, 0, 0}, 0)
	}
	f := byte(0)
	if m == spec.ModeStop {
		f = spec.DevModeFlagStopped
	}
	return g.admin(uint16(spec.OpDevModeSet), []byte{f}, 0)
}

// guest is a small virtio-blk driver.
type guest struct {
	g     *rig
	rings []*virtq.DriverRing
	next  uint64 // next free buffer address
	reqs  map[uint16]*greq
	log   []string
}

// greq is one request of the guest: where its data and status live.
type greq struct {
	q      int
	typ    uint32
	sector uint64
	data   uint64
	n      uint32
	status uint64
}

const (
	ringBase = 0x1_0010_0000
	bufBase  = 0x400000
	qsize    = 32
)

func ringAt(q int) virtq.Layout { return virtq.NewLayout(ringBase+uint64(q)*0x10000, qsize) }

// setupMSIX programs vector v to address/data pairs that name it.
func (g *rig) setupMSIX(vectors int) {
	for v := 0; v < vectors; v++ {
		e := make([]byte, 16)
		binary.LittleEndian.PutUint64(e, 0xfee00000+uint64(v)*4)
		binary.LittleEndian.PutUint32(e[8:], uint32(0x40+v))
		g.write(pcie.BAR0MSIXTable+uint64(v)*16, e[:8])
		g.write(pcie.BAR0MSIXTable+uint64(v)*16+8, e[8:12])
		g.write(pcie.BAR0MSIXTable+uint64(v)*16+12, e[12:16])
	}
	g.cfgWrite(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, []byte{0, 0x80}) // MSI-X Enable, as the guests' probe
}

// cfgWrite writes data at offset off of the member's configuration space.
func (g *rig) cfgWrite(off uint64, data []byte) member.Effects {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: 0x0001, Addr: off, Data: data}})
}

// newGuest negotiates features and sets up queues 0..live-1 completely;
// DRIVER_OK is set.
func newGuest(g *rig, live int) *guest {
	gu := &guest{g: g, next: bufBase, reqs: map[uint16]*greq{}}
	g.setupMSIX(g.in.MSIXLen())
	g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver))
	f := uint64(g.in.Config().Features)
	g.common(spec.CfgDriverFeatureSelect, 0)
	g.common(spec.CfgDriverFeature, uint32(f))
	g.common(spec.CfgDriverFeatureSelect, 1)
	g.common(spec.CfgDriverFeature, uint32(f>>32))
	g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver|spec.StatusFeaturesOK))
	require.Equal(g.t, uint32(spec.StatusAcknowledge|spec.StatusDriver|spec.StatusFeaturesOK), g.commonRead(spec.CfgDeviceStatus))
	g.common(spec.CfgConfigMSIXVector, 0)
	for q := 0; q < live; q++ {
		gu.setupQueue(q, true)
	}
	g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver|spec.StatusFeaturesOK|spec.StatusDriverOK))
	return gu
}

// setupQueue programs queue q (queue_desc lo then hi, …). With complete
// false it stops after queue_desc lo.
func (gu *guest) setupQueue(q int, complete bool) {
	g := gu.g
	l := ringAt(q)
	if len(gu.rings) <= q {
		gu.rings = append(gu.rings, make([]*virtq.DriverRing, q+1-len(gu.rings))...)
	}
	d, err := virtq.NewDriverRing(g.mem, 0x0001, l)
	require.NoError(g.t, err)
	gu.rings[q] = d
	g.common(spec.CfgQueueSelect, uint32(q))
	g.common(spec.CfgQueueSize, qsize)
	g.common(spec.CfgQueueMSIXVector, uint32(q+1))
	g.common(spec.CfgQueueDescLo, uint32(l.Desc))
	if !complete {
		return
	}
	gu.finishQueue(q)
}

// finishQueue writes the rest of queue q's setup after queue_desc lo.
func (gu *guest) finishQueue(q int) {
	g := gu.g
	l := ringAt(q)
	g.common(spec.CfgQueueDescHi, uint32(l.Desc>>32))
	g.common(spec.CfgQueueDriverLo, uint32(l.Avail))
	g.common(spec.CfgQueueDriverHi, uint32(l.Avail>>32))
	g.common(spec.CfgQueueDeviceLo, uint32(l.Used))
	g.common(spec.CfgQueueDeviceHi, uint32(l.Used>>32))
	g.common(spec.CfgQueueEnable, 1)
}

// submit posts a request (without kicking).
func (gu *guest) submit(q int, typ uint32, sector uint64, data []byte, n uint32) {
	g := gu.g
	hdr := gu.next
	gu.next += 0x1000
	h := make([]byte, 16)
	binary.LittleEndian.PutUint32(h, typ)
	binary.LittleEndian.PutUint64(h[8:], sector)
	require.NoError(g.t, g.mem.WriteMem(0x0001, hdr, h))
	r := &greq{q: q, typ: typ, sector: sector, data: hdr + 16, n: n, status: hdr + 16 + uint64(n)}
	bufs := []virtq.Buffer{{Addr: hdr, Len: 16}}
	switch typ {
	case tOut:
		require.NoError(g.t, g.mem.WriteMem(0x0001, r.data, data))
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: n})
	case tFlush:
	default:
		bufs = append(bufs, virtq.Buffer{Addr: r.data, Len: n, Writable: true})
	}
	bufs = append(bufs, virtq.Buffer{Addr: r.status, Len: 1, Writable: true})
	head, err := gu.rings[q].Add(bufs)
	require.NoError(g.t, err)
	require.NoError(g.t, gu.rings[q].Publish())
	gu.reqs[uint16(q)<<8|head] = r
}

func (gu *guest) kick(q int) member.Effects {
	return gu.g.write(pcie.BAR0Notify+uint64(q)*pcie.NotifyMultiplier, []byte{byte(q), 0})
}

// harvest collects used entries of every queue into the log: queue, head,
// length, status and for IN/GET_ID the data read.
func (gu *guest) harvest() {
	g := gu.g
	for q, d := range gu.rings {
		if d == nil {
			continue
		}
		used, err := d.Harvest()
		require.NoError(g.t, err)
		for _, u := range used {
			r := gu.reqs[uint16(q)<<8|uint16(u.ID)]
			require.NotNil(g.t, r, "q%d head %d", q, u.ID)
			st := make([]byte, 1)
			require.NoError(g.t, g.mem.ReadMem(0x0001, r.status, st))
			entry := []byte{byte(q), byte(u.ID), byte(u.Len), st[0]}
			if r.typ == tIn || r.typ == tGetID {
				data := make([]byte, r.n)
				require.NoError(g.t, g.mem.ReadMem(0x0001, r.data, data))
				entry = append(entry, data...)
			}
			gu.log = append(gu.log, string(entry))
		}
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
