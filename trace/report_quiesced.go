package trace

import (
	"regexp"
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/record"
)

// maxQuiescedWrites bounds the writes to a quiesced member a report's
// step list adds (quiescedWrites): the latest ones before the finding.
const maxQuiescedWrites = 3

// memberName matches an actor that is a member function ("src.vf1").
var memberName = regexp.MustCompile(`^[A-Za-z0-9_-]+\.vf[0-9]+$`)

// quiescedWrites returns, ascending, the steps up to the finding's in
// which another actor's write TLP (memory or configuration) reached a
// member the finding involves while that member was quiesced (Stop,
// Freeze or stopped, as the trace's state records give its mode): the
// latest maxQuiescedWrites of them per member. A change the device made
// while the owner had it quiesced (a frozen context that moved, a write
// the destination never saw) usually starts at one of these, often a
// few dozen steps before the read that shows it, out of reach of the
// steps just before the finding.
func quiescedWrites(f *engine.Finding, events []record.TraceEvent) []int {
	last := FindingEventStep(f)
	var out []int
	for _, m := range f.Actors {
		if !memberName.MatchString(m) {
			continue
		}
		quiesced := false
		var steps []int
		for _, e := range events {
			if e.Step > last {
				break
			}
			switch {
			case e.Kind == record.TraceState && e.Host+"."+e.Target == m:
				quiesced = e.State.Mode.Quiesced()
			case quiesced && e.Kind == record.TraceTLP && e.To == m && e.From != m &&
				(e.TLP.Kind == pcie.MemWrite || e.TLP.Kind == pcie.CfgWrite):
				if len(steps) == 0 || steps[len(steps)-1] != e.Step {
					steps = append(steps, e.Step)
				}
			}
		}
		out = append(out, steps[max(0, len(steps)-maxQuiescedWrites):]...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}
