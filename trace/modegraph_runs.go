package trace

import (
	"fmt"
	"strconv"
	"strings"
)

// minArcRun is the fewest arcs on consecutive VFs that an output writes as
// one range: a VM of many VFs moves each of them the same way, one after
// another, and one label or row per VF buries the few that differ.
const minArcRun = 3

// arcRun is a run of arcs of one kind, transition and cause on the
// consecutive VFs of one host, each later in the run than the one before;
// First and Last are its ends, N its length.
type arcRun struct {
	First, Last ModeArc
	N           int
}

// arcRuns groups arcs, in their order, into runs (arcRun): an arc joins
// the run before it when it is of the same kind, transition and cause, on
// the next VF of the same host, at a later step. A run shorter than
// minArcRun stays single arcs.
func arcRuns(arcs []ModeArc) []arcRun {
	var out []arcRun
	for i := 0; i < len(arcs); {
		j := i + 1
		for j < len(arcs) && follows(arcs[j-1], arcs[j]) {
			j++
		}
		if j-i < minArcRun {
			j = i + 1
		}
		out = append(out, arcRun{First: arcs[i], Last: arcs[j-1], N: j - i})
		i = j
	}
	return out
}

// follows reports whether arc b continues a run whose last arc is a.
func follows(a, b ModeArc) bool {
	if a.Kind != b.Kind || a.From != b.From || a.To != b.To || a.Why != b.Why || b.Step <= a.Step {
		return false
	}
	ha, va, ok := vfOf(a.Function)
	hb, vb, okb := vfOf(b.Function)
	return ok && okb && ha == hb && vb == va+1
}

// vfOf splits a member's function name, "src.vf12", into its host and VF
// number.
func vfOf(fn string) (string, int, bool) {
	host, vf, ok := strings.Cut(fn, ".vf")
	if !ok {
		return "", 0, false
	}
	n, err := strconv.Atoi(vf)
	return host, n, err == nil
}

// Functions names the run's functions: "src.vf1" alone, "src.vf1-vf64"
// for a range.
func (r arcRun) Functions() string {
	if r.N == 1 {
		return r.First.Function
	}
	_, vf, _ := vfOf(r.Last.Function)
	return fmt.Sprintf("%s-vf%d", r.First.Function, vf)
}

// Steps names the run's steps: "187" alone, "187-943" for a range.
func (r arcRun) Steps() string {
	if r.N == 1 {
		return strconv.Itoa(r.First.Step)
	}
	return fmt.Sprintf("%d-%d", r.First.Step, r.Last.Step)
}
