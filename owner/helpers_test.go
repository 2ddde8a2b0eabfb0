package owner

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

const (
	testPFRID  pcie.RID = 0x0100
	testBAR0            = 0xfe000000
	testRing            = 0x10000
	testBufs            = 0x1000000
	testMemVFs          = 8
)

// fakeMember is a minimal member.Device: it answers admin requests at once,
// or holds them until its FLR timer fires when holdFLR is set (DP-DEV-12).
type fakeMember struct {
	ed      spec.Edition
	vf      int
	mode    spec.Mode
	state   []byte
	pending []byte
	holdFLR bool
	held    []member.AdminRequest
	admins  int
}

func (f *fakeMember) Handle(ev member.Event) member.Effects {
	var fx member.Effects
	switch ev.Kind {
	case member.EvAdmin:
		f.admins++
		if f.holdFLR {
			f.held = append(f.held, ev.Admin)
			return fx
		}
		fx.Completions = append(fx.Completions, f.answer(ev.Admin))
	case member.EvTimer:
		f.holdFLR = false
		for _, r := range f.held {
			fx.Completions = append(fx.Completions, f.answer(r))
		}
		f.held = nil
	case member.EvTLP:
		if ev.TLP.Kind == pcie.CfgWrite && ev.TLP.Addr == pcie.PCIeCapOffset+pcie.PCIeDevCtl {
			f.holdFLR = true
			fx.Timers = append(fx.Timers, member.Timer{ID: member.TimerFLR, Delay: pcie.FLRDurationNs})
		}
		if ev.TLP.Kind == pcie.CfgRead || ev.TLP.Kind == pcie.MemRead {
			fx.ReadData = make([]byte, ev.TLP.Len)
		}
	}
	return fx
}

func (f *fakeMember) answer(r member.AdminRequest) member.AdminCompletion {
	c := member.AdminCompletion{Tag: r.Tag}
	data := field(r.Data, 16)
	if f.ed == spec.Draft2023 {
		switch spec.DraftOpcode(r.Opcode) {
		case spec.DraftOpDevModeSet:
			if data[0] > 2 {
				c.Status, c.Qualifier = spec.StatusEINVAL, spec.QInvalidField
				return c
			}
			f.mode = spec.Mode(data[0])
		case spec.DraftOpDevModeGet:
			c.Result = []byte{byte(f.mode), 0, 0, 0, 0, 0, 0, 0}
		}
		return c
	}
	switch spec.Opcode(r.Opcode) {
	case spec.OpDevModeSet:
		if data[0]&^1 != 0 {
			c.Status, c.Qualifier = spec.StatusEINVAL, spec.QInvalidField
			return c
		}
		if data[0] == 0 {
			f.mode = spec.ModeActive
			if f.pending != nil {
				f.state, f.pending = f.pending, nil
			}
		} else {
			f.mode = spec.ModeStop
		}
	case spec.OpDevPartsMetadataGet:
		c.Result = make([]byte, 8)
		binary.LittleEndian.PutUint32(c.Result, uint32(len(f.state)))
	case spec.OpDevPartsGet:
		c.Result = append([]byte(nil), f.state...)
	case spec.OpDevPartsSet:
		if f.mode != spec.ModeStop {
			c.Status, c.Qualifier = spec.StatusEINVAL, spec.QInvalidField
			return c
		}
		f.pending = append([]byte(nil), tail(r.Data, 8)...)
	}
	return c
}

func (f *fakeMember) Status() member.Status {
	return member.Status{Mode: f.mode, HeldReplies: len(f.held), FLRPending: f.holdFLR}
}

func (f *fakeMember) ContextDigest() uint64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d %x %x", f.mode, f.state, f.pending)
	return h.Sum64()
}

// world is one PF with its host, host memory and driver.
type world struct {
	pf    *PF
	host  *SyncHost
	mem   *virtq.GuestMemory
	drv   *Driver
	fakes map[int]*fakeMember
}

type worldOpt func(*Config, *pcie.PFOptions)

func newWorld(t testing.TB, ed spec.Edition, opts ...worldOpt) *world {
	t.Helper()
	po := pcie.PFOptions{RID: testPFRID, DeviceID: 0x1042, TotalVFs: testMemVFs, FirstVFOffset: 1, VFStride: 1, MSIXVectors: 2}
	w := &world{mem: virtq.NewGuestMemory(), fakes: map[int]*fakeMember{}}
	c := Config{Edition: ed, Mem: w.mem, NumQueues: 1, NewMember: func(vf int, _ pcie.RID, _ uint64) member.Device {
		f := &fakeMember{ed: ed, vf: vf, state: []byte(fmt.Sprintf("state of vf %d", vf))}
		w.fakes[vf] = f
		return f
	}}
	for _, o := range opts {
		o(&c, &po)
	}
	cs, err := pcie.NewPFConfig(po)
	require.NoError(t, err)
	cs.Write(pcie.RegBAR0, 4, uint32(testBAR0))
	c.Config = cs
	pf, err := New(c)
	require.NoError(t, err)
	w.pf = pf
	w.host = NewSyncHost(pf)
	w.drv = NewDriver(w.host, w.mem, DriverConfig{Edition: ed, BAR0: testBAR0, Ring: testRing, Buffers: testBufs, SlotSize: 1 << 16})
	return w
}

// probed returns a world whose driver probed the PF and enabled n VFs.
func probed(t testing.TB, ed spec.Edition, n uint16, opts ...worldOpt) *world {
	t.Helper()
	w := newWorld(t, ed, opts...)
	require.NoError(t, w.drv.Probe())
	if n > 0 {
		require.NoError(t, w.drv.EnableVFs(n))
	}
	return w
}

// raw executes a command without the driver's supported_cmds filter and
// returns its completion.
func (w *world) raw(t testing.TB, c adminq.Command, resultCap int) adminq.Result {
	t.Helper()
	w.drv.unfiltered = true
	defer func() { w.drv.unfiltered = false }()
	tok, err := w.drv.Submit(c, resultCap)
	require.NoError(t, err)
	comp, err := w.drv.Wait(tok)
	require.NoError(t, err)
	return comp.Result
}

// snapshot renders the owner's admin state and every created member's
// digest and status, deterministically.
func (w *world) snapshot() string {
	p := w.pf
	s := fmt.Sprintf("inuse=%x drv=%d/%d vfs=%d", p.admin.inUseList, p.admin.drvGet, p.admin.drvSet, p.NumVFs())
	ids := make([]uint32, 0, len(p.admin.objects))
	for id := range p.admin.objects {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	for _, id := range ids {
		o := p.admin.objects[id]
		s += fmt.Sprintf(" obj%d=vf%d/t%d/b%d", id, o.vf, o.ptype, o.busy)
	}
	for vf := 1; vf <= testMemVFs; vf++ {
		if m, ok := p.Member(vf); ok {
			s += fmt.Sprintf(" vf%d=%x/%+v", vf, m.ContextDigest(), m.Status())
		}
	}
	return s
}

func cmd(op uint16, g spec.GroupType, m uint64, data ...byte) adminq.Command {
	return adminq.Command{Opcode: op, Group: g, Member: m, Data: data}
}

type cmdT = adminq.Command

// objHdr is the encoded header naming DEV_PARTS object id.
func objHdr(id uint32) []byte { return partsObject(id).Encode() }
