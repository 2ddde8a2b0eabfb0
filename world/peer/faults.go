package peer

import (
	"fmt"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
)

// The fault injector's resets. `pf-flr HOST` resets the owner (Initiate
// FLR on the PF); with while=admin-outstanding it waits until the host has
// an admin command for a member of HOST submitted and not completed (the
// owner-side truth, World.AdminOutstanding), so the reset lands on a
// command in flight whatever the schedule; when the run settles without
// one, it is skipped with a note. `vf-flr HOST vf=N` resets one member the
// way the host does for the guest (VFIO's device reset sets Initiate FLR).

func (pa *Peer) pfFLR(op scenario.Op) error {
	w := pa.w
	name, err := firstWord(op)
	if err != nil {
		return err
	}
	h, err := w.HostByName(name)
	if err != nil {
		return err
	}
	var ready func() bool
	switch v, ok := scenario.Lookup(op.Args, "while"); {
	case !ok:
	case v == "admin-outstanding":
		ready = func() bool { return w.AdminOutstanding(h) || w.Stalled() }
	default:
		return fmt.Errorf("pf-flr: while=%s (want admin-outstanding)", v)
	}
	pa.yield(&Req{Label: pa.name + ":pf-flr " + name, Ready: ready,
		Do: func() []byte {
			if ready != nil && !w.AdminOutstanding(h) {
				w.Notef("%s: pf-flr %s skipped: no admin command was ever outstanding", pa.name, name)
				return nil
			}
			w.InitiateFLR(h, owner.TargetPF, pa.name)
			return nil
		}})
	return nil
}

func (pa *Peer) vfFLR(op scenario.Op) error {
	w := pa.w
	name, err := firstWord(op)
	if err != nil {
		return err
	}
	h, err := w.HostByName(name)
	if err != nil {
		return err
	}
	vf, err := scenario.IntArg(op, "vf", 1)
	if err != nil {
		return err
	}
	if vfs := w.Scenario().VFs; vf < 1 || vf > vfs {
		return fmt.Errorf("vf-flr: vf=%d outside 1..%d", vf, vfs)
	}
	pa.yield(&Req{Label: fmt.Sprintf("%s:vf-flr %s vf%d", pa.name, name, vf),
		Do: func() []byte {
			if _, ok := w.Member(h, vf); !ok {
				w.Notef("%s: vf-flr %s vf%d: no such member", pa.name, name, vf)
				return nil
			}
			w.InitiateFLR(h, owner.Target(vf), pa.name)
			return nil
		}})
	return nil
}

// firstWord is the first bare word of op.
func firstWord(op scenario.Op) (string, error) {
	for _, a := range op.Args {
		if a.Key == "" {
			return a.Value, nil
		}
	}
	return "", fmt.Errorf("%s: want a host (src, dst, dst2)", op.Verb)
}
