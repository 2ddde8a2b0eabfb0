package cliflag

import (
	"github.com/spf13/pflag"
)

// numberTypes are the pflag value types whose errors quote the value as
// given (Given): the integers, the floats and durations, which pflag and
// Go print in one spelling of their own (decimal, "1m0s") whatever the
// command line's spelling was ("0x10", "1e3", "60s").
var numberTypes = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
	"float32": true, "float64": true, "duration": true,
}

// givenValue is a number flag's value that keeps the text it was last set
// from, for an error to quote.
type givenValue struct {
	pflag.Value
	text string
	set  bool
}

// Set sets the value from s and keeps s when it is valid.
func (v *givenValue) Set(s string) error {
	if err := v.Value.Set(s); err != nil {
		return err
	}
	v.text, v.set = s, true
	return nil
}

// keepGiven makes every number flag of fs keep the text the command line
// gives it (Given). Parse calls it before it parses.
func keepGiven(fs *pflag.FlagSet) {
	fs.VisitAll(func(f *pflag.Flag) {
		if _, ok := f.Value.(*givenValue); ok || !numberTypes[f.Value.Type()] {
			return
		}
		f.Value = &givenValue{Value: f.Value}
	})
}

// Given returns the value of flag name as the command line wrote it
// ("0x7fffffffffffffff", "+5", "1e3", "90s"), so that an error names
// what the user wrote rather than the number as Go prints it; for a flag
// Parse did not set from the command line (or one fs lacks), its value as
// pflag prints it ("" for none).
func Given(fs *pflag.FlagSet, name string) string {
	f := fs.Lookup(name)
	switch {
	case f == nil:
		return ""
	case f.Changed:
		if v, ok := f.Value.(*givenValue); ok && v.set {
			return v.text
		}
	}
	return f.Value.String()
}
