package main

import (
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
)

// afterExplorationNote is what explore says on stderr of a Ctrl-C that
// came after the exploration ended: what it cut of the work on the first
// finding. shrunk is nil without a finding; raceCut says the check for
// the guest's own race was cut; ex and nar are the explanation and the
// narrowed slice (nil when not made), wanted when explainWanted and
// sliceWanted. A shrink that ran to its end is not said to be cut: the
// schedule written is then as small as the shrink makes it. A shrink the
// interrupt cut cuts what comes after it too, which the note names.
func afterExplorationNote(shrunk *engine.ShrinkResult, raceCut bool, ex *explain.Explanation, explainWanted bool, nar *explain.Narrowed, sliceWanted bool) string {
	const base = "interrupted after the exploration ended"
	if shrunk == nil {
		return base
	}
	var cut []string
	if raceCut {
		cut = append(cut, "the check whether the guest's program races with itself")
	}
	if explainWanted && (ex == nil || ex.Interrupted) {
		cut = append(cut, "the explanation")
	}
	if sliceWanted && (nar == nil || nar.Interrupted) {
		cut = append(cut, "the slice's narrowing")
	}
	msg := base + ": the finding's schedule is written, shrunk to the end"
	if shrunk.Interrupted {
		msg = base + ": the finding's schedule is written as far as shrinking got"
	}
	switch n := len(cut); n {
	case 0:
		return msg
	case 1:
		return msg + "; the interrupt cut " + cut[0]
	default:
		return msg + "; the interrupt cut " + strings.Join(cut[:n-1], ", ") + " and " + cut[n-1]
	}
}
