package main

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// Device names of migsim conform.
const (
	builtinBlk    = devicearg.Blk
	builtinNet    = devicearg.Net
	builtinMutant = devicearg.MutantPrefix
	execPrefix    = devicearg.ExecPrefix
)

// parseDevice builds the device --device names (devicearg.Parse); for a
// mutant it also returns the editions the bug exists in.
func parseDevice(o conformOptions) (conformance.Device, []spec.Edition, error) {
	return devicearg.Parse(devicearg.Spec{Name: o.device, Args: o.args, EditionsGiven: len(o.editions) > 0,
		Timeout: o.timeout, Procs: o.procs, Transcript: o.transcriptW})
}

// listBuiltins prints the builtin devices, one a line: its name and what
// it is (a mutant: its bug and the editions it exists in).
func listBuiltins(w io.Writer) {
	fmt.Fprintf(w, "%-44s %s\n", builtinBlk, "the reference virtio-blk (member/blk)")
	fmt.Fprintf(w, "%-44s %s\n", builtinNet, "the reference virtio-net (member/net): the catalog's virtio-net rows")
	for _, m := range mutants.All() {
		var eds []string
		for _, e := range m.Editions {
			eds = append(eds, e.String())
		}
		fmt.Fprintf(w, "%-44s %s (%s)\n", builtinMutant+m.Name, m.Doc, strings.Join(eds, ", "))
	}
}

// conformBench measures runs per second in-process and with the device.
func conformBench(o conformOptions, stdout, stderr io.Writer) int {
	n := o.schedules
	if n <= 0 {
		n = 300
	}
	devs := []conformance.Device{conformance.FactoryDevice(builtinBlk+" (in-process)", blk.New)}
	if o.device != "" {
		d, _, err := parseDevice(o)
		if err != nil {
			return usageError(stderr, "conform", "%v", err)
		}
		if t, ok := d.(interface{ DeviceType() string }); ok && t.DeviceType() == "net" {
			// A virtio-net device runs a virtio-net row, against the reference virtio-net.
			ref, _ := conformance.BuiltinDevice(builtinNet)
			f, _, _ := ref.Open()
			devs[0] = conformance.NetFactoryDevice(builtinNet+" (in-process)", f)
		}
		devs = append(devs, d)
	}
	var base float64
	for i, d := range devs {
		tp, err := conformance.MeasureThroughput(context.Background(), d, n, o.jobs)
		if err != nil {
			fmt.Fprintf(stderr, "migsim conform: %v\n", err)
			return deviceErrorExit(err)
		}
		if i == 0 { // the row (the device type's bench row) and the edition
			fmt.Fprintf(stdout, "throughput of %s: %d random schedules, memo off, jobs %d\n", tp.Row, n, o.jobs)
		}
		line := fmt.Sprintf("  %-40s %6d runs in %8.3fs: %8.1f runs/s", d.Name(), tp.Runs, tp.Elapsed.Seconds(), tp.PerSecond())
		if i == 0 {
			base = tp.PerSecond()
		} else if tp.PerSecond() > 0 {
			line += fmt.Sprintf(" (%.1fx slower)", base/tp.PerSecond())
		}
		fmt.Fprintln(stdout, line)
	}
	return exitOK
}
