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
	// Broken are the driver-side requirements the host saw the run break
	// (the rules below), in first-seen order.
	Broken []string
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
//   - DP-DRV-01: a DEV_PARTS_SET completed with OK on a member the host had
//     not stopped.
const (
	reqFlow01 = "DRAFT-FLOW-01"
	reqFlow02 = "DRAFT-FLOW-02"
	reqDrv01  = "DP-DRV-01"
	reqDrv03  = "DP-DRV-03"
)

// memberSeen is what Of keeps of one member while it reads a trace.
type memberSeen struct {
	// skipped: the host set Freeze straight from Active; read: it read
	// the member's context; resetWrite: a write of 0 to device_status
	// reached it and neither a read of it that returned 0 nor a write of
	// a non-zero status has since; statusRead: the
	// request just delivered is a read of device_status (the trace records
	// its completion right after it).
	skipped, read, resetWrite, statusRead bool
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
	peerFrozen := false
	member := func(host string, vf int) *memberSeen {
		k := fmt.Sprintf("%s.vf%d", host, vf)
		if members[k] == nil {
			members[k] = &memberSeen{}
		}
		return members[k]
	}
	for _, e := range events {
		env.now = e.Time
		for _, r := range records {
			r.Settle()
		}
		switch e.Kind {
		case record.TraceAdmin:
			c := adminq.DecodeCommand(e.Admin)
			res := adminq.DecodeResult(e.AdminResult)
			ok := len(e.AdminResult) >= 2 && res.Status == spec.StatusOK
			if ok {
				f.Commands = addOnce(f.Commands, e.Text)
			}
			vf, isMember := ownerview.MemberOf(c)
			if !isMember {
				continue
			}
			m := member(e.Host, vf)
			before, _ := hostRecord(e.Host).Received(vf, adminq.Completion{Command: c, Result: res}, true)
			if !ok {
				continue
			}
			if mode, isMode := ownerview.ModeTarget(ed, c); isMode {
				f.Modes = addOnce(f.Modes, mode)
				m.skipped = m.skipped || mode == spec.ModeFreeze && before.Mode == spec.ModeActive
			}
			switch e.Text {
			case "DEV_CTX_READ":
				m.read = true
			case "DEV_PARTS_SET":
				if before.Mode != spec.ModeStop {
					f.Broken = addOnce(f.Broken, reqDrv01)
				}
			}
		case record.TraceTLP:
			vf, ok := memberTarget(e.Target)
			if !ok {
				continue
			}
			m := member(e.Host, vf)
			if e.TLP.Kind == pcie.Completion {
				b, ok := statusByte(e.TLP)
				if m.statusRead && m.resetWrite && ok {
					f.Reset = f.Reset || b != 0
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
			peerFrozen = f.observeRequest(ed, e, m, mode, kinds[e.From]) || peerFrozen
		}
	}
	for _, m := range members {
		if m.skipped && m.read && peerFrozen {
			f.Broken = addOnce(f.Broken, reqFlow01)
		}
	}
	return f
}

// observeRequest records a request delivered to member m, in the host's
// mode of it, from an actor of kind from (0: the hypervisor or another
// function), and reports whether it is a peer's that reached a member the
// host had frozen.
func (f *Facts) observeRequest(ed spec.Edition, e record.TraceEvent, m *memberSeen, mode spec.Mode, from scenario.ActorKind) bool {
	t := e.TLP
	if t.Kind == pcie.CfgWrite {
		b, ok := ownerview.ByteAt(t.Addr, t.Data, pcie.PCIeCapOffset+pcie.PCIeDevCtl+1)
		f.FLR = f.FLR || ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0
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
	f.Reached = addOnce(f.Reached, mode)
	if t.Kind == pcie.MemWrite {
		f.Written = addOnce(f.Written, mode)
		if off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen {
			f.Notified = addOnce(f.Notified, mode)
		}
		if devCfg {
			f.DevCfgWritten = addOnce(f.DevCfgWritten, mode)
		}
	}
	switch {
	case from == scenario.ActorGuest && ed == spec.Draft2023 && mode == spec.ModeFreeze:
		f.Broken = addOnce(f.Broken, reqFlow02)
	case from == scenario.ActorGuest && ed == spec.Virtio14 && mode == spec.ModeStop && devCfg:
		f.Broken = addOnce(f.Broken, reqDrv03)
	}
	return from == scenario.ActorPeer && mode == spec.ModeFreeze
}

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

func addOnce[T comparable](list []T, v T) []T {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
