// Package devicearg is the device under test as the command line names it
// (migsim conform, trace, report and replay --device: builtin:blk,
// builtin:net, builtin:mutant/NAME, exec:PATH with its arguments), and the
// device a schedule file records (its device field) chosen in place of
// the reference when no --device is given.
package devicearg

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/spec"
)

// The device names, as a schedule file records them.
const (
	Blk          = schedfile.DeviceBlk
	Net          = schedfile.DeviceNet
	MutantPrefix = schedfile.DeviceMutantPrefix
	ExecPrefix   = schedfile.DeviceExecPrefix
)

// Spec is a device as the flags name it.
type Spec struct {
	// Name is --device's value, Args an exec device's arguments.
	Name string
	Args []string
	// EditionsGiven is set when the user named the editions (--spec): a
	// mutant then runs those rather than the ones its bug exists in.
	EditionsGiven bool
	// Timeout, HelloTimeout, Procs and Transcript are an exec device's
	// (extdevice.Options). The command sets HelloTimeout to --timeout's
	// value when --timeout is given, so that the flag bounds every request,
	// the hello included; without it (zero) the hello gets
	// extdevice.DefaultHelloTimeout, for the program's start.
	Timeout      time.Duration
	HelloTimeout time.Duration
	Procs        int
	Transcript   io.Writer
}

// Parse builds the device s names; for a mutant, unless the editions were
// given, it also returns the editions the bug exists in. An error names
// the flag (--device, or the arguments) and quotes the value.
func Parse(s Spec) (conformance.Device, []spec.Edition, error) {
	switch {
	case s.Name == Blk, s.Name == Net, strings.HasPrefix(s.Name, MutantPrefix):
		var eds []spec.Edition
		if name, ok := strings.CutPrefix(s.Name, MutantPrefix); ok {
			m, ok := mutants.Lookup(name)
			if !ok {
				return nil, nil, fmt.Errorf("--device %q: no mutant %q (migsim conform --list names them)", s.Name, name)
			}
			if !s.EditionsGiven {
				eds = m.Editions
			}
		}
		// The device a counterexample file records: BuiltinDevice builds
		// it from the name, as a replay of the file will.
		dev, ok := conformance.BuiltinDevice(s.Name)
		if !ok {
			return nil, nil, fmt.Errorf("--device %q: not a device of this migsim", s.Name)
		}
		return dev, eds, noArgs(s)
	case strings.HasPrefix(s.Name, ExecPrefix):
		path := strings.TrimPrefix(s.Name, ExecPrefix)
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
			return nil, nil, fmt.Errorf("--device %q: cannot start %q: %w%s", s.Name, path, lookPathCause(err), hint)
		}
		argv := append([]string{path}, s.Args...)
		return conformance.ExecDevice(argv, extdevice.Options{Timeout: s.Timeout, HelloTimeout: s.HelloTimeout, Procs: s.Procs, Transcript: s.Transcript}), nil, nil
	case schedfile.IsGoDevice(s.Name):
		return nil, nil, fmt.Errorf("--device %q: a device of the Go program that ran the conformance kit, which migsim cannot build: "+
			"replay with it in that program (conformance.Replay), or name builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH", s.Name)
	}
	return nil, nil, fmt.Errorf("--device %q: want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH%s", s.Name, prefixHint(s.Name))
}

// prefixHint suggests the device a value without its prefix names: a
// builtin's name (blk, net, mutant/NAME) or a program's path, a file that
// exists ("./mydev" for exec:./mydev); "" for neither.
func prefixHint(name string) string {
	if name == "blk" || name == "net" || strings.HasPrefix(name, "mutant/") {
		return fmt.Sprintf("; did you mean %q?", "builtin:"+name)
	}
	if fi, err := os.Stat(name); err == nil && !fi.IsDir() {
		path := name
		if !strings.ContainsRune(path, os.PathSeparator) {
			path = "./" + path
		}
		return fmt.Sprintf("; did you mean %q? (a program is named exec:PATH)", ExecPrefix+path)
	}
	return ""
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
func noArgs(s Spec) error {
	if len(s.Args) > 0 {
		return fmt.Errorf("arguments %q: only an exec: device takes arguments", s.Args)
	}
	return nil
}
