// Package kept holds what a world's kept copy is besides the world's
// data: a copy a dfs search keeps at a decision and never runs (its
// engine.System methods panic: only forking and closing it are allowed),
// and the process-wide counts of the copies the worlds refused to make, by
// reason (docs/engine.md, "Forking dfs runs").
package kept

import (
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/migsim/migsim/engine"
)

// Unrunnable is embedded in a kept copy of a world: every method that
// would run it panics, naming itself.
type Unrunnable struct{}

func misuse(what string) {
	panic(fmt.Sprintf("world: %s called on a kept copy of the world, whose actors are not rebuilt: fork it to run it", what))
}

// Enabled panics: a kept copy is never run.
func (Unrunnable) Enabled([]engine.Step) []engine.Step { misuse("Enabled"); return nil }

// Execute panics: a kept copy is never run.
func (Unrunnable) Execute(engine.Step) *engine.Finding { misuse("Execute"); return nil }

// NextTimer panics: a kept copy is never run.
func (Unrunnable) NextTimer() (engine.VTime, bool) { misuse("NextTimer"); return 0, false }

// Advance panics: a kept copy is never run.
func (Unrunnable) Advance(engine.VTime) { misuse("Advance") }

// Done panics: a kept copy is never run.
func (Unrunnable) Done() bool { misuse("Done"); return false }

// Finish panics: a kept copy is never run.
func (Unrunnable) Finish() *engine.Finding { misuse("Finish"); return nil }

// forkRefusals counts the copies refused, by reason, for the whole
// process (Refusals): a measure of the fork, read outside the runs.
var forkRefusals struct {
	sync.Mutex
	by map[string]int
}

// Refused counts a refusal, by its reason with the actor's name left
// out ("world: rebuild guest vcpu0: ..." counts as "world: rebuild guest:
// ...").
func Refused(reason string) {
	for _, kind := range []string{"world: rebuild guest ", "world: rebuild peer "} {
		if rest, ok := strings.CutPrefix(reason, kind); ok {
			if _, after, ok := strings.Cut(rest, ": "); ok {
				reason = strings.TrimSuffix(kind, " ") + ": " + after
			}
		}
	}
	if k := strings.Index(reason, "actorlog: entry "); k >= 0 {
		reason = reason[:k] + "actorlog: a mismatch"
	}
	forkRefusals.Lock()
	defer forkRefusals.Unlock()
	if forkRefusals.by == nil {
		forkRefusals.by = map[string]int{}
	}
	forkRefusals.by[reason]++
}

// Refusals lists the copies the worlds of this process refused to
// make (Fork), by reason, most frequent first: "N reason" lines.
func Refusals() []string {
	forkRefusals.Lock()
	defer forkRefusals.Unlock()
	out := make([]string, 0, len(forkRefusals.by))
	for r, n := range forkRefusals.by {
		out = append(out, fmt.Sprintf("%d %s", n, r))
	}
	sort.Slice(out, func(i, j int) bool {
		var a, b int
		fmt.Sscan(out[i], &a)
		fmt.Sscan(out[j], &b)
		if a != b {
			return a > b
		}
		return out[i] < out[j]
	})
	return out
}
