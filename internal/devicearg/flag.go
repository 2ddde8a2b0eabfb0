package devicearg

import (
	"fmt"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/internal/cliflag"
)

// Flag is --device and --timeout of migsim replay, trace and report: the
// device under test that replays the schedule instead of the reference or
// the device the file records, named as migsim conform --device names it
// (Parse), an exec device's arguments after "--".
type Flag struct {
	device  string
	timeout time.Duration
}

// Add registers the flags on fs.
func (d *Flag) Add(fs *pflag.FlagSet) {
	fs.StringVar(&d.device, "device", "", "replay with this device instead of the one the file records (none: the reference): builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH (as migsim conform; an exec device's arguments follow --)")
	fs.DurationVar(&d.timeout, "timeout", extdevice.DefaultTimeout, "with --device exec:PATH: the wall-clock deadline of every request, the hello included (more than 0s, at most 10m; without it 5s, and 30s for the hello, which waits for the program to start)")
}

// Parse returns the positional arguments and the device the flags name
// (nil without --device). With --device, the arguments after "--" are the
// device's; without it every argument is positional, as before the flag.
func (d *Flag) Parse(fs *pflag.FlagSet) ([]string, conformance.Device, error) {
	args := fs.Args()
	if err := CheckTimeout(fs, d.timeout); err != nil {
		return nil, nil, err
	}
	if d.device == "" {
		if fs.Changed("timeout") {
			return nil, nil, fmt.Errorf("--timeout goes with --device exec:PATH")
		}
		// FILE -- ARGS: the arguments of a device nobody named. (A
		// "--" before every argument only lets a FILE start with '-'.)
		if n := fs.ArgsLenAtDash(); n > 0 && len(args) > n {
			return nil, nil, fmt.Errorf("arguments %q after -- go with --device exec:PATH (an external device's arguments)", args[n:])
		}
		return args, nil, nil
	}
	if !strings.HasPrefix(d.device, ExecPrefix) && fs.Changed("timeout") {
		return nil, nil, fmt.Errorf("--timeout: only an exec: device has requests")
	}
	var devArgs []string
	if n := fs.ArgsLenAtDash(); n >= 0 {
		args, devArgs = args[:n], args[n:]
	}
	s := Spec{Name: d.device, Args: devArgs, Timeout: d.timeout}
	if fs.Changed("timeout") {
		s.HelloTimeout = d.timeout
	}
	dev, _, err := Parse(s)
	return args, dev, err
}

// MaxTimeout bounds --timeout, the deadline of one request to an external
// device: the reference answers in microseconds, and a device that needs
// minutes for one request is hung.
const MaxTimeout = 10 * time.Minute

// CheckTimeout checks --timeout of fs, t, the deadline of one request to
// an external device; the error quotes it as the command line wrote it
// (cliflag.Given).
func CheckTimeout(fs *pflag.FlagSet, t time.Duration) error {
	if t <= 0 || t > MaxTimeout {
		return fmt.Errorf("--timeout %s: want more than 0s and at most %v (the deadline of one request)", cliflag.Given(fs, "timeout"), MaxTimeout)
	}
	return nil
}
