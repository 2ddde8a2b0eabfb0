package cmdbase

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/internal/replayverdict"
)

// ScheduleDevice is the device `migsim COMMAND … REST` replays schedule
// sc, read from path, with: given (--device), else the one the file
// records, else nil for the reference (devicearg.ForSchedule). It prints
// the choice's note on stderr; ok is false when it printed why there is
// no device to replay with (exit 2).
func ScheduleDevice(stderr io.Writer, command, rest, path string, sc *schedfile.Schedule, given conformance.Device) (dev conformance.Device, ok bool) {
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

// DeviceContext returns the context of a run with dev: for an external
// device, one that Ctrl-C ends (the request in progress then ends at
// once, and the command exits 130); for any other, one that never ends,
// Ctrl-C killing the short run as it did without --device.
func DeviceContext(dev conformance.Device) (context.Context, func()) {
	if dev == nil || !strings.HasPrefix(dev.Name(), devicearg.ExecPrefix) {
		return context.Background(), func() {}
	}
	ctx, _, stop := Interrupts()
	return ctx, stop
}

// RunFailed says why a run of schedule sc, read from path (with dev, when
// set), failed and returns the exit status: 130 when ctx ended a run with
// the device, else as DeviceErrorExit has it (1 for a run that does not
// replay, a counterexample the device no longer fails included, or a
// device that broke the protocol).
func RunFailed(ctx context.Context, stderr io.Writer, cmd, path string, sc *schedfile.Schedule, dev conformance.Device, err error) int {
	with := ""
	if dev != nil {
		with = " with " + dev.Name()
	}
	switch {
	case dev != nil && ctx.Err() != nil:
		fmt.Fprintf(stderr, "migsim %s: %s%s: interrupted\n", cmd, path, with)
		return ExitInterrupted
	case dev != nil && errors.Is(err, engine.ErrPastEnd) && sc.Finding != nil:
		// As migsim conform --replay says it, but a strict replay has
		// nothing to show past the recorded steps.
		fmt.Fprintf(stderr, "migsim %s: %s%s: the recorded finding (%s at step %d) did not occur: the device no longer fails this counterexample\n",
			cmd, path, with, sc.Finding.Oracle, engine.ShownStep(sc.Finding.Step))
		return ExitFinding
	}
	fmt.Fprintf(stderr, "migsim %s: %s%s: %s\n", cmd, path, with, replayverdict.DeviceMessage(err))
	return DeviceErrorExit(err)
}

// DeviceErrorExit is the exit status of an error the kit or a run with a
// device returned: a device program that cannot be started, one that
// broke the protocol in its handshake (extdevice.Error.Handshake: before
// anything was judged, it showed it is no device of the protocol), a
// device of another type than the schedule's VFs, or a line over the
// kit's limit (extdevice.ErrKitLimit) is an input error (2), a request
// cut short by Ctrl-C an interruption (130), anything else a device that
// broke while it was judged or a run that does not replay (1).
func DeviceErrorExit(err error) int {
	var se *extdevice.StartError
	var xe *extdevice.Error
	switch {
	case errors.As(err, &se), errors.Is(err, conformance.ErrDeviceType), errors.Is(err, extdevice.ErrKitLimit):
		return ExitUsage
	case errors.As(err, &xe) && xe.Interrupted:
		return ExitInterrupted
	case errors.As(err, &xe) && xe.Handshake:
		// The program broke the protocol before it was judged: it is no
		// device of the protocol, an input error as a program that
		// cannot be started is.
		return ExitUsage
	}
	return ExitFinding
}
