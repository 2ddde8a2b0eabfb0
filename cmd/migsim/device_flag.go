package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/internal/replayverdict"
)

// scheduleDevice is the device `migsim COMMAND … REST` replays schedule
// sc, read from path, with: given (--device), else the one the file
// records, else nil for the reference (devicearg.ForSchedule). It prints
// the choice's note on stderr; ok is false when it printed why there is
// no device to replay with (exit 2).
func scheduleDevice(stderr io.Writer, command, rest, path string, sc *schedfile.Schedule, given conformance.Device) (dev conformance.Device, ok bool) {
	dev, note, err := devicearg.ForSchedule(command, rest, path, sc, given)
	if err != nil {
		fmt.Fprintf(stderr, "migsim %s: %v\n", command, err)
		return nil, false
	}
	if note != "" {
		fmt.Fprintf(stderr, "migsim %s: %s\n", command, note)
	}
	return dev, true
}

// deviceContext returns the context of a run with dev: for an external
// device, one that Ctrl-C ends (the request in progress then ends at
// once, and the command exits 130); for any other, one that never ends,
// Ctrl-C killing the short run as it did without --device.
func deviceContext(dev conformance.Device) (context.Context, func()) {
	if dev == nil || !strings.HasPrefix(dev.Name(), execPrefix) {
		return context.Background(), func() {}
	}
	ctx, _, stop := interrupts()
	return ctx, stop
}

// runFailed says why a run of schedule sc, read from path (with dev, when
// set), failed and returns the exit status: 130 when ctx ended a run with
// the device, else as deviceErrorExit has it (1 for a run that does not
// replay, a counterexample the device no longer fails included, or a
// device that broke the protocol).
func runFailed(ctx context.Context, stderr io.Writer, cmd, path string, sc *schedfile.Schedule, dev conformance.Device, err error) int {
	with := ""
	if dev != nil {
		with = " with " + dev.Name()
	}
	switch {
	case dev != nil && ctx.Err() != nil:
		fmt.Fprintf(stderr, "migsim %s: %s%s: interrupted\n", cmd, path, with)
		return exitInterrupted
	case dev != nil && errors.Is(err, engine.ErrPastEnd) && sc.Finding != nil:
		// As migsim conform --replay says it, but a strict replay has
		// nothing to show past the recorded steps.
		fmt.Fprintf(stderr, "migsim %s: %s%s: the recorded finding (%s at step %d) did not occur: the device no longer fails this counterexample\n",
			cmd, path, with, sc.Finding.Oracle, engine.ShownStep(sc.Finding.Step))
		return exitFinding
	}
	fmt.Fprintf(stderr, "migsim %s: %s%s: %s\n", cmd, path, with, deviceMessage(err))
	return deviceErrorExit(err)
}

// deviceMessage words the error of a run after "FILE with DEVICE: "
// (replayverdict.DeviceMessage).
var deviceMessage = replayverdict.DeviceMessage
