package exercised

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/catalog"
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
// device under test: the guests' log, and the features they negotiated.
type Run struct {
	dev    uint16
	log    []string
	err    error
	fs     spec.Features
	probed bool
}

// RunWithout runs t's scenario once without migration
// (catalog.Target.Reference, schedule seed 0) with t's members: the device
// under test, a virtio-net when t.NetMember is set, else a virtio-blk.
func RunWithout(t catalog.Target) Run {
	r := Run{dev: spec.VirtioDeviceIDBlk}
	if t.NetMember != nil {
		r.dev = spec.VirtioDeviceIDNet
	}
	r.log, r.err = t.Reference(0)
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

// GaveUp lists the commands the run's guests gave up on that the device
// is to blame for (GaveUpOn: not those needing a feature the run did not
// negotiate); nil when the run failed (Err).
func (r Run) GaveUp() []GaveUp {
	if r.err != nil {
		return nil
	}
	return GaveUpOn(r.dev, r.log, r.fs)
}

// waitPrefix starts the guest drivers' log line of a wait that ended with
// requests outstanding and no interrupt left to come, after the actor's
// "name: " prefix: "vcpu0: wait: 1 requests never completed" (guest/blk),
// "vcpu0: wait: 2 buffers never used" (guest/net).
const waitPrefix = "wait: "

// StuckCommand is the Command of a WentWrong entry that is a wait which
// ended with requests outstanding rather than a command given up on.
const StuckCommand = "wait"

// WentWrong lists what the run's guests show of a device that failed them
// on its own, in log order: their waits that ended with requests
// outstanding (Command StuckCommand) and the commands they gave up on
// that the device is to blame for (GaveUp); nil when the run failed
// (Err). With the reference devices no row the catalog expects to pass
// has any.
func (r Run) WentWrong() []GaveUp {
	if r.err != nil {
		return nil
	}
	gave := r.GaveUp()
	var out []GaveUp
	for _, l := range r.log {
		if len(gave) > 0 && gave[0].Line == l {
			out, gave = append(out, gave[0]), gave[1:]
			continue
		}
		if _, msg, _ := strings.Cut(l, ": "); strings.HasPrefix(msg, waitPrefix) {
			out = append(out, GaveUp{Command: StuckCommand, Line: l})
		}
	}
	return out
}
