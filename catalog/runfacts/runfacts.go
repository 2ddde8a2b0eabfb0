// Package runfacts reads what the host observed of a run from its
// recorded trace (world/record): the modes its owner driver set, the
// commands that completed, the FLRs and resets it saw in progress, the
// requests of the VM's side that reached a member in each mode, and the
// driver-side rules it saw broken. Package catalog derives a finding's
// requirement IDs from them (catalog.FindingReqs).
package runfacts

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/ownerview"
	"github.com/migsim/migsim/world/record"
)

// Facts are what the host observed of a run, read from its trace up to
// its end (the finding): the admin commands its owner driver completed and
// the requests that crossed the bus, never a member's account of itself
// (the trace's state records). A member's mode is the host's
// (ownerview.Record): the one its last successful mode command set (Active
// before any), as the trace shows the completion, and at the end of an FLR
// the one mode-after-flr gives it (flr-vs-mode=defer-flr defers that while
// the host has the member quiesced).
type Facts struct {
	// Modes are the modes a DEV_MODE_SET that completed with OK set, in
	// first-seen order (virtio-1.4's stop is ModeStop, resume ModeActive).
	Modes []spec.Mode
	// Commands are the admin opcodes that completed with OK, by name, in
	// first-seen order.
	Commands []string
	// FLR: a configuration write that sets Initiate FLR reached a member.
	// Reset: a read of a member's device_status returned non-zero after a
	// write of 0 to it, with no non-zero write in between (the host saw
	// the reset in progress). An access is to device_status when its range
	// covers the register's byte.
	FLR, Reset bool
	// Reached are the modes a member was in, by the host's account, when
	// a request of the VM's side (a vCPU or a peer) reached it; Written
	// the same for writes, Notified for writes into the notify region
	// (driver notifications), DevCfgWritten for writes into the device
	// configuration. First-seen order.
	Reached, Written, Notified, DevCfgWritten []spec.Mode
	// HalvesAcrossMode: a VM-side actor wrote one 32-bit half of a 64-bit
	// field of a member's common configuration (queue_desc, queue_driver,
	// queue_device: PCI-DEV-02's lo and hi halves, written independently),
	// the host then changed that member's mode (a DEV_MODE_SET of it
	// completed with OK and set another mode), and the actor wrote the
	// field's other half after that, to whichever member its accesses then
	// reached (a migration's destination): the member had to keep a lone
	// half across the mode change. A member's facts have it for the member
	// the first half reached.
	HalvesAcrossMode bool
	// Broken are the driver-side requirements the host saw the run break
	// (the rules below), in first-seen order.
	Broken []string
	// DeviceBroken are the device requirements the host saw a member break
	// by accepting a command the driver should not have issued: a
	// DEV_PARTS_SET that completed with OK on a member the host had not
	// stopped breaks DP-DEV-04 (it fails), and only that SHOULD (Of says
	// why not DP-DEV-08).
	DeviceBroken []string
	// Members are the same facts of each member ("src.vf1"), from the
	// commands that address it and the requests that reached it (their
	// own Members is empty), so that a driver violation can be told apart
	// from what other members did. A member's Broken also lists the rules
	// broken towards a member whose context the host read before it wrote
	// this one's (a migration's destination carries its source's state).
	Members map[string]*Facts
}

// Driver-side rules the host sees broken in a trace (Of):
//   - DRAFT-FLOW-02: a vCPU's request reached a member the host had frozen
//     (Freeze was set while the member driver still ran);
//   - DRAFT-FLOW-01: the host froze a source (a member whose context it
//     read) straight from Active, and a peer's request reached a member the
//     host had frozen: the notification a Stop phase keeps (on either
//     side: the destination needs the mirror image, Freeze to Stop before
//     Active);
//   - DP-DRV-03: a vCPU's request to the device configuration reached a
//     member the host had stopped;
//   - DP-DRV-01: the host issued a DEV_PARTS_SET to a member it had not
//     stopped (its completion, whatever its status, stands for the
//     submission the trace does not record).
const (
	reqFlow01 = "DRAFT-FLOW-01"
	reqFlow02 = "DRAFT-FLOW-02"
	reqDrv01  = "DP-DRV-01"
	reqDrv03  = "DP-DRV-03"
	reqDev04  = "DP-DEV-04"
)

// memberSeen is what Of keeps of one member while it reads a trace.
type memberSeen struct {
	host string
	vf   int
	// skipped: the host set Freeze straight from Active; read: it read
	// the member's context; resetWrite: a write of 0 to device_status
	// reached it and neither a read of it that returned 0 nor a write of
	// a non-zero status has since; statusRead: the request just delivered
	// is a read of device_status (the trace records its completion right
	// after it).
	skipped, read, resetWrite, statusRead bool
	// ctxRead and ctxWritten: a read of the member's context (or parts)
	// completed with OK, a write of it did; readAt is the index in the
	// trace of the first such read, writtenAt of the last such write.
	ctxRead, ctxWritten bool
	readAt, writtenAt   int
}

// lonelyHalf is one half of a 64-bit common-configuration field an actor
// wrote on its own (Facts.HalvesAcrossMode): the member it reached,
// whether it was the hi half, and whether the host has changed that
// member's mode since.
type lonelyHalf struct {
	m      *memberSeen
	hi     bool
	across bool
}

// traceEnv is the world a host's ownerview.Record is kept in while Of
// replays a trace into it: the clock is the time of the event being read.
type traceEnv struct {
	now   engine.VTime
	rules spec.Rules
	ed    spec.Edition
}

func (e *traceEnv) Now() engine.VTime     { return e.now }
func (e *traceEnv) Rules() spec.Rules     { return e.rules }
func (e *traceEnv) Edition() spec.Edition { return e.ed }

// Of reads what the host observed in a recorded trace of scenario s's
// world, run under edition ed and rules: which of its actors are vCPUs
// (guest programs) and which peers comes from s. The host's mode of a
// member is what its owner record (ownerview.Record) holds, replayed from
// the trace: the completions the owner driver read, the FLRs the host saw
// start, and, at their end (100 ms of virtual time later), the mode
// mode-after-flr and flr-vs-mode give the member.
func Of(ed spec.Edition, rules spec.Rules, s *scenario.Scenario, events []record.TraceEvent) Facts {
	var f Facts
	kinds := map[string]scenario.ActorKind{}
	if s != nil {
		for _, p := range s.Actors {
			kinds[p.Name] = p.Kind
		}
	}
	env := &traceEnv{rules: rules, ed: ed}
	records := map[string]*ownerview.Record{}
	hostRecord := func(host string) *ownerview.Record {
		if records[host] == nil {
			records[host] = ownerview.NewRecord(env)
		}
		return records[host]
	}
	members := map[string]*memberSeen{}
	var order []*memberSeen
	halves := map[string]*lonelyHalf{} // by actor and field ("vcpu0 32")
	peerFrozen := false
	member := func(host string, vf int) *memberSeen {
		k := memberKey(host, vf)
		if members[k] == nil {
			members[k] = &memberSeen{host: host, vf: vf}
			order = append(order, members[k])
		}
		return members[k]
	}
	for i, e := range events {
		env.now = e.Time
		for _, r := range records {
			r.Settle()
		}
		switch e.Kind {
		case record.TraceAdmin:
			c := adminq.DecodeCommand(e.Admin)
			res := adminq.DecodeResult(e.AdminResult)
			ok := len(e.AdminResult) >= 2 && res.Status == spec.StatusOK
			vf, isMember := ownerview.MemberOf(c)
			if ok {
				f.Commands = addOnce(f.Commands, e.Text)
			}
			if !isMember {
				continue
			}
			m := member(e.Host, vf)
			mf := f.member(e.Host, vf)
			before, _ := hostRecord(e.Host).Received(vf, adminq.Completion{Command: c, Result: res}, true)
			if e.Text == "DEV_PARTS_SET" && before.Mode != spec.ModeStop {
				// The driver broke DP-DRV-01 by issuing the command (the
				// trace records no submission, so its completion stands
				// for it, whatever the device answered); a device that
				// accepted it broke DP-DEV-04, a SHOULD (the device parts
				// text: the device SHOULD fail the command), which the
				// conformance kit reports as a warning (conformance/
				// should.go). Not DP-DEV-08 as well: its "SET values take
				// effect when the member resumes" is about a SET on a
				// stopped member, and charging that MUST for the same
				// acceptance would turn the warning into a failure of
				// every finding that follows it.
				f.broke(mf, reqDrv01)
				if ok {
					f.deviceBroke(mf, reqDev04)
				}
			}
			if !ok {
				continue
			}
			mf.Commands = addOnce(mf.Commands, e.Text)
			if mode, isMode := ownerview.ModeTarget(ed, c); isMode {
				f.Modes = addOnce(f.Modes, mode)
				mf.Modes = addOnce(mf.Modes, mode)
				m.skipped = m.skipped || mode == spec.ModeFreeze && before.Mode == spec.ModeActive
				for _, h := range halves {
					h.across = h.across || h.m == m && mode != before.Mode
				}
			}
			if e.Text == "DEV_CTX_READ" {
				m.read = true
			}
			if ownerview.ReadsContext(ed, c.Opcode) && !m.ctxRead {
				m.ctxRead, m.readAt = true, i
			}
			if e.Text == "DEV_CTX_WRITE" || e.Text == "DEV_PARTS_SET" {
				m.ctxWritten, m.writtenAt = true, i
			}
		case record.TraceTLP:
			vf, ok := memberTarget(e.Target)
			if !ok {
				if e.Target == "pf" && removesVFs(e.TLP) {
					// The SR-IOV group is gone with every member: what the
					// host knew of them no longer holds (the world's own
					// record forgets them at the same write).
					hostRecord(e.Host).Forget()
				}
				continue
			}
			m := member(e.Host, vf)
			mf := f.member(e.Host, vf)
			if e.TLP.Kind == pcie.Completion {
				b, ok := statusByte(e.TLP)
				if m.statusRead && m.resetWrite && ok {
					f.Reset = f.Reset || b != 0
					mf.Reset = mf.Reset || b != 0
					m.resetWrite = b != 0
				}
				m.statusRead = false
				continue
			}
			rec := hostRecord(e.Host)
			if e.TLP.Kind == pcie.CfgWrite || e.TLP.Kind == pcie.MemWrite {
				off, inCfg := commonCfgOffset(e.TLP)
				rec.ObserveWrite(vf, e.TLP, off, inCfg)
			}
			mode := rec.View(vf, true).Mode
			peerFrozen = f.observeRequest(ed, e, m, mf, mode, kinds[e.From]) || peerFrozen
			if k := kinds[e.From]; k == scenario.ActorGuest || k == scenario.ActorPeer {
				f.observeHalf(halves, e, m)
			}
		}
	}
	for _, m := range order {
		if m.skipped && m.read && peerFrozen {
			f.broke(f.member(m.host, m.vf), reqFlow01)
		}
	}
	// A member whose context was written after another's was read carries
	// the state the driver rules broken towards that one left (a
	// migration's destination resumes with its source's context): they
	// concern it too.
	for _, d := range order {
		for _, s := range order {
			if d != s && d.ctxWritten && s.ctxRead && s.readAt < d.writtenAt {
				mf := f.member(d.host, d.vf)
				mf.Broken = addAll(mf.Broken, f.member(s.host, s.vf).Broken)
			}
		}
	}
	return f
}

// observeRequest records a request delivered to member m, in the host's
// mode of it, from an actor of kind from (0: the hypervisor or another
// function), in f and in mf (the member's own facts), and reports whether
// it is a peer's that reached a member the host had frozen.
func (f *Facts) observeRequest(ed spec.Edition, e record.TraceEvent, m *memberSeen, mf *Facts, mode spec.Mode, from scenario.ActorKind) bool {
	t := e.TLP
	if t.Kind == pcie.CfgWrite {
		b, ok := ownerview.ByteAt(t.Addr, t.Data, pcie.PCIeCapOffset+pcie.PCIeDevCtl+1)
		if ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0 {
			f.FLR, mf.FLR = true, true
		}
	}
	b, status := statusByte(t)
	if status && t.Kind == pcie.MemWrite {
		// A write of 0 starts a reset; the driver writes a non-zero
		// status only once it is over.
		m.resetWrite = b == 0
	}
	m.statusRead = status && t.Kind == pcie.MemRead
	if from != scenario.ActorGuest && from != scenario.ActorPeer {
		return false
	}
	off := t.Addr % pcie.BAR0Size // BARs are naturally aligned
	mem := t.Kind == pcie.MemWrite || t.Kind == pcie.MemRead
	devCfg := mem && off >= pcie.BAR0DeviceCfg && off < pcie.BAR0DeviceCfg+pcie.BAR0DeviceCfgLen
	for _, g := range []*Facts{f, mf} {
		g.Reached = addOnce(g.Reached, mode)
		if t.Kind == pcie.MemWrite {
			g.Written = addOnce(g.Written, mode)
			if off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen {
				g.Notified = addOnce(g.Notified, mode)
			}
			if devCfg {
				g.DevCfgWritten = addOnce(g.DevCfgWritten, mode)
			}
		}
	}
	switch {
	case from == scenario.ActorGuest && ed == spec.Draft2023 && mode == spec.ModeFreeze:
		f.broke(mf, reqFlow02)
	case from == scenario.ActorGuest && ed == spec.Virtio14 && mode == spec.ModeStop && devCfg:
		f.broke(mf, reqDrv03)
	}
	return from == scenario.ActorPeer && mode == spec.ModeFreeze
}

// observeHalf follows the halves of the 64-bit common-configuration
// fields that e, a request of a VM-side actor to member m, writes on their
// own (halves, by actor and field): a 4-byte write of one half waits for
// the other; the other half written after the host changed the mode of
// the member the first reached sets HalvesAcrossMode. A write of the same
// half again starts over; an 8-byte write of both halves is no split.
func (f *Facts) observeHalf(halves map[string]*lonelyHalf, e record.TraceEvent, m *memberSeen) {
	off, ok := commonCfgOffset(e.TLP)
	if !ok || e.TLP.Kind != pcie.MemWrite {
		return
	}
	info, ok := spec.LookupCommonCfgField(uint32(off))
	if !ok || info.Half == "" {
		return
	}
	lo, hi := off, info.Half == "hi"
	if hi {
		lo -= 4
	}
	key := fmt.Sprintf("%s %d", e.From, lo)
	if len(e.TLP.Data) != 4 {
		delete(halves, key)
		return
	}
	h := halves[key]
	if h == nil || h.hi == hi {
		halves[key] = &lonelyHalf{m: m, hi: hi}
		return
	}
	delete(halves, key)
	if h.across {
		f.HalvesAcrossMode = true
		f.member(h.m.host, h.m.vf).HalvesAcrossMode = true
	}
}

// member returns the facts of member vf of host, creating them.
func (f *Facts) member(host string, vf int) *Facts {
	k := memberKey(host, vf)
	if f.Members == nil {
		f.Members = map[string]*Facts{}
	}
	if f.Members[k] == nil {
		f.Members[k] = &Facts{}
	}
	return f.Members[k]
}

// broke records a driver-side rule broken towards the member of facts mf.
func (f *Facts) broke(mf *Facts, id string) {
	f.Broken = addOnce(f.Broken, id)
	mf.Broken = addOnce(mf.Broken, id)
}

// deviceBroke records device requirements the member of facts mf broke.
func (f *Facts) deviceBroke(mf *Facts, ids ...string) {
	for _, id := range ids {
		f.DeviceBroken = addOnce(f.DeviceBroken, id)
		mf.DeviceBroken = addOnce(mf.DeviceBroken, id)
	}
}

// Merge returns the union of facts: the lists in first-seen order, a flag
// set when any sets it (Members is left empty).
func Merge(facts ...*Facts) Facts {
	var out Facts
	for _, g := range facts {
		out.Modes = addAll(out.Modes, g.Modes)
		out.Commands = addAll(out.Commands, g.Commands)
		out.FLR, out.Reset = out.FLR || g.FLR, out.Reset || g.Reset
		out.HalvesAcrossMode = out.HalvesAcrossMode || g.HalvesAcrossMode
		out.Reached = addAll(out.Reached, g.Reached)
		out.Written = addAll(out.Written, g.Written)
		out.Notified = addAll(out.Notified, g.Notified)
		out.DevCfgWritten = addAll(out.DevCfgWritten, g.DevCfgWritten)
		out.Broken = addAll(out.Broken, g.Broken)
		out.DeviceBroken = addAll(out.DeviceBroken, g.DeviceBroken)
	}
	return out
}

// memberKey names member vf of host as Facts.Members does ("src.vf1").
func memberKey(host string, vf int) string { return fmt.Sprintf("%s.vf%d", host, vf) }

// memberTarget returns the member a trace event's target names ("vf1").
func memberTarget(target string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(target, "vf"))
	return n, err == nil && n > 0 && strings.HasPrefix(target, "vf")
}

// commonCfgOffset places a memory request in its member's common
// configuration (BARs are naturally aligned, so the offset in BAR0 is the
// address modulo its size); ok is false for any other request.
func commonCfgOffset(t pcie.TLP) (off uint64, ok bool) {
	off = t.Addr % pcie.BAR0Size
	if t.Kind != pcie.MemWrite && t.Kind != pcie.MemRead || off < pcie.BAR0CommonCfg || off-pcie.BAR0CommonCfg >= spec.CommonCfgSize {
		return 0, false
	}
	return off - pcie.BAR0CommonCfg, true
}

// statusByte returns the device_status byte a memory write or the
// completion of a read carries when its range covers device_status; for a
// memory read (of Len bytes, at least one) ok says whether its range
// covers it.
func statusByte(t pcie.TLP) (byte, bool) {
	want := int(pcie.BAR0CommonCfg) + int(spec.CfgDeviceStatus)
	off := t.Addr % pcie.BAR0Size // BARs are naturally aligned
	switch t.Kind {
	case pcie.MemWrite, pcie.Completion:
		return ownerview.ByteAt(off, t.Data, want)
	case pcie.MemRead:
		_, ok := ownerview.ByteAt(off, make([]byte, max(t.Len, 1)), want)
		return 0, ok
	}
	return 0, false
}

func addAll[T comparable](list, more []T) []T {
	for _, v := range more {
		list = addOnce(list, v)
	}
	return list
}

func addOnce[T comparable](list []T, v T) []T {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}

// removesVFs reports whether a request to the PF ends its SR-IOV group: a
// configuration write that clears VF Enable in the SR-IOV Control register
// or that sets Initiate Function Level Reset in the PCI Express Device
// Control register (the layout migsim gives every PF, package pcie).
func removesVFs(t pcie.TLP) bool {
	if t.Kind != pcie.CfgWrite {
		return false
	}
	byteAt := func(off uint64) (byte, bool) {
		if off < t.Addr || off >= t.Addr+uint64(len(t.Data)) {
			return 0, false
		}
		return t.Data[off-t.Addr], true
	}
	if b, ok := byteAt(pcie.PCIeCapOffset + pcie.PCIeDevCtl + 1); ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0 {
		return true
	}
	b, ok := byteAt(pcie.SRIOVCapOffset + pcie.SRIOVControl)
	return ok && b&byte(pcie.SRIOVCtlVFEnable) == 0
}
