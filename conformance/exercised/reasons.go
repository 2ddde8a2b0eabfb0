package exercised

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Reasons says which of ids a row's run did not exercise, and why
// (Why), reading the features the guests negotiated from the row's run
// without migration (catalog.Target.Reference, with t's members: the
// device under test, a virtio-net when t.NetMember is set, else a
// virtio-blk). It runs nothing when none of ids needs a feature, and
// returns nil when every one of them was exercised.
func Reasons(t catalog.Target, ids []string) map[string]string {
	if len(needy(ids)) == 0 {
		return nil
	}
	return RunWithout(t).Reasons(ids)
}

// needy keeps the ids that need a feature.
func needy(ids []string) []string {
	var out []string
	for _, id := range ids {
		if len(needs[id]) > 0 {
			out = append(out, id)
		}
	}
	return out
}

// Run is what a host observes of a row's run without migration with the
// device under test: the guests' log with the troubles its drivers
// recorded, and the features they negotiated.
type Run struct {
	dev     uint16
	log     []string
	trouble []guest.Trouble
	err     error
	fs      spec.Features
	probed  bool
	// scn and ed are the row's scenario and edition: what its peers
	// wrote (IgnoredPeerWrites).
	scn *scenario.Scenario
	ed  spec.Edition
}

// RunWithout runs t's scenario once without migration
// (catalog.Target.Reference, schedule seed 0) with t's members: the device
// under test, a virtio-net when t.NetMember is set, else a virtio-blk.
func RunWithout(t catalog.Target) Run {
	log, trouble, err := t.ReferenceTrouble(0)
	return RunOf(t, log, trouble, err)
}

// RunOf is the Run of a run without migration of t already made (what
// catalog.Target.ReferenceTrouble returned for it, from any seed): a
// caller that keeps the runs it made reads them without running again.
func RunOf(t catalog.Target, log []string, trouble []guest.Trouble, err error) Run {
	r := Run{dev: spec.VirtioDeviceIDBlk, log: log, trouble: trouble, err: err, scn: t.Scenario, ed: t.Edition}
	if t.NetMember != nil {
		r.dev = spec.VirtioDeviceIDNet
	}
	r.fs, r.probed = Negotiated(r.dev, r.log)
	return r
}

// Err is the run's failure (a finding of the run without migration, which
// judging the row reports), or nil.
func (r Run) Err() error { return r.err }

// Reasons says which of ids the run did not exercise, and why (Why); nil
// when every one of them was exercised.
func (r Run) Reasons(ids []string) map[string]string {
	out := map[string]string{}
	for _, id := range needy(ids) {
		switch {
		case r.err != nil:
			out[id] = fmt.Sprintf("the row's run without migration failed: %v", r.err)
		case !r.probed:
			out[id] = "no guest driver of the row's run negotiated features"
		default:
			if why := Why(r.dev, id, r.fs); why != "" {
				out[id] = why
			}
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// WentWrong lists what the run's guests show of a device that failed
// them on its own, in log order (guest.Trouble, as the drivers recorded
// it): the commands they gave up on, the requests the device failed and
// the waits that ended with requests outstanding, but those whose
// command needs a feature the run did not negotiate
// (oracle.DeviceTrouble, the gave-up oracle's judgement); nil when the
// run failed (Err). With the reference devices no row the catalog
// expects to pass has any.
func (r Run) WentWrong() []guest.Trouble {
	if r.err != nil {
		return nil
	}
	return oracle.DeviceTrouble(r.trouble)
}

// NotNegotiated says which of the commands of the run's guests gave up
// for want of a feature the run did not negotiate (guest.Trouble.Excused),
// naming each command and the features it needed, in log order; "" when
// none did or the run failed (Err). A row expected to give a finding that
// its run reaches only through such a command (a writeback write without
// VIRTIO_BLK_F_CONFIG_WCE) cannot give it with the device: the path the
// finding is on was never taken.
func (r Run) NotNegotiated() string {
	if r.err != nil {
		return ""
	}
	var out []string
	for _, t := range r.trouble {
		if !t.Excused() {
			continue
		}
		var names []string
		for f := range 64 {
			if t.Needs.Has(spec.Feature(f)) && !t.Negotiated.Has(spec.Feature(f)) {
				names = append(names, spec.DeviceFeatureName(r.dev, f))
			}
		}
		out = append(out, fmt.Sprintf("%q without %s", t.Command, strings.Join(names, ", ")))
	}
	return strings.Join(out, "; ")
}

// Unexercised says why a row expected to give the finding expected (as
// its verdict reads, "violation transparent") that no exploration reached
// says nothing of the device: its run without migration shows that the
// path to the finding was never taken, the guest giving up on a command
// for want of a feature the run did not negotiate (NotNegotiated) or the
// device ignoring a peer's write that needs one (IgnoredPeerWrites); ""
// when it shows neither.
func (r Run) Unexercised(expected string) string {
	var why []string
	if cmds := r.NotNegotiated(); cmds != "" {
		why = append(why, "what the guest gave up on without migration: "+cmds)
	}
	if writes := r.IgnoredPeerWrites(); writes != "" {
		why = append(why, "a peer's write the device ignored without migration: "+writes)
	}
	if len(why) == 0 {
		return ""
	}
	return fmt.Sprintf("not exercised: %s needs %s", expected, strings.Join(why, "; and "))
}
