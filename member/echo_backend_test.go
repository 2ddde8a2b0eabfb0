package member_test

import (
	"encoding/binary"
	"errors"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// echo is a one-queue device type that exists only in this test, to prove
// the core runs a backend other than blk: a request's readable bytes are
// copied into its writable buffers. Its device state is the count of
// echoed requests and a one-byte tag the driver may write; it travels as a
// device-type draft field and as a device-specific part (type 0x200).
const (
	echoField  = spec.FieldDeviceTypeFirst
	echoPart   = spec.PartNetCVQCfg // the first device-specific part type
	echoCfgLen = 9                  // le64 echoed (read-only); u8 tag
	echoTagOff = 8
)

var echoType = member.DeviceType{
	Name: "echo", DeviceID: 0x3f, Features: spec.Features(1 << spec.FeatureVersion1),
	ConfigLen: echoCfgLen, NewBackend: newEcho,
}

// echoHost is the echo's host side: when gated, each request needs a
// credit the host grants (the way an rx buffer needs a packet).
type echoHost struct {
	gated   bool
	credits int
}

type echo struct {
	mem    pcie.MemoryPort
	rid    pcie.RID
	host   *echoHost
	echoed uint64
	tag    uint8
}

func newEcho(c member.Config) member.Backend {
	h, _ := c.Backing.(*echoHost)
	if h == nil {
		h = &echoHost{}
	}
	return &echo{mem: c.Mem, rid: c.RID, host: h}
}

func (e *echo) Reset()                { e.echoed, e.tag = 0, 0 }
func (e *echo) Clone() member.Backend { c := *e; return &c }
func (e *echo) state() []byte         { return append(binary.LittleEndian.AppendUint64(nil, e.echoed), e.tag) }

func (e *echo) setState(v []byte) error {
	if len(v) != echoCfgLen {
		return fmt.Errorf("echo: state of %d bytes, want %d", len(v), echoCfgLen)
	}
	e.echoed, e.tag = binary.LittleEndian.Uint64(v), v[echoTagOff]
	return nil
}

func (e *echo) Fields() []devctx.Field { return []devctx.Field{{Type: echoField, Value: e.state()}} }
func (e *echo) Parts() []devctx.Part   { return []devctx.Part{devctx.NewPart(echoPart, e.state())} }

func (e *echo) ApplyField(f devctx.Field, _ spec.Features) (bool, error) {
	if f.Type != echoField {
		return false, nil
	}
	return true, e.setState(f.Value)
}

func (e *echo) ApplyPart(p devctx.Part, _ spec.Features) (bool, error) {
	if p.Type != echoPart {
		return false, nil
	}
	return true, e.setState(p.Value)
}

func (e *echo) ReadConfig() []byte { return e.state() }

func (e *echo) CheckConfigWrite(off uint64, data []byte, _ spec.Features) (string, error) {
	if off != echoTagOff || len(data) != 1 {
		return "", errors.New("echo: read-only")
	}
	return "tag", nil
}

func (e *echo) WriteConfig(_ uint64, data []byte) { e.tag = data[0] }

func (e *echo) HostChange() member.HostChange {
	if e.host.credits > 0 {
		return member.HostChange{What: "credits", Queues: []uint16{0}}
	}
	return member.HostChange{What: "no credits"}
}

func (e *echo) ApplyHostChange() string { return "nothing to apply" }

// echoOp is the readable length of the chain, decoded at fetch.
type echoOp struct{ n int }

func (e *echo) Fetch(r *member.Request) error {
	n := 0
	for _, s := range r.Chain {
		if !s.Writable {
			n += int(s.Len)
		}
	}
	r.Op = echoOp{n}
	return nil
}

func (e *echo) Execute(r *member.Request) error {
	if e.host.gated {
		if e.host.credits == 0 {
			return member.ErrNotReady
		}
		e.host.credits--
	}
	data, err := virtq.Gather(e.mem, e.rid, r.Chain, r.Op.(echoOp).n)
	if err != nil {
		return err
	}
	if r.Written, err = virtq.Scatter(e.mem, e.rid, r.Chain, data); err != nil {
		return err
	}
	e.echoed++
	return nil
}

func (e *echo) Complete(*member.Request) error { return nil }

// echoRig builds an echo member over host (nil: ungated) with queue 0 live.
func echoRig(t *testing.T, e spec.Edition, r spec.Rules, host *echoHost, mem *virtq.GuestMemory) (*rig, *guest) {
	g := newRigFor(t, e, r, 1, mem, func(c member.Config) member.Device {
		c.Backing = host
		return member.NewCore(c, echoType)
	})
	return g, newGuest(g, 1)
}

// echoSubmit posts one request carrying msg on queue 0 and kicks.
func (gu *guest) echoSubmit(msg string) {
	g := gu.g
	in, out := gu.next, gu.next+0x800
	gu.next += 0x1000
	require.NoError(g.t, g.mem.WriteMem(0x0001, in, []byte(msg)))
	head, err := gu.rings[0].Add([]virtq.Buffer{{Addr: in, Len: uint32(len(msg))}, {Addr: out, Len: 64, Writable: true}})
	require.NoError(g.t, err)
	gu.reqs[head] = &greq{data: out}
	require.NoError(g.t, gu.rings[0].Publish())
	gu.kick(0)
}

// echoUsed harvests queue 0 and returns what each used buffer holds, in
// used-ring order.
func (gu *guest) echoUsed() []string {
	g := gu.g
	used, err := gu.rings[0].Harvest()
	require.NoError(g.t, err)
	var out []string
	for _, u := range used {
		r := gu.reqs[uint16(u.ID)]
		require.NotNil(g.t, r, "head %d", u.ID)
		buf := make([]byte, u.Len)
		require.NoError(g.t, g.mem.ReadMem(0x0001, r.data, buf))
		out = append(out, string(buf))
	}
	return out
}

// echoCount reads the echoed count from the device configuration.
func (g *rig) echoCount() uint64 {
	return binary.LittleEndian.Uint64(g.read(pcie.BAR0DeviceCfg, 8))
}

func TestEchoBackendRequestsComplete(t *testing.T) {
	for _, e := range spec.Editions {
		g, gu := echoRig(t, e, spec.DefaultRules(e), nil, nil)
		gu.echoSubmit("hello")
		gu.echoSubmit("world")
		g.run(-1)
		assert.Equal(t, []string{"hello", "world"}, gu.echoUsed(), "%s", e)
		assert.Equal(t, uint64(2), g.echoCount())
		assert.Len(t, g.irqs, 2, "one used-buffer interrupt per request")
	}
}

func TestEchoBackendQuiescedByModes(t *testing.T) {
	for _, e := range spec.Editions {
		r, err := spec.ParseRules(e, nil)
		require.NoError(t, err)
		if e == spec.Draft2023 {
			r, err = spec.ParseRules(e, []string{"freeze-notify=latch"})
			require.NoError(t, err)
		}
		for _, m := range e.Modes() {
			if !m.Quiesced() {
				continue
			}
			g, gu := echoRig(t, e, r, nil, nil)
			require.Equal(t, spec.StatusOK, g.modeSet(m).Status)
			g.rec.Reset()
			g.irqs = nil
			gu.echoSubmit("later")
			g.run(-1)
			assert.Empty(t, g.rec.Accesses, "%s %s: no DMA", e, m)
			assert.Empty(t, g.irqs, "%s %s: no interrupt", e, m)
			require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
			g.run(-1)
			assert.Equal(t, []string{"later"}, gu.echoUsed(), "%s %s: served at the move to Active", e, m)
		}
	}
}

func TestEchoBackendPartsRoundTrip(t *testing.T) {
	r := spec.DefaultRules(spec.Virtio14)
	src, gu := echoRig(t, spec.Virtio14, r, nil, nil)
	gu.echoSubmit("a")
	gu.echoSubmit("b")
	src.run(-1)
	src.write(pcie.BAR0DeviceCfg+echoTagOff, []byte{0x5a})
	require.Equal(t, spec.StatusOK, src.modeSet(spec.ModeStop).Status)
	get := src.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetAll), 1<<12)
	require.Equal(t, spec.StatusOK, get.Status)
	ps, err := devctx.DecodeParts(get.Result, devctx.DecodeOptions{Complete: true})
	require.NoError(t, err, "the device part follows the common ones in the required order")
	last := ps.List[len(ps.List)-1]
	assert.Equal(t, echoPart, last.Type)
	assert.Equal(t, []byte{2, 0, 0, 0, 0, 0, 0, 0, 0x5a}, last.Value)

	dst, _ := echoRig(t, spec.Virtio14, r, nil, src.mem.Clone())
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeStop).Status)
	set := dst.admin(uint16(spec.OpDevPartsSet), append(make([]byte, objHeaderSize), get.Result...), 0)
	require.Equal(t, spec.StatusOK, set.Status, "%v", dst.notes)
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeActive).Status)
	assert.Equal(t, src.dev.ContextDigest(), dst.dev.ContextDigest(), "every part, the device one included")
	assert.Equal(t, uint64(2), dst.echoCount())
	assert.Equal(t, []byte{0x5a}, dst.read(pcie.BAR0DeviceCfg+echoTagOff, 1))
}

func TestEchoBackendRejectedSetChangesNothing(t *testing.T) {
	g, gu := echoRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14), nil, nil)
	gu.echoSubmit("x")
	g.run(-1)
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	d := g.dev.ContextDigest()
	good := devctx.NewPart(echoPart, []byte{99, 0, 0, 0, 0, 0, 0, 0, 1})
	cases := [][]devctx.Part{
		{good, devctx.NewVQPart(spec.PartVQCfg, 7, make([]byte, spec.VQCfgSize))}, // the core refuses the second part
		{devctx.NewPart(echoPart, []byte{1, 2, 3})},                               // the backend refuses its own
	}
	for i, ps := range cases {
		c := g.partsSet(ps...)
		assert.Equal(t, spec.StatusEINVAL, c.Status, "case %d", i)
		assert.Equal(t, d, g.dev.ContextDigest(), "case %d", i)
		assert.Zero(t, g.in.LatchedParts(), "case %d", i)
	}
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
	assert.Equal(t, uint64(1), g.echoCount(), "the valid part of a rejected SET was not applied")
}

func TestEchoBackendDraftFieldRoundTrip(t *testing.T) {
	r := spec.DefaultRules(spec.Draft2023)
	src, gu := echoRig(t, spec.Draft2023, r, nil, nil)
	gu.echoSubmit("draft")
	src.run(-1)
	require.Equal(t, spec.StatusOK, src.modeSet(spec.ModeFreeze).Status)
	read := src.admin(uint16(spec.DraftOpDevCtxRead), nil, 1<<12)
	require.Equal(t, spec.StatusOK, read.Status)
	ctx := decodeRead(t, read.Result)
	last := ctx.Fields[len(ctx.Fields)-1]
	assert.Equal(t, echoField, last.Type, "the device-type field sorts after the common ones")

	dst, _ := echoRig(t, spec.Draft2023, r, nil, src.mem.Clone())
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeFreeze).Status)
	require.Equal(t, spec.StatusOK, dst.admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(ctx), 0).Status)
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeActive).Status)
	assert.Equal(t, uint64(1), dst.echoCount())

	blkCfg := devctx.EncodeDraftContext(devctx.DraftContext{Fields: []devctx.Field{devctx.DevCfgField(make([]byte, 36))}})
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeFreeze).Status)
	c := dst.admin(uint16(spec.DraftOpDevCtxWrite), blkCfg, 0)
	assert.Equal(t, spec.StatusEINVAL, c.Status, "a blk DEV_CFG is no echo field")
	assert.Contains(t, dst.notes[len(dst.notes)-1], "not supported by echo")
}

func TestEchoBackendConfigWriteFollowsModes(t *testing.T) {
	r := spec.DefaultRules(spec.Virtio14)
	r.StopConfigWrite = spec.StopConfigIgnore
	g, _ := echoRig(t, spec.Virtio14, r, nil, nil)
	g.write(pcie.BAR0DeviceCfg+echoTagOff, []byte{1})
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	g.write(pcie.BAR0DeviceCfg+echoTagOff, []byte{2})
	assert.Equal(t, "tag write ignored in stopped (stop-config-write=ignore)", g.notes[len(g.notes)-1])
	g.write(pcie.BAR0DeviceCfg, []byte{7})
	assert.Equal(t, "echo: read-only", g.notes[len(g.notes)-1], "the backend's refusal is the note")
	assert.Equal(t, []byte{1}, g.read(pcie.BAR0DeviceCfg+echoTagOff, 1))
}

// A request the backend cannot serve yet (ErrNotReady) stays taken; a host
// change that names its queue, or the move to Active, serves it.
func TestEchoBackendWaitsForHost(t *testing.T) {
	host := &echoHost{gated: true}
	g, gu := echoRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14), host, nil)
	gu.echoSubmit("rx")
	g.run(-1)
	assert.Empty(t, gu.echoUsed(), "no credit: the request waits")
	assert.Equal(t, 1, g.in.Taken(0))
	host.credits = 1
	g.handle(member.Event{Kind: member.EvBackend})
	g.run(-1)
	assert.Equal(t, []string{"rx"}, gu.echoUsed())

	gu.echoSubmit("later")
	g.run(-1)
	require.Equal(t, 1, g.in.Taken(0))
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	host.credits = 1
	g.rec.Reset()
	g.handle(member.Event{Kind: member.EvBackend})
	g.run(-1)
	assert.Empty(t, g.rec.Accesses, "stopped: the host change waits")
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
	g.run(-1)
	assert.Equal(t, []string{"later"}, gu.echoUsed())
}
