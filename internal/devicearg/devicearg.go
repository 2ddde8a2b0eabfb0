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
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
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
	// Timeout, Procs and Transcript are an exec device's
	// (extdevice.Options).
	Timeout    time.Duration
	Procs      int
	Transcript io.Writer
}

// Parse builds the device s names; for a mutant, unless the editions were
// given, it also returns the editions the bug exists in. An error names
// the flag (--device, or the arguments) and quotes the value.
func Parse(s Spec) (conformance.Device, []spec.Edition, error) {
	switch {
	case s.Name == Blk:
		return conformance.FactoryDevice(Blk, blk.New), nil, noArgs(s)
	case s.Name == Net:
		return conformance.NetFactoryDevice(Net, membernet.New), nil, noArgs(s)
	case strings.HasPrefix(s.Name, MutantPrefix):
		name := strings.TrimPrefix(s.Name, MutantPrefix)
		m, ok := mutants.Lookup(name)
		if !ok {
			return nil, nil, fmt.Errorf("--device %q: no mutant %q (migsim conform --list names them)", s.Name, name)
		}
		var eds []spec.Edition
		if !s.EditionsGiven {
			eds = m.Editions
		}
		if m.Device == mutants.DeviceNet {
			return conformance.NetFactoryDevice(s.Name, m.Factory(membernet.New)), eds, noArgs(s)
		}
		return conformance.FactoryDevice(s.Name, m.Factory(blk.New)), eds, noArgs(s)
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
		return conformance.ExecDevice(argv, extdevice.Options{Timeout: s.Timeout, Procs: s.Procs, Transcript: s.Transcript}), nil, nil
	}
	return nil, nil, fmt.Errorf("--device %q: want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH", s.Name)
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
