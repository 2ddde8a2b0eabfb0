package oracle

import (
	"fmt"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/world/observe"
)

// GaveUp is the gave-up oracle: the guest neither gave up on a command
// nor hung on its device where the migration cannot explain it.
var GaveUp observe.FinishOracle = gaveUp{}

type gaveUp struct{}

var gaveUpInfo = observe.OracleInfo{
	Name: "gave-up",
	Doc:  "the guest gives up on no command and hangs on no wait that the migration cannot explain: the run without migration shows none of them",
	Observes: "the guest's own log as its drivers record it (guest.Trouble): a command the driver gave up on, " +
		"a request the device completed with a failed status (a virtio-blk status other than VIRTIO_BLK_S_OK, a flush's among them; " +
		"a virtio-net control command acked VIRTIO_NET_ERR), a wait that ended with requests outstanding and no interrupt to come, " +
		"each with the features its command needs; judged where the transparent oracle compares logs (the flow succeeded, or " +
		"stopped on a compatibility check with the VM's vCPUs running), on the lines the run without migration shows too (a line only the migrated run has " +
		"is the transparent oracle's), but those whose command needs a feature the guest did not negotiate",
}

func (gaveUp) Info() observe.OracleInfo { return gaveUpInfo }

// CheckFinish reports the troubles of the guest's log that the device is
// to blame for (DeviceTrouble) and that the run without migration shows
// too: the same line in both logs is the device failing the guest
// whatever the migration does, which the transparent oracle, comparing
// the two logs, cannot see. A line only the migrated run shows is the
// migration's doing, the transparent oracle's to report (it runs first);
// a flow that stopped with an error other than a compatibility check, or
// on one that left the vCPUs halted, is that error's verdict (the guest may
// see a failed migration; comparesLogs).
func (gaveUp) CheckFinish(p *observe.FinishPass) {
	if p.ReferenceLog == nil {
		return
	}
	if _, ok := comparesLogs(p); !ok {
		return
	}
	ref := make(map[string]bool, len(p.ReferenceLog))
	for _, l := range p.ReferenceLog {
		ref[l] = true
	}
	var both []guest.Trouble
	for _, t := range DeviceTrouble(p.GuestTrouble()) {
		if ref[t.Line] {
			both = append(both, t)
		}
	}
	if len(both) == 0 {
		return
	}
	blame := "the device fails the guest whatever the migration does"
	if both[0].Unprepared {
		// The driver gave up before the device saw anything: the
		// scenario's guest program is at fault, still a finding so that
		// such a row never passes, but worded for its author.
		blame = "the guest's program fails it, not the device: it uses a queue, queue pair or feature it never set up (a probe sets the device up, an mq command puts queue pairs above the first in use), whatever the migration does"
	}
	p.Report(withActors(nil, entryActor(both[0].Line)), "%s, and without migration too: %s", TroubleText(both), blame)
}

// DeviceTrouble keeps the troubles of a guest's log (guest.Trouble, in
// log order) that the device or the guest's program is to blame for:
// every one but a command that needs a feature the driver's probe did not
// negotiate (guest.Trouble.Excused), which the driver fails whatever the
// device does. A command sent before any probe set the device up
// (guest.Trouble.Unprepared) is kept whatever it needs, so that a program
// that never probes cannot pass. The gave-up oracle judges a migrated
// run's troubles with it, the conformance kit the run without migration's.
func DeviceTrouble(ts []guest.Trouble) []guest.Trouble {
	var out []guest.Trouble
	for _, t := range ts {
		if !t.Excused() {
			out = append(out, t)
		}
	}
	return out
}

// TroubleText words the first of ts (a non-empty list of troubles, from
// DeviceTrouble) and how many more there are: "the guest gave up on
// flush sector=0 (failed status): vcpu0: FAIL flush sector=0: status 1
// (and 2 more such lines)".
func TroubleText(ts []guest.Trouble) string {
	t := ts[0]
	var msg string
	switch t.Kind {
	case guest.Outstanding:
		msg = "the guest's wait ended with requests outstanding: " + t.Line
	case guest.FailedStatus:
		msg = fmt.Sprintf("the guest gave up on %s (failed status): %s", t.Command, t.Line)
	default:
		msg = fmt.Sprintf("the guest gave up on %s: %s", t.Command, t.Line)
	}
	if len(ts) > 1 {
		msg += fmt.Sprintf(" (and %d more such lines)", len(ts)-1)
	}
	return msg
}
