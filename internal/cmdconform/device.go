package cmdconform

import (
	"fmt"
	"github.com/spf13/pflag"
	"io"
	"strings"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/internal/benchfig"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/spec"
)

// Device names of migsim conform (internal/devicearg).
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
		Timeout: o.timeout, HelloTimeout: o.helloTimeout, Procs: o.procs, Transcript: o.transcriptW})
}

// ListBuiltins prints the builtin devices, one a line: its name and what
// it is (a mutant: its bug and the editions it exists in).
func ListBuiltins(w io.Writer) {
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

// judgingFlags are conform's flags that judge a device, which --bench
// (one row's runs per second) does not use.
var judgingFlags = []string{"spec", "knob", "budget", "shrink-replays", "scenario", "parts", "report", "replay-dir", "replay", "transcript"}

// benchFlags refuses the judging flags given with --bench: silently
// ignored, they would make a user believe the measurement used them.
func benchFlags(fs *pflag.FlagSet) error {
	var given []string
	for _, name := range judgingFlags {
		if fs.Changed(name) {
			given = append(given, "--"+name)
		}
	}
	if len(given) == 0 {
		return nil
	}
	return fmt.Errorf("%s: not for --bench, which measures one row's runs per second with the reference device and --device (it takes --schedules, --jobs, --procs and --timeout)", strings.Join(given, ", "))
}

// conformBench measures runs per second in-process and with the device
// (benchfig.WriteDevices).
func conformBench(o conformOptions, stdout, stderr io.Writer) int {
	n := o.schedules
	if n <= 0 {
		n = benchfig.DefaultDeviceSchedules
	}
	devs := []conformance.Device{benchfig.Reference(nil)}
	if o.device != "" {
		d, _, err := parseDevice(o)
		if err != nil {
			return cmdbase.UsageError(stderr, "conform", "%v", err)
		}
		devs = []conformance.Device{benchfig.Reference(d), d}
	}
	if err := benchfig.WriteDevices(stdout, devs, n, o.jobs); err != nil {
		fmt.Fprintf(stderr, "migsim conform: %v\n", err)
		return cmdbase.DeviceErrorExit(err)
	}
	return cmdbase.ExitOK
}
