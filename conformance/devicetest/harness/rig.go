package harness

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// The device tests drive one device (or a source and a destination) the
// way a host would, through the member contract only: events in, effects
// out, guest memory behind an observed port, the disk behind Backing. What
// they judge is what a host observes: the bytes of reads, admin statuses,
// memory accesses, MSI-X messages, and the context bytes the admin
// commands return. A device's own Status and ContextDigest are never
// trusted.

// Addresses of a test device.
const (
	RigRID  = pcie.RID(0x0109)
	RigBAR0 = uint64(0xfe000000)
	// RigHost is the requester of host (vCPU) TLPs.
	RigHost = pcie.RID(0x0001)
	// RigQueues is num_queues of a test device; rigCtrlQueues that of a
	// virtio-net device whose control virtqueue a test drives: one queue
	// pair and the control queue (virtio spec, "Network Device",
	// "Virtqueues": controlq is queue 2N).
	RigQueues     = 2
	rigCtrlQueues = 3
)

// numQueues is num_queues of the check's devices: a multiqueue test's
// pairs and the control queue (virtio spec, "Network Device",
// "Virtqueues": controlq is queue 2·max_virtqueue_pairs with
// VIRTIO_NET_F_MQ).
func (c *Check) numQueues() int {
	if c.Pairs > 1 {
		return 2*c.Pairs + 1
	}
	if c.Ctrl {
		return rigCtrlQueues
	}
	return RigQueues
}

// Rig is one device under test with its memory, disk and the effects it
// produced that are not consumed yet.
type Rig struct {
	// Check is the check the rig's failures go to.
	Check *Check
	dev   member.Device
	mem   *virtq.GuestMemory
	// Rec records the device's guest-memory accesses (since Quiet).
	Rec virtq.Recorder
	// Disk is a virtio-blk device's disk.
	Disk *blk.Disk
	// Port is a virtio-net device's attachment to its link (nil for
	// virtio-blk): the frames it put on the wire are the link's.
	Port *membernet.Port
	// Steps are the steps the device asked for and Run has not delivered
	// yet, IRQs the MSI-X messages it sent (since Quiet), Timers the
	// timers it asked for and Fire has not fired.
	Steps  []member.Step
	IRQs   []pcie.MSIXMessage
	comps  []member.AdminCompletion
	Timers []member.Timer
	tag    uint64
	// fullTypes are the field types of the first draft-2023 read after a
	// DEV_CTX_DISCARD (fullRead).
	fullTypes []spec.FieldType
}

// NewRig builds a device over disk and mem (nil: fresh ones); a
// virtio-net device gets a port of its own, on a link of its own, instead
// of the disk.
func (c *Check) NewRig(disk *blk.Disk, mem *virtq.GuestMemory) *Rig {
	return c.newRigOn(disk, mem, nil)
}

// newRigOn is NewRig with a virtio-net device's port on link (nil: a link
// of its own), as a migration's destination shares its source's network.
func (c *Check) newRigOn(disk *blk.Disk, mem *virtq.GuestMemory, link *membernet.Link) *Rig {
	if disk == nil {
		disk = blk.NewDisk(1024, "conformance-disk")
	}
	if mem == nil {
		mem = virtq.NewGuestMemory()
	}
	g := &Rig{Check: c, mem: mem, Disk: disk}
	obs := &virtq.Observer{Port: mem, Hook: g.Rec.Hook}
	var backing any = disk
	if c.Net { // a virtio-net device's backing is its port on the link
		name := "conformance"
		if link == nil {
			mtu := uint16(membernet.DefaultMTU)
			if c.MTU != 0 {
				mtu = c.MTU
			}
			link = membernet.NewLink(0, mtu)
		} else {
			name = "destination"
		}
		g.Port = link.NewPort(name, membernet.DefaultFIFOFrames)
		backing = g.Port
	}
	g.dev = c.Factory(member.Config{Edition: c.Ed, Rules: c.Rules, VF: 1, RID: RigRID, BAR0: RigBAR0,
		NumQueues: uint16(c.numQueues()), MSIXVectors: c.numQueues() + 1, Mem: obs, Backing: backing})
	c.built.Add(g.dev)
	return g
}

// Handle delivers one event and keeps its effects.
func (g *Rig) Handle(ev member.Event) member.Effects {
	fx := g.dev.Handle(ev)
	g.Steps = append(g.Steps, fx.Steps...)
	g.IRQs = append(g.IRQs, fx.Interrupts...)
	g.comps = append(g.comps, fx.Completions...)
	g.Timers = append(g.Timers, fx.Timers...)
	return fx
}

// Run delivers the pending steps in FIFO order, and the steps they ask
// for, until none is left.
func (g *Rig) Run() {
	for n := 0; len(g.Steps) > 0; n++ {
		if n > 100000 {
			g.Check.Fatalf("the device keeps asking for steps (more than 100000 in a row)")
		}
		s := g.Steps[0]
		g.Steps = g.Steps[1:]
		g.Handle(member.Event{Kind: member.EvStep, Step: s})
	}
}

// Fire delivers the expiry of every timer asked for so far.
func (g *Rig) Fire() {
	t := g.Timers
	g.Timers = nil
	for _, tm := range t {
		g.Handle(member.Event{Kind: member.EvTimer, Timer: tm.ID})
	}
}

// Quiet forgets the memory accesses and interrupts seen so far.
func (g *Rig) Quiet() {
	g.Rec.Reset()
	g.IRQs = nil
}

// Write writes data at BAR0+off.
func (g *Rig) Write(off uint64, data []byte) member.Effects {
	return g.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: RigHost, Addr: RigBAR0 + off, Data: data}})
}

// Read reads n bytes of BAR0; a read that does not return n bytes fails
// the check.
func (g *Rig) Read(off uint64, n int) []byte {
	fx := g.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: RigHost, Addr: RigBAR0 + off, Len: n}})
	if len(fx.ReadData) != n {
		g.Check.Fatalf("a read of %d bytes at BAR0+%#x returned %d bytes", n, off, len(fx.ReadData))
	}
	return fx.ReadData
}

// cfgRead reads n bytes of configuration space.
func (g *Rig) CfgRead(off uint64, n int) []byte {
	return g.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: RigHost, Completer: RigRID, Addr: off, Len: n}}).ReadData
}

// Common writes a common-configuration field with its own width.
func (g *Rig) Common(f spec.CommonCfgField, v uint64) member.Effects {
	info, ok := spec.LookupCommonCfgField(uint32(f))
	if !ok {
		g.Check.Fatalf("no common configuration field at %#x", uint32(f))
	}
	return g.Write(uint64(f), binary.LittleEndian.AppendUint64(nil, v)[:info.Size])
}

// CommonRead reads a common-configuration field with its own width.
func (g *Rig) CommonRead(f spec.CommonCfgField) uint64 {
	info, _ := spec.LookupCommonCfgField(uint32(f))
	b := append(g.Read(uint64(f), info.Size), make([]byte, 8)...)
	return binary.LittleEndian.Uint64(b)
}

// FLR writes Initiate FLR to the function's PCIe Device Control.
func (g *Rig) FLR() member.Effects {
	return g.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: RigHost, Completer: RigRID,
		Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, 0x80}}})
}

// Send sends an admin request and returns its tag; its completion may be
// held.
func (g *Rig) Send(op uint16, data []byte, capacity int) uint64 {
	g.tag++
	g.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: g.tag, Opcode: op, Data: data, ResultCap: capacity}})
	return g.tag
}

// Completion returns (and consumes) the completion of tag, if it came.
func (g *Rig) Completion(tag uint64) (member.AdminCompletion, bool) {
	for i, c := range g.comps {
		if c.Tag == tag {
			g.comps = append(g.comps[:i], g.comps[i+1:]...)
			return c, true
		}
	}
	return member.AdminCompletion{}, false
}

// Admin sends a request that must complete at once and returns its
// completion.
func (g *Rig) Admin(op uint16, data []byte, capacity int) member.AdminCompletion {
	tag := g.Send(op, data, capacity)
	c, ok := g.Completion(tag)
	if !ok {
		g.Check.Fatalf("%s, sent with request tag %d: no completion in the effects of the request (no FLR, reset or PM transition is in progress)", g.opLabel(op), tag)
	}
	if c.Status == spec.StatusOK && c.Qualifier != spec.QOK {
		g.Check.Errorf("ADM-DEV-02", "%s: status OK with qualifier %s, want qualifier 0", g.opLabel(op), c.Qualifier)
	}
	if len(c.Result) > capacity {
		// A command that completed, but wrote past its buffer: a failure
		// under the requirement the test tests even in a set-up step,
		// which the command did not fail (docs/device-protocol.md).
		g.Check.Errorf(g.Check.ID, "%s: %d result bytes in a buffer of %d", g.opLabel(op), len(c.Result), capacity)
	}
	return c
}

// opLabel names an admin opcode of the rig's edition for a message, by
// name and number ("DEV_PARTS_GET (opcode 0xf)"), so that neither reads
// as the request's tag.
func (g *Rig) opLabel(op uint16) string {
	return fmt.Sprintf("%s (opcode %#x)", g.Check.Ed.OpcodeName(op), op)
}

// ModeSetOp is the opcode of the edition's DEV_MODE_SET.
func ModeSetOp(e spec.Edition) uint16 {
	if e == spec.Draft2023 {
		return uint16(spec.DraftOpDevModeSet)
	}
	return uint16(spec.OpDevModeSet)
}

// ModeData is the edition's DEV_MODE_SET data for mode m.
func ModeData(e spec.Edition, m spec.Mode) []byte {
	if e == spec.Draft2023 {
		return []byte{uint8(m), 0, 0, 0, 0, 0, 0, 0}
	}
	if m.Quiesced() {
		return []byte{spec.DevModeFlagStopped}
	}
	return []byte{0}
}

// ModeSet sends DEV_MODE_SET for m and returns its completion.
func (g *Rig) ModeSet(m spec.Mode) member.AdminCompletion {
	return g.Admin(ModeSetOp(g.Check.Ed), ModeData(g.Check.Ed, m), 0)
}

// MustMode moves the device to m, a set-up step unless the test judges
// DEV_MODE_SET itself (setup.go); a refusal fails it.
func (g *Rig) MustMode(m spec.Mode) {
	defer g.Check.setUp(StepModeSet, g.Check.modeStep(m))()
	if c := g.ModeSet(m); c.Status != spec.StatusOK {
		g.Check.Fatalf("DEV_MODE_SET %s: %s/%s, want OK", g.Check.Ed.ModeName(m), c.Status, c.Qualifier)
	}
}

// ModeGet returns DEV_MODE_GET's mode (draft-2023).
func (g *Rig) ModeGet() spec.Mode {
	c := g.Admin(uint16(spec.DraftOpDevModeGet), nil, 8)
	if c.Status != spec.StatusOK || len(c.Result) == 0 {
		g.Check.Fatalf("DEV_MODE_GET: %s/%s with %d result bytes, want OK and the mode", c.Status, c.Qualifier, len(c.Result))
	}
	return spec.Mode(c.Result[0])
}

// PartsGetData is DEV_PARTS_GET's data for a type and selected headers.
func PartsGetData(t spec.PartsGetType, hdrs ...devctx.PartHeader) []byte {
	d := make([]byte, spec.ResourceObjCmdHeaderSize+8)
	d[spec.ResourceObjCmdHeaderSize] = uint8(t)
	for _, h := range hdrs {
		d = h.Append(d)
	}
	return d
}

// PartsSet sends DEV_PARTS_SET with encoded parts.
func (g *Rig) PartsSet(parts []byte) member.AdminCompletion {
	return g.Admin(uint16(spec.OpDevPartsSet), append(make([]byte, spec.ResourceObjCmdHeaderSize), parts...), 0)
}

// SnapshotCap is the result buffer of a context or parts read.
const SnapshotCap = 1 << 16

// State returns the device's state as the owner reads it: the whole
// draft-2023 context (DEV_CTX_DISCARD, then DEV_CTX_READ until nothing
// remains), or the virtio-1.4 DEV_PARTS_GET(ALL) result. It is a set-up
// step unless the test judges the read itself (setup.go).
func (g *Rig) State() []byte {
	defer g.Check.setUp(StepStateRead, g.stateStep())()
	if g.Check.Ed == spec.Virtio14 {
		c := g.Admin(uint16(spec.OpDevPartsGet), PartsGetData(spec.PartsGetAll), SnapshotCap)
		if c.Status != spec.StatusOK {
			g.Check.Fatalf("DEV_PARTS_GET(ALL): %s/%s, want OK", c.Status, c.Qualifier)
		}
		return c.Result
	}
	if c := g.Admin(uint16(spec.DraftOpDevCtxDiscard), nil, 0); c.Status != spec.StatusOK {
		g.Check.Fatalf("DEV_CTX_DISCARD: %s/%s, want OK", c.Status, c.Qualifier)
	}
	return devctx.EncodeDraftContext(devctx.DraftContext{Fields: g.fullRead(g.ReadContext(SnapshotCap))})
}

// stateStep names the set-up step of reading the state back.
func (g *Rig) stateStep() string {
	if g.Check.Ed == spec.Virtio14 {
		return "the read of the state (DEV_PARTS_GET(ALL))"
	}
	return "the read of the context (DEV_CTX_DISCARD, DEV_CTX_READ)"
}

// ReadContext reads the draft-2023 context with DEV_CTX_READs of capacity
// bytes until nothing remains, and returns the fields; a set-up step
// unless the test judges the read itself.
func (g *Rig) ReadContext(capacity int) []devctx.Field {
	defer g.Check.setUp(StepStateRead, "the read of the context (DEV_CTX_READ)")()
	var fields []devctx.Field
	for i := 0; ; i++ {
		if i > 64 {
			g.Check.Fatalf("DEV_CTX_READ: still data remaining after 64 reads")
		}
		c := g.Admin(uint16(spec.DraftOpDevCtxRead), nil, capacity)
		if c.Status != spec.StatusOK {
			g.Check.Fatalf("DEV_CTX_READ: %s/%s, want OK", c.Status, c.Qualifier)
		}
		r, err := devctx.DecodeCtxReadResult(c.Result)
		if err != nil {
			g.Check.Fatalf("DEV_CTX_READ result: %v", err)
		}
		ctx, err := devctx.DecodeDraftContext(r.Ctx)
		if err != nil {
			g.Check.Fatalf("DEV_CTX_READ context: %v", err)
		}
		fields = append(fields, ctx.Fields...)
		if r.Remaining == 0 {
			return fields
		}
	}
}

// String names the rig's device for messages.
func (g *Rig) String() string { return fmt.Sprintf("%s device", g.Check.Ed) }
