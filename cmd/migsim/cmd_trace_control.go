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
	"github.com/migsim/migsim/engine/schedfile"
)

// traceControl makes the control run of schedule sc on target t
// (control.Compare) and writes it in format to buf (control.Write, the
// comparison on stderr beside mermaid and pcapng). It returns the control
// run, or the exit status of a run that failed.
func traceControl(ctx context.Context, buf *bytes.Buffer, stderr io.Writer, t catalog.Target, finish func(error) error,
	sc *schedfile.Schedule, dev conformance.Device, path, format string, window, maxSteps int, given bool) (control.Run, int) {
	c, err := control.Compare(t, sc, maxSteps)
	err = finish(err)
	if serr := setupError(err, maxSteps, given); serr != nil {
		return control.Run{}, traceUsageError(stderr, "%v", serr)
	}
	if err != nil {
		return control.Run{}, runFailed(ctx, stderr, "trace", path, sc, dev, err)
	}
	if err := control.Write(buf, stderr, format, c, sc, path, window); err != nil {
		fmt.Fprintf(stderr, "migsim trace: %s: %v\n", path, err)
		return control.Run{}, exitFinding // as writeTrace's error in runTrace
	}
	return c.Control, -1
}

// controlFormat reports whether --without-migration takes --format f.
func controlFormat(f string) bool { return slices.Contains(control.Formats, f) }
