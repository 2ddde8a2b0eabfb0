package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/compatreport"
	"github.com/migsim/migsim/internal/inputfile"
	"github.com/migsim/migsim/internal/usererr"
)

// compatState implements `migsim compat --state SAVED DST`: every
// load-time check of a saved state, as a destination runs it before it
// applies anything (compat.CheckSavedState): the header's format, CRC32C
// and payload length, the precheck stages, the manifest, and the whole
// payload decoded, cross-checked against the manifest and the header's
// features. A file that is not a
// saved state at all (empty, another magic, a header cut short) is an
// input error (exit 2), not a verdict.
func compatState(savedPath, dstPath, format string, stdout, stderr io.Writer) int {
	saved, err := inputfile.ReadFile(savedPath, inputfile.SavedState)
	if err != nil {
		fmt.Fprintf(stderr, "migsim compat: SAVED: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	h, _, herr := compat.DecodeHeader(saved)
	var de *compat.CompatDecodeError
	if errors.As(herr, &de) && de.NotState {
		fmt.Fprintf(stderr, "migsim compat: SAVED %s: not a saved state: byte %d: %s\n", savedPath, de.Offset, de.What)
		return cmdbase.ExitUsage
	}
	dst, err := readCompatDestination(dstPath)
	if err != nil {
		fmt.Fprintf(stderr, "migsim compat: %s\n", usererr.Text(err))
		return cmdbase.ExitUsage
	}
	plan, err := compat.CheckSavedState(saved, dst, compat.Where{Phase: compat.PhaseLoad})
	rep := compatreport.Report{Model: "(unknown)"}
	if herr == nil {
		rep.Model, rep.StateVersion = h.Model, h.StateVersion
	}
	rep, err = compatreport.Fill(rep, plan, err)
	return writeCompatReport(stdout, stderr, rep, err, format)
}
