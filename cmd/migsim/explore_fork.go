package main

import (
	"fmt"
	"io"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/world"
)

// printForkStats says on w what the copies of an exploration with --fork
// did (engine.ForkStats) and why the world refused the copies it refused
// (world.ForkRefusals).
func printForkStats(w io.Writer, strategy string, st engine.ForkStats) {
	if strategy != engine.StrategyDFS {
		fmt.Fprintf(w, "fork: %s kept at the first choice point (one a job), %s from a copy (%s not run again), %d built, %s refused\n",
			plural.Count(st.Taken, "copy"), plural.Count(st.Restored, "run"), plural.Count(int(st.SkippedDecisions), "decision"), st.Replayed,
			plural.Count(st.Refused, "copy"))
	} else {
		fmt.Fprintf(w, "fork: %s kept (none at %s the search cannot branch at), %s from a copy (%d from the kept copy itself; %s not replayed), %d replayed from the start\n",
			plural.Count(st.Taken, "copy"), plural.Count(st.NotBranching, "decision"), plural.Count(st.Restored, "run"), st.TakenOver,
			plural.Count(int(st.SkippedDecisions), "decision"), st.Replayed)
	}
	for _, r := range world.ForkRefusals() {
		fmt.Fprintf(w, "fork: refused %s\n", r)
	}
}
