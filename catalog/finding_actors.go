package catalog

import (
	"slices"

	"github.com/migsim/migsim/engine"
)

// SliceActors names the actors with a step in res's causal slice
// (engine.CausalSlice: the steps its finding depends on), in the order of
// their first step there; isActor tells an actor (a guest vCPU, a peer,
// the hypervisor) from a device or a bus lane, whose steps a finding's
// actors do not name, and name names it. None without a finding.
func SliceActors(res engine.Result, isActor func(int) bool, name func(int) string) []string {
	var out []string
	for _, i := range engine.CausalSlice(res) {
		if id := res.Choices[i].Actor; isActor(id) {
			if n := name(id); !slices.Contains(out, n) {
				out = append(out, n)
			}
		}
	}
	return out
}

// findingActors are a finding's actors as every output shows them: the
// ones its oracle named (whose observation shows the finding), then every
// other actor its causal slice has a step of (slice), so that a peer
// whose kick the finding needs is named although the guest's log does
// not mention it.
func findingActors(oracleActors, slice []string) []string {
	out := slices.Clone(oracleActors)
	for _, a := range slice {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// AnnotateReports annotates the finding of each report of an exploration
// of t (strategy, base seed) as AnnotateFinding does on the schedule file
// of its run as found: the requirements and actors an exploration lists
// for a finding are the ones replay, trace and report show for that run,
// not the oracle's own list. It stops at the first error.
func (t Target) AnnotateReports(strategy string, baseSeed uint64, reps []engine.Report) error {
	for i := range reps {
		r := &reps[i]
		if err := AnnotateFinding(t.Schedule(strategy, baseSeed, r.Index, r.Result), &r.Finding, t.MaxSteps); err != nil {
			return err
		}
	}
	return nil
}
