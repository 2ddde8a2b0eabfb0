package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/catalog/control"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
)

// traceControl makes the control run of schedule sc on target t
// (control.Compare) and writes it in format to buf (control.Write, the
// comparison on stderr beside mermaid and pcapng). It returns the control
// run, or the exit status of a run that failed.
func traceControl(ctx context.Context, buf *bytes.Buffer, stderr io.Writer, t catalog.Target, finish func(error) error,
	sc *schedfile.Schedule, dev conformance.Device, path, format string, window, maxSteps int, given string) (control.Run, int) {
	c, err := control.Compare(t, sc, maxSteps)
	err = finish(err)
	if serr := setupError(err, maxSteps, given); serr != nil {
		return control.Run{}, traceUsageError(stderr, "%v", serr)
	}
	if err != nil {
		return control.Run{}, cmdbase.RunFailed(ctx, stderr, "trace", path, sc, dev, err)
	}
	if err := control.Write(buf, stderr, format, c, sc, path, window); err != nil {
		fmt.Fprintf(stderr, "migsim trace: %s: %v\n", path, err)
		return control.Run{}, cmdbase.ExitFinding // as writeTrace's error in runTrace
	}
	return c.Control, -1
}

// replayControl is `migsim replay --without-migration`: the control run
// of schedule sc, read from path, on target t beside its strict replay
// (control.Compare), their comparison as trace's text says it
// (control.WriteSummary) and the replay's trace hash. It exits 1 when
// either run has a finding, 0 when neither has.
func replayControl(ctx context.Context, stdout, stderr io.Writer, t catalog.Target, finish func(error) error,
	sc *schedfile.Schedule, dev conformance.Device, path string, maxSteps int, given string) int {
	c, err := control.Compare(t, sc, maxSteps)
	err = finish(err)
	if serr := setupError(err, maxSteps, given); serr != nil {
		return cmdbase.UsageError(stderr, "replay", "%v", serr)
	}
	if err != nil {
		return cmdbase.RunFailed(ctx, stderr, "replay", path, sc, dev, err)
	}
	if err := control.WriteSummary(stdout, c, path); err != nil {
		fmt.Fprintf(stderr, "migsim replay: %s: %v\n", path, err)
		return cmdbase.ExitUnwritten
	}
	if m := c.Migrated; m != nil {
		fmt.Fprintf(stdout, "trace hash %s (matches the recording)\n", engine.FormatHash(m.Result.TraceHash))
	}
	if c.Fault() == control.FaultNone {
		return cmdbase.ExitOK
	}
	return cmdbase.ExitFinding
}

// controlFormat reports whether --without-migration takes --format f.
func controlFormat(f string) bool { return slices.Contains(control.Formats, f) }
