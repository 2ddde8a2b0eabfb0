package main

import (
	"fmt"
	"io"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world"
)

// printForkStats says on w what the copies of an exploration with --fork
// did (engine.ForkStats) and why the world refused the copies it refused
// (world.ForkRefusals).
func printForkStats(w io.Writer, strategy string, st engine.ForkStats) {
	if strategy != engine.StrategyDFS {
		fmt.Fprintf(w, "fork: %d copies kept at the first choice point (one a job), %d runs from a copy (%d decisions not run again), %d built, %d copies refused\n",
			st.Taken, st.Restored, st.SkippedDecisions, st.Replayed, st.Refused)
	} else {
		fmt.Fprintf(w, "fork: %d copies kept (none at %d decisions the search cannot branch at), %d runs from a copy (%d from the kept copy itself; %d decisions not replayed), %d replayed from the start\n",
			st.Taken, st.NotBranching, st.Restored, st.TakenOver, st.SkippedDecisions, st.Replayed)
	}
	for _, r := range world.ForkRefusals() {
		fmt.Fprintf(w, "fork: refused %s\n", r)
	}
}
