package devicearg

import (
	"fmt"
	"slices"
	"strings"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/devicecmd"
	"github.com/migsim/migsim/internal/shellquote"
	"github.com/migsim/migsim/scenario"
)

// ForSchedule returns the device that replays schedule sc, read from
// path, for `migsim COMMAND … REST`, given the device --device names (nil
// without the flag), and a note the command prints on stderr ("" for none):
//   - a file that records no device replays with given, nil for the
//     reference, as before the field: no note;
//   - given, the device the file records or another: given (another: the
//     note names both, for the run may then diverge from the recording);
//   - no --device and a builtin device recorded: that device, which the
//     note names;
//   - no --device and an exec device recorded: an error naming it and the
//     command line that replays with it, for a program the file names need
//     not be on this machine, nor the one recorded, and is not started
//     unasked;
//   - no --device and a Go program's device recorded (go:NAME): an error
//     naming it and how to replay the file, for only that program builds
//     it.
//
// A recorded mutant this migsim does not have is an error naming the
// file's field. Errors are usage errors (exit 2).
func ForSchedule(command, rest, path string, sc *schedfile.Schedule, given conformance.Device) (conformance.Device, string, error) {
	if sc.Device == "" {
		return given, "", nil
	}
	recorded := Shown(sc.Device, sc.DeviceArgs)
	if given != nil {
		_, replaying, differs := Differs(sc, given)
		if !differs {
			return given, "", nil
		}
		return given, fmt.Sprintf("%s was recorded with %s; replaying with %s, as --device says (a run with another device may diverge from the recording)",
			path, recorded, replaying), nil
	}
	if strings.HasPrefix(sc.Device, ExecPrefix) {
		return nil, "", fmt.Errorf("%s was recorded with the external device %s, which is not started unless named: "+
			"name it to replay with it (%s), or name another device (--device %s: the reference)",
			path, recorded, Command(command, rest, sc), Reference(sc))
	}
	if schedfile.IsGoDevice(sc.Device) {
		return nil, "", fmt.Errorf("%s was written by the conformance kit in a Go program, with its device %s, which migsim cannot build: "+
			"replay it in that program (conformance.Replay with the device), or name a device to replay with "+
			"(--device exec:PATH: that device served as a program, extdevice.Serve; --device %s: the reference)",
			path, recorded, Reference(sc))
	}
	if name, ok := strings.CutPrefix(sc.Device, MutantPrefix); ok {
		if _, ok := mutants.Lookup(name); !ok {
			return nil, "", fmt.Errorf("%s: field device: no mutant %q in this migsim (migsim conform --list names them); --device DEVICE replays with another device",
				path, name)
		}
	}
	dev, _, err := Parse(Spec{Name: sc.Device})
	if err != nil {
		return nil, "", fmt.Errorf("%s: field device: %w", path, err)
	}
	return dev, fmt.Sprintf("%s: replaying with %s, the device the file records (--device DEVICE replays with another)", path, sc.Device), nil
}

// Differs reports whether schedule sc records a device other than given
// (nil: none given), or the same program with other arguments, and shows
// both as messages do (Shown): the recorded device and given. A schedule
// that records no device differs from none.
func Differs(sc *schedfile.Schedule, given conformance.Device) (recorded, replaying string, differs bool) {
	if sc.Device == "" || given == nil {
		return "", "", false
	}
	recorded, replaying = Shown(sc.Device, sc.DeviceArgs), given.Name()
	name, args, ok := conformance.RecordedDevice(given)
	if ok {
		replaying = Shown(name, args)
	}
	return recorded, replaying, !ok || name != sc.Device || !slices.Equal(args, sc.DeviceArgs)
}

// DiffersLine is what migsim replay, trace (its text and timeline
// exports), report and conform --replay print on stdout, before the trace
// or verdict, when schedule sc records a device other than given (Differs:
// another device, or the same program with other arguments), for what
// follows is then the run of given, not the recorded one: "the device
// differs from the recording: recorded with D1, replayed with D2" and a
// newline; "" when it does not differ.
func DiffersLine(sc *schedfile.Schedule, given conformance.Device) string {
	recorded, replaying, differs := Differs(sc, given)
	if !differs {
		return ""
	}
	return fmt.Sprintf("the device differs from the recording: recorded with %s, replayed with %s\n", recorded, replaying)
}

// Reference is the reference device of the type of sc's VFs (`set
// vf-device=` in its scenario or settings, scenario.VFDevice): Net for
// virtio-net VFs, else Blk, the one device of this migsim that replays sc
// in place of the device it records. A schedule whose scenario does not
// parse gets Blk: replaying it then names the scenario's error.
func Reference(sc *schedfile.Schedule) string {
	t, err := catalog.TargetOf(sc)
	if err == nil && scenario.VFDevice(t.Scenario.Settings, t.Settings) == extdevice.TypeNet {
		return Net
	}
	return Blk
}

// Shown is a device as messages show it: its name, and an exec device's
// arguments after "--", quoted as a shell needs them.
func Shown(name string, args []string) string {
	return name + quotedArgs(args)
}

// Command is the command line that runs command with the device sc
// records: its name, an exec device's recorded deadline (when it was not
// the default) and its arguments; rest goes between the device and the
// arguments ("f.json --format text").
func Command(command, rest string, sc *schedfile.Schedule) string {
	return devicecmd.Line(command, rest, sc.Device, sc.DeviceArgs, sc.DeviceTimeout)
}

// quotedArgs is " -- ARGS…" quoted, "" without arguments.
func quotedArgs(args []string) string {
	s := ""
	for i, a := range args {
		if i == 0 {
			s = " --"
		}
		s += " " + shellquote.Quote(a)
	}
	return s
}
