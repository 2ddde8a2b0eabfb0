package extdevice

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// device is the kit's side of one external device: it forwards events,
// answers the device's memory and disk requests from its own
// configuration (the world's memory port and disk), and keeps the status
// and context digest of the last reply, so Status and ContextDigest cost
// nothing.
type device struct {
	proc *process
	id   uint64
	vf   int
	rid  pcie.RID
	mem  pcie.MemoryPort
	disk blk.Storage
	// edition is the device's: the modes its status may report.
	edition spec.Edition
	// port is a virtio-net device's port (proxy_net.go), nil for
	// virtio-blk; numQueues its num_queues (0: the device's own).
	port      *membernet.Port
	numQueues int
	// vectors is the size of its MSI-X table (msixTableSize).
	vectors int
	status  member.Status
	digest  uint64
	// chain is the chain of the device's inputs (chain.go).
	chain uint64
	// awaiting are the tags of the admin commands sent to the device and
	// not completed yet, in the order they were sent: a completion must
	// name one of them (tags.go).
	awaiting []uint64
	// released is set by Release: the device is on its way to a drop list.
	released bool
}

var (
	_ member.InputChained = (*device)(nil)
	_ member.Releaser     = (*device)(nil)
)

// newDevice sends `new` for configuration c.
func newDevice(proc *process, id uint64, c member.Config) (*device, *Error) {
	d := &device{proc: proc, id: id, vf: c.VF, rid: c.RID, mem: c.Mem, edition: c.Edition, vectors: msixTableSize(c, proc.info.Type)}
	var wd *Disk
	if s, ok := c.Backing.(blk.Storage); ok {
		if b, isDisk := s.(*blk.Disk); !isDisk || b != nil {
			d.disk = s
			wd = &Disk{Serial: s.Serial(), Capacity: s.Capacity()}
		}
	}
	wc := ConfigToWire(c, wd)
	if proc.info.Type == TypeNet {
		d.disk, wc.Disk = nil, nil
		d.port, d.numQueues = netPort(c), int(c.NumQueues)
		wc.Net = netConfigToWire(d.port)
	}
	proc.mu.Lock()
	defer proc.mu.Unlock()
	if proc.err != nil {
		return nil, proc.err
	}
	x := proc.begin(func() string { return fmt.Sprintf("new device %d (vf %d)", id, c.VF) })
	x.chain = &d.chain
	drops := proc.takeDrops()
	x.send(&Message{Op: OpNew, Dev: id, Config: wc, Drop: drops})
	if x.err != nil && x.err.Limit {
		proc.undrop(drops) // not sent: the next new names them
	}
	m := x.recv()
	if x.expect(m, OpReady) {
		d.state(x, m)
		d.wire(x, m, nil)
		x.done()
	}
	if x.err != nil {
		return nil, x.err
	}
	return d, nil
}

// Release implements member.Releaser: nothing uses the device again, so
// its process may forget it. The next new request to the process names it
// in its drop list (process.drop). What the kit drops, and when, follows
// from when the builders of its devices release them (a world when it is
// closed, a device test when it ends), never from the garbage collector:
// two runs of one command send the same lines.
func (d *device) Release() {
	if d.released {
		return
	}
	d.released = true
	d.proc.drop(d.id)
}

// state takes the status and digest of a reply.
func (d *device) state(x *exchange, m *Message) {
	if missing := missingState(m); missing != "" {
		x.err = x.p.fail(x.desc(), fmt.Sprintf("%s without %s: every ready and effects carries status and digest (docs/device-protocol.md, \"Status and digest\")", m.Op, missing))
		return
	}
	if mode := spec.Mode(m.Status.Mode); !d.edition.HasMode(mode) {
		// The world takes the reported mode for the member's (its contract
		// check, its partial-order reduction): one no edition has would
		// pass for a quiesced or running member unnoticed.
		x.err = x.p.fail(x.desc(), fmt.Sprintf("%s: status.mode: %d is no mode of %s (%s)", m.Op, mode, d.edition, modeList(d.edition)))
		return
	}
	d.status, d.digest = statusFromWire(m.Status), uint64(*m.Digest)
}

// modeList names an edition's modes with their wire values: "0 running, 1 stopped".
func modeList(e spec.Edition) string {
	var s []string
	for _, m := range e.Modes() {
		s = append(s, fmt.Sprintf("%d %s", m, e.ModeName(m)))
	}
	return strings.Join(s, ", ")
}

// wire replays a reply's account of the network side on a virtio-net
// device's port (applyWire); arrived are the frames the request carried.
// A virtio-blk device has no network side to account for.
func (d *device) wire(x *exchange, m *Message, arrived []membernet.Frame) {
	if x.err != nil || m.Wire == nil {
		return
	}
	if d.port == nil {
		x.err = x.p.fail(x.desc(), m.Op+": wire from a device that did not declare type net")
		return
	}
	if err := applyWire(d.port, m.Wire, arrived, d.numQueues); err != nil {
		x.err = x.p.fail(x.desc(), m.Op+": "+err.Error())
	}
}

// missingState names what a ready or effects reply lacks of its status
// and digest ("status", "digest", "status and digest"), or "".
func missingState(m *Message) string {
	switch {
	case m.Status == nil && m.Digest == nil:
		return "status and digest"
	case m.Status == nil:
		return "status"
	case m.Digest == nil:
		return "digest"
	}
	return ""
}

// Handle sends the event and answers the device's nested requests until
// its effects arrive. A protocol error or a device fault panics with the
// *Error.
func (d *device) Handle(ev member.Event) member.Effects {
	fx, err := d.handle(ev)
	if err != nil {
		panic(err)
	}
	return fx
}

func (d *device) handle(ev member.Event) (member.Effects, *Error) {
	if d.released {
		// Its process may have forgotten it: the caller's bug, not the device's.
		panic(fmt.Sprintf("extdevice: event %s for device %d (vf %d) after its Release", describe(ev), d.id, d.vf))
	}
	p := d.proc
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return member.Effects{}, p.err
	}
	x := p.begin(func() string { return fmt.Sprintf("event %s for device %d (vf %d)", describe(ev), d.id, d.vf) })
	x.chain = &d.chain
	req := &Message{Op: OpEvent, Dev: d.id, Event: EventToWire(ev)}
	if d.disk != nil {
		c := d.disk.Capacity()
		req.Capacity = &c
	}
	var arrived []membernet.Frame
	if d.port != nil {
		req.Port, arrived = portToWire(d.port, ev)
	}
	x.send(req)
	var fault *Error
	for x.err == nil {
		m := x.recv()
		if x.err != nil {
			break
		}
		switch m.Op {
		case OpEffects:
			fx, err := effectsFromWire(m, d.rid)
			if err != nil {
				x.err = p.fail(x.desc(), "effects: "+err.Error())
				break
			}
			d.state(x, m)
			d.wire(x, m, arrived)
			d.completions(x, ev, fx.Completions)
			x.done()
			if x.err != nil {
				break
			}
			if f := effectsFault(ev, &fx, d.vectors); f != "" && fault == nil {
				fault = &Error{Command: p.name, Request: x.desc(), Fault: true, What: f}
			}
			if fault != nil {
				return fx, fault
			}
			return fx, nil
		case OpMemRead, OpMemWrite:
			if f := d.memory(x, m); f != "" && fault == nil {
				fault = &Error{Command: p.name, Request: x.desc(), What: f, Fault: true}
			}
		case OpDiskRead, OpDiskWrite, OpDiskFlush:
			d.diskOp(x, m)
		default:
			x.expect(m, OpEffects, OpMemRead, OpMemWrite, OpDiskRead, OpDiskWrite, OpDiskFlush)
		}
	}
	return member.Effects{}, x.err
}

// memory serves a memory request through the device's memory port: a read
// is answered with mem-data, a write is posted (no answer). An access
// outside guest memory is not made: a read is answered with an error, and
// either is returned as a fault.
func (d *device) memory(x *exchange, m *Message) (fault string) {
	n := m.Len
	if m.Op == OpMemWrite {
		n = len(m.Data)
	}
	addr := uint64(m.Addr)
	switch {
	case n <= 0 || n > MaxAccess:
		x.err = x.p.fail(x.desc(), fmt.Sprintf("%s of %s at %#x: want 1 to %d bytes", m.Op, plural.Count(n, "byte"), addr, MaxAccess))
		return ""
	case addr >= GuestAddrLimit || uint64(n) > GuestAddrLimit-addr:
		fault = fmt.Sprintf("%s of %s at %#x: outside guest memory [0, %#x) (an IOMMU fault)", m.Op, plural.Count(n, "byte"), addr, GuestAddrLimit)
		if m.Op == OpMemRead {
			x.send(&Message{Op: OpMemData, Error: "outside guest memory"})
		}
		return fault
	}
	if m.Op == OpMemWrite {
		if err := d.mem.WriteMem(d.rid, addr, m.Data); err != nil {
			return fmt.Sprintf("mem-write of %s at %#x: %v", plural.Count(n, "byte"), addr, err)
		}
		return ""
	}
	answer := &Message{Op: OpMemData}
	buf := make([]byte, n)
	if err := d.mem.ReadMem(d.rid, addr, buf); err != nil {
		answer.Error = err.Error()
	} else {
		answer.Data = buf
	}
	x.send(answer)
	return ""
}

// diskOp answers a disk request from the kit's disk.
func (d *device) diskOp(x *exchange, m *Message) {
	if d.disk == nil {
		x.err = x.p.fail(x.desc(), m.Op+": the device has no disk")
		return
	}
	switch m.Op {
	case OpDiskRead:
		if m.Len <= 0 || m.Len > MaxAccess {
			x.err = x.p.fail(x.desc(), fmt.Sprintf("disk-read of %d bytes: want 1 to %d", m.Len, MaxAccess))
			return
		}
		data, err := d.disk.Read(m.Sector, m.Len)
		a := &Message{Op: OpDiskData, Data: data}
		if err != nil {
			a.Error, a.Data = err.Error(), nil
		}
		x.send(a)
	case OpDiskWrite:
		a := &Message{Op: OpDiskDone}
		if err := d.disk.Write(m.Sector, m.Data); err != nil {
			a.Error = err.Error()
		}
		x.send(a)
	case OpDiskFlush:
		d.disk.Flush()
		x.send(&Message{Op: OpDiskDone})
	}
}

func (d *device) Status() member.Status { return d.status }

func (d *device) ContextDigest() uint64 { return d.digest }

// OpaqueState implements member.Opaque: the device's state is in its
// process, so the world cannot hash it; it hashes the chain of the
// device's inputs instead (InputChain).
func (d *device) OpaqueState() {}

// isRead reports a configuration or memory read, which must be answered
// with exactly its length of data.
func isRead(ev member.Event) bool {
	return ev.Kind == member.EvTLP && (ev.TLP.Kind == pcie.CfgRead || ev.TLP.Kind == pcie.MemRead)
}

// describe names an event for error messages.
func describe(ev member.Event) string {
	switch ev.Kind {
	case member.EvTLP:
		return fmt.Sprintf("tlp %s addr=%#x", ev.TLP.Kind, ev.TLP.Addr)
	case member.EvAdmin:
		return fmt.Sprintf("admin request (opcode %#x, request tag %d)", ev.Admin.Opcode, ev.Admin.Tag)
	case member.EvTimer:
		return "timer " + ev.Timer.String()
	case member.EvStep:
		return "step " + ev.Step.String()
	}
	return ev.Kind.String()
}

// byteCount is n bytes in words: "1 byte", "0 bytes", "16 bytes".
func byteCount(n int) string {
	if n == 1 {
		return "1 byte"
	}
	return fmt.Sprintf("%d bytes", n)
}
