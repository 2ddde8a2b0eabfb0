package devicetest

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
	rigRID  = pcie.RID(0x0109)
	rigBAR0 = uint64(0xfe000000)
	// rigHost is the requester of host (vCPU) TLPs.
	rigHost = pcie.RID(0x0001)
	// rigQueues is num_queues of a test device; rigCtrlQueues that of a
	// virtio-net device whose control virtqueue a test drives: one queue
	// pair and the control queue (virtio spec, "Network Device",
	// "Virtqueues": controlq is queue 2N).
	rigQueues     = 2
	rigCtrlQueues = 3
)

// numQueues is num_queues of the check's devices.
func (c *check) numQueues() int {
	if c.ctrl {
		return rigCtrlQueues
	}
	return rigQueues
}

// rig is one device under test with its memory, disk and the effects it
// produced that are not consumed yet.
type rig struct {
	c    *check
	dev  member.Device
	mem  *virtq.GuestMemory
	rec  virtq.Recorder
	disk *blk.Disk
	// port is a virtio-net device's attachment to its link (nil for
	// virtio-blk): the frames it put on the wire are the link's.
	port  *membernet.Port
	steps []member.Step
	irqs  []pcie.MSIXMessage
	comps []member.AdminCompletion
	tmrs  []member.Timer
	tag   uint64
}

// newRig builds a device over disk and mem (nil: fresh ones); a
// virtio-net device gets a port of its own, on a link of its own, instead
// of the disk.
func (c *check) newRig(disk *blk.Disk, mem *virtq.GuestMemory) *rig {
	return c.newRigOn(disk, mem, nil)
}

// newRigOn is newRig with a virtio-net device's port on link (nil: a link
// of its own), as a migration's destination shares its source's network.
func (c *check) newRigOn(disk *blk.Disk, mem *virtq.GuestMemory, link *membernet.Link) *rig {
	if disk == nil {
		disk = blk.NewDisk(1024, "conformance-disk")
	}
	if mem == nil {
		mem = virtq.NewGuestMemory()
	}
	g := &rig{c: c, mem: mem, disk: disk}
	obs := &virtq.Observer{Port: mem, Hook: g.rec.Hook}
	var backing any = disk
	if c.net { // a virtio-net device's backing is its port on the link
		name := "conformance"
		if link == nil {
			link = membernet.NewLink(0, membernet.DefaultMTU)
		} else {
			name = "destination"
		}
		g.port = link.NewPort(name, membernet.DefaultFIFOFrames)
		backing = g.port
	}
	g.dev = c.factory(member.Config{Edition: c.ed, Rules: c.rules, VF: 1, RID: rigRID, BAR0: rigBAR0,
		NumQueues: uint16(c.numQueues()), MSIXVectors: c.numQueues() + 1, Mem: obs, Backing: backing})
	return g
}

// handle delivers one event and keeps its effects.
func (g *rig) handle(ev member.Event) member.Effects {
	fx := g.dev.Handle(ev)
	g.steps = append(g.steps, fx.Steps...)
	g.irqs = append(g.irqs, fx.Interrupts...)
	g.comps = append(g.comps, fx.Completions...)
	g.tmrs = append(g.tmrs, fx.Timers...)
	return fx
}

// run delivers the pending steps in FIFO order, and the steps they ask
// for, until none is left.
func (g *rig) run() {
	for n := 0; len(g.steps) > 0; n++ {
		if n > 100000 {
			g.c.fatalf("the device keeps asking for steps (more than 100000 in a row)")
		}
		s := g.steps[0]
		g.steps = g.steps[1:]
		g.handle(member.Event{Kind: member.EvStep, Step: s})
	}
}

// fire delivers the expiry of every timer asked for so far.
func (g *rig) fire() {
	t := g.tmrs
	g.tmrs = nil
	for _, tm := range t {
		g.handle(member.Event{Kind: member.EvTimer, Timer: tm.ID})
	}
}

// quiet forgets the memory accesses and interrupts seen so far.
func (g *rig) quiet() {
	g.rec.Reset()
	g.irqs = nil
}

func (g *rig) write(off uint64, data []byte) member.Effects {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: rigHost, Addr: rigBAR0 + off, Data: data}})
}

// read reads n bytes of BAR0; a read that does not return n bytes fails
// the check.
func (g *rig) read(off uint64, n int) []byte {
	fx := g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: rigHost, Addr: rigBAR0 + off, Len: n}})
	if len(fx.ReadData) != n {
		g.c.fatalf("a read of %d bytes at BAR0+%#x returned %d bytes", n, off, len(fx.ReadData))
	}
	return fx.ReadData
}

// cfgRead reads n bytes of configuration space.
func (g *rig) cfgRead(off uint64, n int) []byte {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: rigHost, Completer: rigRID, Addr: off, Len: n}}).ReadData
}

// common writes a common-configuration field with its own width.
func (g *rig) common(f spec.CommonCfgField, v uint64) member.Effects {
	info, ok := spec.LookupCommonCfgField(uint32(f))
	if !ok {
		g.c.fatalf("no common configuration field at %#x", uint32(f))
	}
	return g.write(uint64(f), binary.LittleEndian.AppendUint64(nil, v)[:info.Size])
}

// commonRead reads a common-configuration field with its own width.
func (g *rig) commonRead(f spec.CommonCfgField) uint64 {
	info, _ := spec.LookupCommonCfgField(uint32(f))
	b := append(g.read(uint64(f), info.Size), make([]byte, 8)...)
	return binary.LittleEndian.Uint64(b)
}

// flr writes Initiate FLR to the function's PCIe Device Control.
func (g *rig) flr() member.Effects {
	return g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: rigHost, Completer: rigRID,
		Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, 0x80}}})
}

// send sends an admin request and returns its tag; its completion may be
// held.
func (g *rig) send(op uint16, data []byte, capacity int) uint64 {
	g.tag++
	g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: g.tag, Opcode: op, Data: data, ResultCap: capacity}})
	return g.tag
}

// completion returns (and consumes) the completion of tag, if it came.
func (g *rig) completion(tag uint64) (member.AdminCompletion, bool) {
	for i, c := range g.comps {
		if c.Tag == tag {
			g.comps = append(g.comps[:i], g.comps[i+1:]...)
			return c, true
		}
	}
	return member.AdminCompletion{}, false
}

// admin sends a request that must complete at once and returns its
// completion.
func (g *rig) admin(op uint16, data []byte, capacity int) member.AdminCompletion {
	tag := g.send(op, data, capacity)
	c, ok := g.completion(tag)
	if !ok {
		g.c.fatalf("%s, sent with request tag %d: no completion in the effects of the request (no FLR, reset or PM transition is in progress)", g.opLabel(op), tag)
	}
	if c.Status == spec.StatusOK && c.Qualifier != spec.QOK {
		g.c.errorf("ADM-DEV-02", "%s: status OK with qualifier %s, want qualifier 0", g.opLabel(op), c.Qualifier)
	}
	if len(c.Result) > capacity {
		// A command that completed, but wrote past its buffer: a failure
		// under the requirement the test tests even in a set-up step,
		// which the command did not fail (docs/device-protocol.md).
		g.c.errorf(g.c.id, "%s: %d result bytes in a buffer of %d", g.opLabel(op), len(c.Result), capacity)
	}
	return c
}

// opLabel names an admin opcode of the rig's edition for a message, by
// name and number ("DEV_PARTS_GET (opcode 0xf)"), so that neither reads
// as the request's tag.
func (g *rig) opLabel(op uint16) string {
	return fmt.Sprintf("%s (opcode %#x)", g.c.ed.OpcodeName(op), op)
}

// modeSetOp and modeData encode the edition's DEV_MODE_SET.
func modeSetOp(e spec.Edition) uint16 {
	if e == spec.Draft2023 {
		return uint16(spec.DraftOpDevModeSet)
	}
	return uint16(spec.OpDevModeSet)
}

func modeData(e spec.Edition, m spec.Mode) []byte {
	if e == spec.Draft2023 {
		return []byte{uint8(m), 0, 0, 0, 0, 0, 0, 0}
	}
	if m.Quiesced() {
		return []byte{spec.DevModeFlagStopped}
	}
	return []byte{0}
}

// modeSet sends DEV_MODE_SET for m and returns its completion.
func (g *rig) modeSet(m spec.Mode) member.AdminCompletion {
	return g.admin(modeSetOp(g.c.ed), modeData(g.c.ed, m), 0)
}

// mustMode moves the device to m, a set-up step unless the test judges
// DEV_MODE_SET itself (setup.go); a refusal fails it.
func (g *rig) mustMode(m spec.Mode) {
	defer g.c.setUp(stepModeSet, g.c.modeStep(m))()
	if c := g.modeSet(m); c.Status != spec.StatusOK {
		g.c.fatalf("DEV_MODE_SET %s: %s/%s, want OK", g.c.ed.ModeName(m), c.Status, c.Qualifier)
	}
}

// modeGet returns DEV_MODE_GET's mode (draft-2023).
func (g *rig) modeGet() spec.Mode {
	c := g.admin(uint16(spec.DraftOpDevModeGet), nil, 8)
	if c.Status != spec.StatusOK || len(c.Result) == 0 {
		g.c.fatalf("DEV_MODE_GET: %s/%s with %d result bytes, want OK and the mode", c.Status, c.Qualifier, len(c.Result))
	}
	return spec.Mode(c.Result[0])
}

// partsGetData is DEV_PARTS_GET's data for a type and selected headers.
func partsGetData(t spec.PartsGetType, hdrs ...devctx.PartHeader) []byte {
	d := make([]byte, spec.ResourceObjCmdHeaderSize+8)
	d[spec.ResourceObjCmdHeaderSize] = uint8(t)
	for _, h := range hdrs {
		d = h.Append(d)
	}
	return d
}

// partsSet sends DEV_PARTS_SET with encoded parts.
func (g *rig) partsSet(parts []byte) member.AdminCompletion {
	return g.admin(uint16(spec.OpDevPartsSet), append(make([]byte, spec.ResourceObjCmdHeaderSize), parts...), 0)
}

// snapshotCap is the result buffer of a context or parts read.
const snapshotCap = 1 << 16

// state returns the device's state as the owner reads it: the whole
// draft-2023 context (DEV_CTX_DISCARD, then DEV_CTX_READ until nothing
// remains), or the virtio-1.4 DEV_PARTS_GET(ALL) result. It is a set-up
// step unless the test judges the read itself (setup.go).
func (g *rig) state() []byte {
	defer g.c.setUp(stepStateRead, g.stateStep())()
	if g.c.ed == spec.Virtio14 {
		c := g.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetAll), snapshotCap)
		if c.Status != spec.StatusOK {
			g.c.fatalf("DEV_PARTS_GET(ALL): %s/%s, want OK", c.Status, c.Qualifier)
		}
		return c.Result
	}
	if c := g.admin(uint16(spec.DraftOpDevCtxDiscard), nil, 0); c.Status != spec.StatusOK {
		g.c.fatalf("DEV_CTX_DISCARD: %s/%s, want OK", c.Status, c.Qualifier)
	}
	return devctx.EncodeDraftContext(devctx.DraftContext{Fields: g.readContext(snapshotCap)})
}

// stateStep names the set-up step of reading the state back.
func (g *rig) stateStep() string {
	if g.c.ed == spec.Virtio14 {
		return "the read of the state (DEV_PARTS_GET(ALL))"
	}
	return "the read of the context (DEV_CTX_DISCARD, DEV_CTX_READ)"
}

// readContext reads the draft-2023 context with DEV_CTX_READs of capacity
// bytes until nothing remains, and returns the fields; a set-up step
// unless the test judges the read itself.
func (g *rig) readContext(capacity int) []devctx.Field {
	defer g.c.setUp(stepStateRead, "the read of the context (DEV_CTX_READ)")()
	var fields []devctx.Field
	for i := 0; ; i++ {
		if i > 64 {
			g.c.fatalf("DEV_CTX_READ: still data remaining after 64 reads")
		}
		c := g.admin(uint16(spec.DraftOpDevCtxRead), nil, capacity)
		if c.Status != spec.StatusOK {
			g.c.fatalf("DEV_CTX_READ: %s/%s, want OK", c.Status, c.Qualifier)
		}
		r, err := devctx.DecodeCtxReadResult(c.Result)
		if err != nil {
			g.c.fatalf("DEV_CTX_READ result: %v", err)
		}
		ctx, err := devctx.DecodeDraftContext(r.Ctx)
		if err != nil {
			g.c.fatalf("DEV_CTX_READ context: %v", err)
		}
		fields = append(fields, ctx.Fields...)
		if r.Remaining == 0 {
			return fields
		}
	}
}

// String names the rig's device for messages.
func (g *rig) String() string { return fmt.Sprintf("%s device", g.c.ed) }
