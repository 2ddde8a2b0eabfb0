package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/internal/benchfig"
	"github.com/migsim/migsim/internal/cliflag"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/usererr"
	"github.com/migsim/migsim/spec"
)

const benchVFsUsage = `usage: migsim bench vfs [--count N] [--spec EDITION]

Builds a PF with N VFs enabled (owner driver probe and admin initialisation
included) and touches every VF as a guest first reaches it: a configuration
read of Vendor ID and Device ID and a read of num_queues from the virtio
common configuration, through the reference virtio-blk member, which is built
by that first touch. Prints the heap the VFs hold (heap in use after a
garbage collection, before and after), bytes per touched VF, the peak heap
sampled while touching, and the process's resident set size (VmRSS and VmHWM
of /proc/self/status). Target: under 256 MiB for 65,535 touched VFs; goal
1 KiB per VF. Nothing asserts them.

flags:
`

// runBenchVFs implements `migsim bench vfs`.
func runBenchVFs(args []string, stdout, stderr io.Writer) int {
	fs := pflag.NewFlagSet("bench vfs", pflag.ContinueOnError)
	fs.SetOutput(stdout)
	count := fs.Int("count", 65535, "number of VFs to enable and touch, 1..65535")
	edition := fs.String("spec", spec.Virtio14.String(), "edition: draft-2023 or virtio-1.4")
	fs.Usage = func() {
		fmt.Fprint(stdout, benchVFsUsage)
		fs.PrintDefaults()
	}
	// A count pflag cannot read (not a number, beyond an int) is named
	// with the range as one out of range is, not with an int's.
	limits := []cliflag.IntLimit{cliflag.Int("count", 1, 0xffff, "VFs")}
	if err := cliflag.Parse(fs, args); err != nil {
		if errors.Is(err, pflag.ErrHelp) {
			return cmdbase.ExitOK
		}
		return cmdbase.UsageError(stderr, "bench vfs", "%v", cliflag.Error(err, limits...))
	}
	if fs.NArg() > 0 {
		return cmdbase.UsageError(stderr, "bench vfs", "unexpected arguments %q", fs.Args())
	}
	if err := cliflag.CheckInts(fs, limits...); err != nil {
		return cmdbase.UsageError(stderr, "bench vfs", "%v", err)
	}
	ed, err := spec.ParseEdition(*edition)
	if err != nil {
		return cmdbase.UsageError(stderr, "bench vfs", "--spec: %s", usererr.Text(err))
	}
	m, err := benchfig.MeasureVFs(ed, *count)
	if err != nil {
		fmt.Fprintf(stderr, "migsim %v\n", err)
		return cmdbase.ExitFinding
	}
	m.Write(stdout)
	return cmdbase.ExitOK
}
