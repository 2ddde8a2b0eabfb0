// Package cliflag checks the command line's flag values before any work:
// integer flags against their ranges, float flags for finite values, and
// output paths that must be writable later. Its errors name the flag, the
// value given and what the flag takes, the way the commands print them.
package cliflag

import (
	"errors"
	"fmt"
	"math"

	"github.com/spf13/pflag"
)

// IntLimit is the range of one integer flag.
type IntLimit struct {
	// Name is the flag's name without dashes.
	Name string
	// Lo and Hi bound its value, both included.
	Lo, Hi int
	// What says what the value counts, or what a special value means.
	What string
}

// Int returns the limit of the integer flag name: lo..hi, what it counts.
func Int(name string, lo, hi int, what string) IntLimit {
	return IntLimit{Name: name, Lo: lo, Hi: hi, What: what}
}

// CheckInts checks every given integer flag that was set against its
// range: the error names the flag, its value as the command line wrote
// it (Given: "--schedules 0x7fffffffffffffff", not its decimal) and the
// limit.
func CheckInts(fs *pflag.FlagSet, limits ...IntLimit) error {
	for _, l := range limits {
		if !fs.Changed(l.Name) {
			continue
		}
		n, err := fs.GetInt(l.Name)
		if err != nil {
			return fmt.Errorf("--%s: %v", l.Name, err)
		}
		if n < l.Lo || n > l.Hi {
			return fmt.Errorf("--%s %s: want %d..%d (%s)", l.Name, Given(fs, l.Name), l.Lo, l.Hi, l.What)
		}
	}
	return nil
}

// Error words a value pflag could not parse as CheckInts words a value
// out of range: "--schedules 99999999999999999999: want 1..1000000000
// (schedules to run)" for an integer flag among limits, else what the
// flag's type takes ("--seed -1: want a whole number
// 0..18446744073709551615"), in place of strconv's message. Any other
// error is returned as it is.
func Error(err error, limits ...IntLimit) error {
	var iv *pflag.InvalidValueError
	if !errors.As(err, &iv) {
		return err
	}
	f, v := iv.GetFlag(), iv.GetValue()
	if v == "" { // --schedules= or --schedules "": say what was written
		v = `""`
	}
	for _, l := range limits {
		if l.Name == f.Name {
			return fmt.Errorf("--%s %s: want %d..%d (%s)", l.Name, v, l.Lo, l.Hi, l.What)
		}
	}
	switch f.Value.Type() {
	case "uint64":
		return fmt.Errorf("--%s %s: want a whole number 0..%d", f.Name, v, uint64(math.MaxUint64))
	case "int":
		return fmt.Errorf("--%s %s: want a whole number %d..%d", f.Name, v, math.MinInt, math.MaxInt)
	case "float64":
		return fmt.Errorf("--%s %s: want a number", f.Name, v)
	case "duration":
		return fmt.Errorf("--%s %s: want a duration such as 30s or 2m", f.Name, v)
	case "bool":
		return fmt.Errorf("--%s=%s: want true or false", f.Name, v)
	}
	return err
}

// CheckFinite refuses NaN, ±Inf and values outside [lo, hi] for the float
// flag name of fs (a number of seconds); the error quotes the value as
// the command line wrote it (Given: "--seconds 1e4", not 10000).
func CheckFinite(fs *pflag.FlagSet, name string, lo, hi float64) error {
	v, err := fs.GetFloat64(name)
	if err != nil {
		return fmt.Errorf("--%s: %v", name, err)
	}
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return fmt.Errorf("--%s %s: want a finite number of seconds", name, Given(fs, name))
	}
	if v < lo || v > hi {
		return fmt.Errorf("--%s %s: want %v..%v", name, Given(fs, name), lo, hi)
	}
	return nil
}
