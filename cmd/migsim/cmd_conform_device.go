package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// Device names of migsim conform.
const (
	builtinBlk    = "builtin:blk"
	builtinNet    = "builtin:net"
	builtinMutant = "builtin:mutant/"
	execPrefix    = "exec:"
)

// parseDevice builds the device --device names; for a mutant it also
// returns the editions the bug exists in.
func parseDevice(o conformOptions) (conformance.Device, []spec.Edition, error) {
	switch {
	case o.device == builtinBlk:
		return conformance.FactoryDevice(builtinBlk, blk.New), nil, noArgs(o)
	case o.device == builtinNet:
		return conformance.NetFactoryDevice(builtinNet, membernet.New), nil, noArgs(o)
	case strings.HasPrefix(o.device, builtinMutant):
		name := strings.TrimPrefix(o.device, builtinMutant)
		m, ok := mutants.Lookup(name)
		if !ok {
			return nil, nil, fmt.Errorf("--device %q: no mutant %q (migsim conform --list names them)", o.device, name)
		}
		var eds []spec.Edition
		if len(o.editions) == 0 {
			eds = m.Editions
		}
		if m.Device == mutants.DeviceNet {
			return conformance.NetFactoryDevice(o.device, m.Factory(membernet.New)), eds, noArgs(o)
		}
		return conformance.FactoryDevice(o.device, m.Factory(blk.New)), eds, noArgs(o)
	case strings.HasPrefix(o.device, execPrefix):
		path := strings.TrimPrefix(o.device, execPrefix)
		if path == "" {
			return nil, nil, fmt.Errorf("--device exec: names no program")
		}
		// The program is looked up as exec.Command will start it (a name
		// without a slash on PATH): one that cannot start is the user's
		// input, not a device that broke the protocol. A file of the current
		// directory named without a slash is not on PATH: the error says so.
		if _, err := exec.LookPath(path); err != nil {
			hint := ""
			if _, serr := os.Stat(path); serr == nil && !strings.ContainsRune(path, os.PathSeparator) {
				hint = fmt.Sprintf(" (a name without a slash is looked up in $PATH; %q runs the file in this directory)", "exec:./"+path)
			}
			return nil, nil, fmt.Errorf("--device %q: cannot start %q: %w%s", o.device, path, lookPathCause(err), hint)
		}
		argv := append([]string{path}, o.args...)
		return conformance.ExecDevice(argv, extdevice.Options{Timeout: o.timeout, Procs: o.procs, Transcript: o.transcriptW}), nil, nil
	}
	return nil, nil, fmt.Errorf("--device %q: want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH", o.device)
}

// lookPathCause drops exec.LookPath's own wrapping ("exec: \"x\": ") and
// the stat error's ("stat x: "), which repeat the path unquoted.
func lookPathCause(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		err = ee.Err
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// noArgs refuses arguments for a builtin device.
func noArgs(o conformOptions) error {
	if len(o.args) > 0 {
		return fmt.Errorf("arguments %q: only an exec: device takes arguments", o.args)
	}
	return nil
}

// listBuiltins prints the builtin devices.
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
		devs = append(devs, d)
	}
	fmt.Fprintf(stdout, "throughput of %s/%s: %d random schedules, memo off, jobs %d\n", conformance.BenchScenario,
		conformance.BenchEdition, n, o.jobs)
	var base float64
	for i, d := range devs {
		tp, err := conformance.MeasureThroughput(context.Background(), d, n, o.jobs)
		if err != nil {
			fmt.Fprintf(stderr, "migsim conform: %v\n", err)
			return deviceErrorExit(err)
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
