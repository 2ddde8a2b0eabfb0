package oracle

import (
	"fmt"
	"strings"

	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// AtomicLoad is the atomic-load oracle: a rejected load leaves the
// destination member unchanged (docs/compat.md, "Decision procedure", step
// 10).
var AtomicLoad observe.LoadOracle = atomicLoad{}

type atomicLoad struct{}

var atomicLoadInfo = observe.OracleInfo{
	Name: "atomic-load",
	Doc:  "a rejected context write leaves the destination member unchanged",
	Reqs: []string{"DP-DEV-08", "ADM-DEV-03"},
	Observes: "the destination member's status and context digest (as it reports them) before a load and after " +
		"the load was rejected, by the compatibility check or by the device; not judged when the host saw an FLR " +
		"or a device reset of the member in progress at the load or start before the rejection, or the owner " +
		"device's reset ended the load (a PF FLR, which resets every VF; the owner driver's command failed with it): " +
		"the member changes by itself then (a reply held for an FLR comes with the FLR's changes, DP-DEV-12); nor when " +
		"the host had the member running at the load's start or rejection (its context moves with the guest's requests), " +
		"or a write TLP reached it during the load while it was not frozen (a stopped member takes notifications and " +
		"register writes and may change, DRAFT-STOP-03, DP-DEV-10), or a notification while frozen under freeze-notify=latch",
}

func (atomicLoad) Info() observe.OracleInfo { return atomicLoadInfo }

// CheckRejectedLoad reports a member that is not exactly as before.
func (atomicLoad) CheckRejectedLoad(p *observe.LoadPass) {
	if p.After == p.Before || p.Reset || movedByItself(p) {
		return
	}
	var what []string
	if p.After.ContextDigest != p.Before.ContextDigest {
		what = append(what, fmt.Sprintf("context digest %#x → %#x", p.Before.ContextDigest, p.After.ContextDigest))
	}
	if p.After.Status != p.Before.Status {
		what = append(what, fmt.Sprintf("status %+v → %+v", p.Before.Status, p.After.Status))
	}
	name := p.Member.Name()
	p.Report([]string{p.Who, name}, "%s changed although its load was rejected (%v): %s", name, p.Err, strings.Join(what, ", "))
}

// movedByItself reports whether the member may have changed during the
// rejected load without the load: running, or reached by a write TLP
// while not frozen, or by a notification while frozen under
// freeze-notify=latch.
func movedByItself(p *observe.LoadPass) bool {
	latched := p.Frozen && p.Notified && p.Rules().FreezeNotify == spec.FreezeNotifyLatch
	return p.Running || (p.Written && !p.Frozen) || latched
}
