package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/devicearg"
)

// deviceFlag is --device and --timeout of migsim replay, trace and
// report: the device under test that replays the schedule instead of the
// reference or the device the file records, named as migsim conform
// --device names it (parseDevice), an exec device's arguments after "--".
type deviceFlag struct {
	device  string
	timeout time.Duration
}

// add registers the flags on fs.
func (d *deviceFlag) add(fs *pflag.FlagSet) {
	fs.StringVar(&d.device, "device", "", "replay with this device instead of the one the file records (none: the reference): builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH (as migsim conform; an exec device's arguments follow --)")
	fs.DurationVar(&d.timeout, "timeout", extdevice.DefaultTimeout, "with --device exec:PATH: the wall-clock deadline of every request (more than 0s, at most 10m)")
}

// parse returns the positional arguments and the device the flags name
// (nil without --device). With --device, the arguments after "--" are the
// device's; without it every argument is positional, as before the flag.
func (d *deviceFlag) parse(fs *pflag.FlagSet) ([]string, conformance.Device, error) {
	args := fs.Args()
	if err := checkTimeout(d.timeout); err != nil {
		return nil, nil, err
	}
	if d.device == "" {
		if fs.Changed("timeout") {
			return nil, nil, fmt.Errorf("--timeout goes with --device exec:PATH")
		}
		return args, nil, nil
	}
	if !strings.HasPrefix(d.device, execPrefix) && fs.Changed("timeout") {
		return nil, nil, fmt.Errorf("--timeout: only an exec: device has requests")
	}
	var devArgs []string
	if n := fs.ArgsLenAtDash(); n >= 0 {
		args, devArgs = args[:n], args[n:]
	}
	dev, _, err := parseDevice(conformOptions{device: d.device, args: devArgs, timeout: d.timeout})
	return args, dev, err
}

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

// checkTimeout checks --timeout, the deadline of one request to an
// external device.
func checkTimeout(t time.Duration) error {
	if t <= 0 || t > maxTimeout {
		return fmt.Errorf("--timeout %v: want more than 0s and at most %v (the deadline of one request)", t, maxTimeout)
	}
	return nil
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

// deviceMessage words the error of a run after "FILE with DEVICE: ",
// which names the file and the device already: an external device's
// error alone, else the error as the user reads it.
func deviceMessage(err error) string {
	var xe *extdevice.Error
	if errors.As(err, &xe) {
		return xe.Error()
	}
	return userError(err)
}
