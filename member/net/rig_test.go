package net

import (
	"encoding/binary"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

const (
	testRID  = pcie.RID(0x0109)
	drvRID   = pcie.RID(0x0001)
	testBAR0 = uint64(0xfe000000)
	ringBase = 0x1_0010_0000
	bufBase  = 0x400000
	qsize    = 64
	// Queues of the default device (4 pairs): rx0 0, tx0 1, rx1 2, …,
	// the control queue 8 with MQ (2 without).
	ctrlMQ = 8
)

// rig is a virtio-net member (the core with this backend) on a port of a
// link, over an observed guest memory, with a FIFO step scheduler.
type rig struct {
	t     testing.TB
	ed    spec.Edition
	mem   *virtq.GuestMemory
	rec   virtq.Recorder
	link  *Link
	port  *Port
	dev   member.Device
	steps []member.Step
	irqs  []pcie.MSIXMessage
	comps []member.AdminCompletion
	tmrs  []member.Timer
	notes []string
}

// newRig builds a member of edition e with rules r on a new port name of
// link (nil: a new link of seed 7, mtu 1500) over mem (nil: new memory).
func newRig(t testing.TB, e spec.Edition, r spec.Rules, link *Link, name string, mem *virtq.GuestMemory) *rig {
	if link == nil {
		link = NewLink(7, DefaultMTU)
	}
	if mem == nil {
		mem = virtq.NewGuestMemory()
	}
	g := &rig{t: t, ed: e, mem: mem, link: link, port: link.NewPort(name, 16)}
	g.dev = New(member.Config{Edition: e, Rules: r, VF: 1, RID: testRID, BAR0: testBAR0, QueueSizeMax: qsize,
		Mem: &virtq.Observer{Port: mem, Hook: g.rec.Hook}, Backing: g.port})
	return g
}

func (g *rig) handle(ev member.Event) member.Effects {
	fx := g.dev.Handle(ev)
	g.steps = append(g.steps, fx.Steps...)
	g.irqs = append(g.irqs, fx.Interrupts...)
	g.comps = append(g.comps, fx.Completions...)
	g.tmrs = append(g.tmrs, fx.Timers...)
	g.notes = append(g.notes, fx.Notes...)
	return fx
}

// run delivers pending steps in FIFO order until none is left.
func (g *rig) run() {
	for n := 0; len(g.steps) > 0; n++ {
		require.Less(g.t, n, 100000, "step storm")
		s := g.steps[0]
		g.steps = g.steps[1:]
		g.handle(member.Event{Kind: member.EvStep, Step: s})
	}
}

func (g *rig) write(off uint64, data []byte) member.Effects {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: drvRID, Addr: testBAR0 + off, Data: data}})
}

func (g *rig) read(off uint64, n int) []byte {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: drvRID, Addr: testBAR0 + off, Len: n}}).ReadData
}

func (g *rig) common(f spec.CommonCfgField, v uint32) {
	info, ok := spec.LookupCommonCfgField(uint32(f))
	require.True(g.t, ok)
	g.write(uint64(f), binary.LittleEndian.AppendUint32(nil, v)[:info.Size])
}

func (g *rig) commonRead(f spec.CommonCfgField) uint32 {
	info, _ := spec.LookupCommonCfgField(uint32(f))
	return binary.LittleEndian.Uint32(append(g.read(uint64(f), info.Size), 0, 0, 0, 0))
}

// config reads virtio_net_config.
func (g *rig) config() []byte { return g.read(pcie.BAR0DeviceCfg, configLen) }

// backend delivers EvBackend (frames arrived, link or announce changed).
func (g *rig) backend() member.Effects { return g.handle(member.Event{Kind: member.EvBackend}) }

func (g *rig) admin(op uint16, data []byte) member.AdminCompletion {
	n := len(g.comps)
	g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: uint64(n + 1), Opcode: op, Data: data, ResultCap: 1 << 20}})
	require.Len(g.t, g.comps, n+1, "admin completion expected at once")
	return g.comps[n]
}

// modeSet sends the edition's DEV_MODE_SET for m and requires success.
func (g *rig) modeSet(m spec.Mode) {
	var c member.AdminCompletion
	if g.ed == spec.Draft2023 {
		c = g.admin(uint16(spec.DraftOpDevModeSet), []byte{uint8(m), 0, 0, 0, 0, 0, 0, 0})
	} else {
		f := byte(0)
		if m.Quiesced() {
			f = spec.DevModeFlagStopped
		}
		c = g.admin(uint16(spec.OpDevModeSet), []byte{f})
	}
	require.Equal(g.t, spec.StatusOK, c.Status, "DEV_MODE_SET %s", m)
}

// partsGet returns DEV_PARTS_GET ALL, decoded with every order rule.
func (g *rig) partsGet() []devctx.Part {
	data := append(make([]byte, spec.ResourceObjCmdHeaderSize), uint8(spec.PartsGetAll), 0, 0, 0, 0, 0, 0, 0)
	c := g.admin(uint16(spec.OpDevPartsGet), data)
	require.Equal(g.t, spec.StatusOK, c.Status)
	ps, err := devctx.DecodeParts(c.Result, devctx.DecodeOptions{Complete: true})
	require.NoError(g.t, err)
	return ps.List
}

// partsSet sends DEV_PARTS_SET with the parts.
func (g *rig) partsSet(ps ...devctx.Part) member.AdminCompletion {
	return g.admin(uint16(spec.OpDevPartsSet), append(make([]byte, spec.ResourceObjCmdHeaderSize), devctx.EncodeParts(ps)...))
}

// ctxRead returns a full draft DEV_CTX_READ (DEV_CTX_DISCARD first, so it
// is never incremental).
func (g *rig) ctxRead() []byte {
	require.Equal(g.t, spec.StatusOK, g.admin(uint16(spec.DraftOpDevCtxDiscard), nil).Status)
	c := g.admin(uint16(spec.DraftOpDevCtxRead), nil)
	require.Equal(g.t, spec.StatusOK, c.Status)
	r, err := devctx.DecodeCtxReadResult(c.Result)
	require.NoError(g.t, err)
	require.Zero(g.t, r.Remaining)
	return r.Ctx
}

// flr initiates an FLR and lets its 100 ms pass.
func (g *rig) flr() {
	g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: drvRID, Completer: testRID,
		Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, 0x80}}})
	require.NotEmpty(g.t, g.tmrs)
	g.handle(member.Event{Kind: member.EvTimer, Timer: member.TimerFLR})
	g.run()
}

// spec14Config is the configuration of a backend built directly: the
// default queues and features, virtio-1.4 rules.
func spec14Config() member.Config {
	return member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), NumQueues: 9,
		Features: DefaultFeatures, Mem: virtq.NewGuestMemory(), RID: testRID}
}

// runOnly delivers the pending steps of kind k, in FIFO order, and keeps
// the others pending (to stop a request between its steps).
func (g *rig) runOnly(k member.StepKind) {
	for n := 0; ; n++ {
		require.Less(g.t, n, 100000, "step storm")
		i := slices.IndexFunc(g.steps, func(s member.Step) bool { return s.Kind == k })
		if i < 0 {
			return
		}
		s := g.steps[i]
		g.steps = slices.Delete(g.steps, i, i+1)
		g.handle(member.Event{Kind: member.EvStep, Step: s})
	}
}
