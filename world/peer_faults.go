package world

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
)

// The fault injector's resets. `pf-flr HOST` resets the owner (Initiate
// FLR on the PF); with while=admin-outstanding it waits until the host has
// an admin command for a member of HOST submitted and not completed (the
// owner-side truth, owner_truth.go), so the reset lands on a command in
// flight whatever the schedule; when the run settles without one, it is
// skipped with a note. `vf-flr HOST vf=N` resets one member the way the
// host does for the guest (VFIO's device reset sets Initiate FLR).

func (pa *peerActor) pfFLR(op scenario.Op) error {
	w := pa.w
	name, err := firstWord(op)
	if err != nil {
		return err
	}
	h, err := w.hostByName(name)
	if err != nil {
		return err
	}
	var ready func() bool
	switch v, ok := scenario.Lookup(op.Args, "while"); {
	case !ok:
	case v == "admin-outstanding":
		ready = func() bool { return w.adminOutstanding(h) || w.stalled }
	default:
		return fmt.Errorf("pf-flr: while=%s (want admin-outstanding)", v)
	}
	pa.yield(&actorReq{label: pa.name + ":pf-flr " + name, ready: ready,
		do: func() []byte {
			if ready != nil && !w.adminOutstanding(h) {
				w.notef("%s: pf-flr %s skipped: no admin command was ever outstanding", pa.name, name)
				return nil
			}
			w.initiateFLR(h, owner.TargetPF, pa.name)
			return nil
		}})
	return nil
}

func (pa *peerActor) vfFLR(op scenario.Op) error {
	w := pa.w
	name, err := firstWord(op)
	if err != nil {
		return err
	}
	h, err := w.hostByName(name)
	if err != nil {
		return err
	}
	vf, err := scenario.IntArg(op, "vf", 1)
	if err != nil {
		return err
	}
	if vf < 1 || vf > w.scen.VFs {
		return fmt.Errorf("vf-flr: vf=%d outside 1..%d", vf, w.scen.VFs)
	}
	pa.yield(&actorReq{label: fmt.Sprintf("%s:vf-flr %s vf%d", pa.name, name, vf),
		do: func() []byte {
			if _, ok := h.pf.Member(vf); !ok {
				w.notef("%s: vf-flr %s vf%d: no such member", pa.name, name, vf)
				return nil
			}
			w.initiateFLR(h, owner.Target(vf), pa.name)
			return nil
		}})
	return nil
}

// initiateFLR sets Initiate FLR in a function's Device Control, as the
// host does: a read of the register, then a write with bit 15 set.
func (w *World) initiateFLR(h *host, t owner.Target, who string) {
	rid := h.pf.RID()
	if t != owner.TargetPF {
		if s, ok := h.pfCfg.SRIOV(); ok {
			rid = s.VFRID(h.pf.RID(), int(t))
		}
	}
	off := uint64(pcie.PCIeCapOffset + pcie.PCIeDevCtl)
	ctl := leUint(w.deliver(h, t, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: hostRID, Completer: rid, Addr: off, Len: 2}}, who))
	w.deliver(h, t, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: hostRID, Completer: rid, Addr: off,
		Data: binary.LittleEndian.AppendUint16(nil, uint16(ctl)|pcie.DevCtlInitiateFLR)}}, who)
}

// adminOutstanding reports whether the host has an admin command for one
// of h's members submitted and not completed.
func (w *World) adminOutstanding(h *host) bool { return h.truth.Outstanding() }

// firstWord is the first bare word of op.
func firstWord(op scenario.Op) (string, error) {
	for _, a := range op.Args {
		if a.Key == "" {
			return a.Value, nil
		}
	}
	return "", fmt.Errorf("%s: want a host (src, dst, dst2)", op.Verb)
}
