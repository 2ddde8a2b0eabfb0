package benchfig

import (
	"context"
	"fmt"
	"io"
	"runtime"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/member/blk"
)

// DefaultDeviceSchedules is how many schedules `migsim conform --bench`
// measures when --schedules does not say.
const DefaultDeviceSchedules = 300

// Reference is the in-process reference device a device under test is
// measured against (nil: the reference alone): the reference virtio-net
// for a virtio-net device, whose bench row is a virtio-net one, else the
// reference virtio-blk.
func Reference(d conformance.Device) conformance.Device {
	if t, ok := d.(interface{ DeviceType() string }); ok && t.DeviceType() == "net" {
		ref, _ := conformance.BuiltinDevice(devicearg.Net)
		f, _, _ := ref.Open()
		return conformance.NetFactoryDevice(devicearg.Net+" (in-process)", f)
	}
	return conformance.FactoryDevice(devicearg.Blk+" (in-process)", blk.New)
}

// jobsText says how many jobs ran: --jobs 0 is GOMAXPROCS, which it names
// with its value rather than as "jobs 0".
func jobsText(jobs int) string {
	if jobs == 0 {
		return fmt.Sprintf("jobs %d (GOMAXPROCS)", runtime.GOMAXPROCS(0))
	}
	return fmt.Sprintf("jobs %d", jobs)
}

// WriteDevices measures the executed runs per second of the bench row
// (conformance.MeasureThroughput: n random schedules, memo off) with each
// device, the reference first, and prints a line a device with the ratio
// to the reference's rate. The error is the first device's that failed.
func WriteDevices(w io.Writer, devs []conformance.Device, n, jobs int) error {
	var base float64
	for i, d := range devs {
		tp, err := conformance.MeasureThroughput(context.Background(), d, n, jobs)
		if err != nil {
			return err
		}
		if i == 0 { // the row (the device type's bench row) and the edition
			fmt.Fprintf(w, "throughput of %s: %d random schedules, memo off, %s\n", tp.Row, n, jobsText(jobs))
		}
		line := fmt.Sprintf("  %-40s %6d runs in %8.3fs: %8.1f runs/s", d.Name(), tp.Runs, tp.Elapsed.Seconds(), tp.PerSecond())
		if i == 0 {
			base = tp.PerSecond()
		} else if tp.PerSecond() > 0 {
			line += fmt.Sprintf(" (%.1fx slower)", base/tp.PerSecond())
		}
		fmt.Fprintln(w, line)
	}
	return nil
}
