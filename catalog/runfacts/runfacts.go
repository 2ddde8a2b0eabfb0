// Package runfacts reads what the host observed of a run from its
// recorded trace (world/record): the modes its owner driver set, the
// commands that completed, the FLRs and resets it saw in progress, the
// requests of the VM's side that reached a member in each mode, and the
// driver-side rules it saw broken. Package catalog derives a finding's
// requirement IDs from them (catalog.FindingReqs).
package runfacts

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/ownerview"
	"github.com/migsim/migsim/world/record"
)

// Facts are what the host observed of a run, read from its trace up to
// its end (the finding): the admin commands its owner driver completed and
// the requests that crossed the bus, never a member's account of itself
// (the trace's state records). A member's mode is the host's: the one its
// last successful mode command set (Active before any), as the trace shows
// the completion.
type Facts struct {
	// Modes are the modes a DEV_MODE_SET that completed with OK set, in
	// first-seen order (virtio-1.4's stop is ModeStop, resume ModeActive).
	Modes []spec.Mode
	// Commands are the admin opcodes that completed with OK, by name, in
	// first-seen order.
	Commands []string
	// FLR: a configuration write that sets Initiate FLR reached a member.
	// Reset: a read of a member's device_status returned non-zero after a
	// write of 0 to it (the host saw the reset in progress).
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
	mode spec.Mode
	// skipped: the host set Freeze straight from Active; read: it read
	// the member's context; resetWrite: a write of 0 to device_status
	// reached it and no read of it has returned 0 since; statusRead: the
	// request just delivered is a read of device_status (the trace records
	// its completion right after it).
	skipped, read, resetWrite, statusRead bool
}

// Of reads what the host observed in a recorded trace of scenario s's
// world: which of its actors are vCPUs (guest programs) and which peers
// comes from s.
func Of(ed spec.Edition, s *scenario.Scenario, events []record.TraceEvent) Facts {
	var f Facts
	kinds := map[string]scenario.ActorKind{}
	if s != nil {
		for _, p := range s.Actors {
			kinds[p.Name] = p.Kind
		}
	}
	members := map[string]*memberSeen{}
	peerFrozen := false
	member := func(host string, vf int) *memberSeen {
		k := fmt.Sprintf("%s.vf%d", host, vf)
		if members[k] == nil {
			members[k] = &memberSeen{mode: spec.ModeActive}
		}
		return members[k]
	}
	for _, e := range events {
		switch e.Kind {
		case record.TraceAdmin:
			if len(e.AdminResult) < 2 || spec.Status(binary.LittleEndian.Uint16(e.AdminResult)) != spec.StatusOK {
				continue
			}
			f.Commands = addOnce(f.Commands, e.Text)
			c := adminq.DecodeCommand(e.Admin)
			vf, ok := ownerview.MemberOf(c)
			if !ok {
				continue
			}
			m := member(e.Host, vf)
			if mode, ok := ownerview.ModeTarget(ed, c); ok && len(c.Data) > 0 {
				f.Modes = addOnce(f.Modes, mode)
				m.skipped = m.skipped || mode == spec.ModeFreeze && m.mode == spec.ModeActive
				m.mode = mode
			}
			switch e.Text {
			case "DEV_CTX_READ":
				m.read = true
			case "DEV_PARTS_SET":
				if m.mode != spec.ModeStop {
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
				if m.statusRead && m.resetWrite && len(e.TLP.Data) > 0 {
					f.Reset = f.Reset || e.TLP.Data[0] != 0
					m.resetWrite = e.TLP.Data[0] != 0
				}
				m.statusRead = false
				continue
			}
			peerFrozen = f.observeRequest(ed, e, m, kinds[e.From]) || peerFrozen
		}
	}
	for _, m := range members {
		if m.skipped && m.read && peerFrozen {
			f.Broken = addOnce(f.Broken, reqFlow01)
		}
	}
	return f
}

// observeRequest records a request delivered to member m, from an actor of
// kind from (0: the hypervisor or another function), and reports whether
// it is a peer's that reached a member the host had frozen.
func (f *Facts) observeRequest(ed spec.Edition, e record.TraceEvent, m *memberSeen, from scenario.ActorKind) bool {
	t := e.TLP
	if t.Kind == pcie.CfgWrite {
		b, ok := ownerview.ByteAt(t.Addr, t.Data, pcie.PCIeCapOffset+pcie.PCIeDevCtl+1)
		f.FLR = f.FLR || ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0
	}
	status := commonCfgOffset(t) == uint64(spec.CfgDeviceStatus)
	m.resetWrite = m.resetWrite || status && t.Kind == pcie.MemWrite && len(t.Data) > 0 && t.Data[0] == 0
	m.statusRead = status && t.Kind == pcie.MemRead
	if from != scenario.ActorGuest && from != scenario.ActorPeer {
		return false
	}
	off := t.Addr % pcie.BAR0Size // BARs are naturally aligned
	mem := t.Kind == pcie.MemWrite || t.Kind == pcie.MemRead
	devCfg := mem && off >= pcie.BAR0DeviceCfg && off < pcie.BAR0DeviceCfg+pcie.BAR0DeviceCfgLen
	f.Reached = addOnce(f.Reached, m.mode)
	if t.Kind == pcie.MemWrite {
		f.Written = addOnce(f.Written, m.mode)
		if off >= pcie.BAR0Notify && off < pcie.BAR0Notify+pcie.BAR0NotifyLen {
			f.Notified = addOnce(f.Notified, m.mode)
		}
		if devCfg {
			f.DevCfgWritten = addOnce(f.DevCfgWritten, m.mode)
		}
	}
	switch {
	case from == scenario.ActorGuest && ed == spec.Draft2023 && m.mode == spec.ModeFreeze:
		f.Broken = addOnce(f.Broken, reqFlow02)
	case from == scenario.ActorGuest && ed == spec.Virtio14 && m.mode == spec.ModeStop && devCfg:
		f.Broken = addOnce(f.Broken, reqDrv03)
	}
	return from == scenario.ActorPeer && m.mode == spec.ModeFreeze
}

// memberTarget returns the member a trace event's target names ("vf1").
func memberTarget(target string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimPrefix(target, "vf"))
	return n, err == nil && n > 0 && strings.HasPrefix(target, "vf")
}

// commonCfgOffset places a memory request in its member's common
// configuration (BARs are naturally aligned, so the offset in BAR0 is the
// address modulo its size); all ones for any other request.
func commonCfgOffset(t pcie.TLP) uint64 {
	off := t.Addr % pcie.BAR0Size
	if t.Kind != pcie.MemWrite && t.Kind != pcie.MemRead || off < pcie.BAR0CommonCfg || off-pcie.BAR0CommonCfg >= spec.CommonCfgSize {
		return ^uint64(0)
	}
	return off - pcie.BAR0CommonCfg
}

func addOnce[T comparable](list []T, v T) []T {
	if slices.Contains(list, v) {
		return list
	}
	return append(list, v)
}
