package main

import (
	"fmt"
	"io"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/internal/inputfile"
)

// compatState implements `migsim compat --state SAVED DST`: every
// load-time check of a saved state, as a destination runs it before it
// applies anything (compat.CheckSavedState): the header's format, CRC32C
// and payload length, the precheck stages, the manifest, and the payload's
// parts and their queue selectors against num-queues.
func compatState(savedPath, dstPath, format string, stdout, stderr io.Writer) int {
	saved, err := inputfile.ReadFile(savedPath, inputfile.SavedState)
	if err != nil {
		fmt.Fprintf(stderr, "migsim compat: SAVED: %v\n", err)
		return exitUsage
	}
	dst, err := readCompatDestination(dstPath)
	if err != nil {
		fmt.Fprintf(stderr, "migsim compat: %v\n", err)
		return exitUsage
	}
	plan, err := compat.CheckSavedState(saved, dst, compat.Where{Phase: compat.PhaseLoad})
	rep := compatReport{Model: "(unknown)"}
	if h, _, herr := compat.DecodeHeader(saved); herr == nil {
		rep.Model, rep.StateVersion = h.Model, h.StateVersion
	}
	return writeCompatReport(stdout, fillCompatReport(rep, plan, err), format)
}
