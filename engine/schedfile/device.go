package schedfile

import (
	"fmt"
	"strings"
	"time"

	"github.com/migsim/migsim/internal/echo"
)

// The device names a schedule file records in its device field, as
// migsim conform --device names them.
const (
	// DeviceBlk and DeviceNet are the reference virtio-blk and virtio-net
	// run as devices under test.
	DeviceBlk = "builtin:blk"
	DeviceNet = "builtin:net"
	// DeviceMutantPrefix precedes the name of a mutant of the mutant
	// library (builtin:mutant/NAME).
	DeviceMutantPrefix = "builtin:mutant/"
	// DeviceExecPrefix precedes the program of an external device
	// (exec:PATH), whose arguments are DeviceArgs.
	DeviceExecPrefix = "exec:"
	// DeviceGoPrefix precedes the name of a device of the Go program that
	// ran the conformance kit (go:NAME: a conformance.FactoryDevice,
	// NetFactoryDevice or ServedDevice of the caller's), which migsim
	// cannot build: the file says what ran it, and a replay must be given
	// a device (the program's own, or --device).
	DeviceGoPrefix = "go:"
)

// CheckDevice checks a device name and its arguments as a schedule file's
// device and device_args fields must hold them; the error names the field.
func CheckDevice(name string, args []string) error { return validateDevice(name, args) }

// IsExecDevice reports whether a recorded device name is an external
// program's (exec:PATH): one that only runs where that program is.
func IsExecDevice(name string) bool { return strings.HasPrefix(name, DeviceExecPrefix) }

// IsGoDevice reports whether a recorded device name is a Go program's
// own device (go:NAME), which only that program can build.
func IsGoDevice(name string) bool { return strings.HasPrefix(name, DeviceGoPrefix) }

// validateDevice checks the device fields: empty (the reference), one of
// the builtin devices, a mutant's name, an exec device's program or a Go
// program's device; only an exec device has arguments. What the names mean (whether the mutant
// exists) is the command line's to check.
func validateDevice(name string, args []string) error {
	switch mutant, isMutant := strings.CutPrefix(name, DeviceMutantPrefix); {
	case name == "", name == DeviceBlk, name == DeviceNet:
	case isMutant && validMutantName(mutant):
	case IsExecDevice(name) && len(name) > len(DeviceExecPrefix) && !strings.ContainsRune(name, 0):
		for i, a := range args {
			if strings.ContainsRune(a, 0) {
				return fieldErrorf(fmt.Sprintf("device_args[%d]", i), "%s holds a NUL byte, which no program argument can", echo.Quote(a))
			}
		}
		return nil
	case IsGoDevice(name) && len(name) > len(DeviceGoPrefix) && !strings.ContainsRune(name, 0):
	default:
		return fieldErrorf("device", "%s: want %s, %s, %sNAME, %sPATH or %sNAME (no field: the reference device)",
			echo.Quote(name), DeviceBlk, DeviceNet, DeviceMutantPrefix, DeviceExecPrefix, DeviceGoPrefix)
	}
	if len(args) > 0 {
		return fieldErrorf("device_args", "only an exec: device takes arguments, the file's device is %s", echo.Quote(name))
	}
	return nil
}

// validMutantName reports whether s can name a mutant: lower-case
// letters, digits and inner hyphens.
func validMutantName(s string) bool {
	if s == "" || s[0] == '-' || s[len(s)-1] == '-' {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// MaxDeviceTimeout bounds a recorded device_timeout, as migsim conform
// bounds --timeout: a device that needs minutes for one request is hung.
const MaxDeviceTimeout = 10 * time.Minute

// validateDeviceTimeout checks a recorded deadline: only an exec device
// (format 4 on) has one, within (0, MaxDeviceTimeout]; a duration written
// as the writer writes it.
func validateDeviceTimeout(s *Schedule) error {
	d := s.DeviceTimeout
	switch {
	case d == 0:
		return nil
	case s.Format < FormatV4:
		return fieldErrorf("device_timeout", "format %d has no such field (format %d on)", s.Format, FormatV4)
	case !IsExecDevice(s.Device):
		return fieldErrorf("device_timeout", "only an exec: device has requests, the file's device is %s", echo.Quote(s.Device))
	case d < 0 || d > MaxDeviceTimeout:
		return fieldErrorf("device_timeout", "%v: want more than 0s and at most %v", d, MaxDeviceTimeout)
	}
	return nil
}

// parseTimeout reads a stored device_timeout ("" for none): a positive
// duration written as the writer writes it (timeoutText).
func parseTimeout(text string) (time.Duration, error) {
	if text == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(text)
	if err != nil {
		return 0, fieldErrorf("device_timeout", "%s is not a duration such as \"90s\" or \"2m0s\"", echo.Quote(text))
	}
	if d <= 0 {
		return 0, fieldErrorf("device_timeout", "%s: want more than 0s", text)
	}
	if d.String() != text {
		return 0, fieldErrorf("device_timeout", "%s: the writer writes it %q", echo.Quote(text), d.String())
	}
	return d, nil
}

// timeoutText is a recorded deadline as the file stores it ("" for none).
func timeoutText(d time.Duration) string {
	if d == 0 {
		return ""
	}
	return d.String()
}
