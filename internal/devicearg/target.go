package devicearg

import (
	"context"
	"fmt"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/report"
	"github.com/migsim/migsim/trace"
)

// OpenTarget returns the target schedule sc runs: with dev's members, or
// the reference's when dev is nil. finish releases the device; it returns
// the error of the run it was given, or in its place the device's
// protocol error, which explains it (a run the device broke fails as a
// divergence), unless the run replayed to the recorded finding and that
// finding is the device's error (conformance.ShowsDeviceError).
func OpenTarget(ctx context.Context, dev conformance.Device, sc *schedfile.Schedule) (t catalog.Target, finish func(error) error, err error) {
	if dev == nil {
		t, err = catalog.TargetOf(sc)
		return t, func(err error) error { return err }, err
	}
	t, done, err := conformance.ScheduleTarget(ctx, dev, sc)
	if err != nil {
		return t, nil, err
	}
	return t, func(err error) error {
		if derr := done(); derr != nil && (err != nil || !conformance.ShowsDeviceError(sc.Finding)) {
			return fmt.Errorf("device %s: %w", dev.Name(), derr)
		}
		return err
	}, nil
}

// ReportDevice is what a finding report says of the device under test
// on target t: its name and the commands that replay and trace the
// schedule at path with it.
func ReportDevice(dev conformance.Device, t catalog.Target, path string) *report.Device {
	if dev == nil {
		return nil
	}
	d := &report.Device{Target: t, Name: dev.Name()}
	d.Flags, _ = conformance.DeviceFlags(dev)
	for _, c := range [][2]string{{"conform", "--replay " + shellquote.Quote(path)}, {"trace", shellquote.Quote(path) + " --format text"}} {
		if line, ok := conformance.CommandLine(dev, c[0], c[1]); ok {
			d.Reproduce = append(d.Reproduce, line)
		}
	}
	return d
}

// KitCharge returns what decides the charge of schedule sc's finding when
// sc is a counterexample the conformance kit wrote (it records its device)
// replayed with dev: conformance.ChargeOf, the charge `migsim conform
// --replay` and `migsim replay` print, as a finding report and `migsim
// trace` show it (report.Options.Charge). Call it on the run before
// catalog.Target.AnnotateFinding. It returns nil for any other schedule
// (one explore wrote keeps the catalog's view of its requirements) or
// without a device.
func KitCharge(sc *schedfile.Schedule, dev conformance.Device) func(catalog.Target, *schedfile.Schedule, engine.Result) *trace.Charge {
	if sc.Device == "" || dev == nil {
		return nil
	}
	return func(t catalog.Target, sc *schedfile.Schedule, res engine.Result) *trace.Charge {
		return conformance.ChargeOf(t, sc, res).Shown()
	}
}
