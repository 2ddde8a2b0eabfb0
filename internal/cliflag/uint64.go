package cliflag

import (
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Uint64 defines an unsigned 64-bit flag (a seed) whose value reads as a
// number of the scenario language does (docs/scenarios.md): an optional
// sign, so that "+5" is 5 and "-0" is 0 as they are in a scenario's
// `seed=` and in every int flag, where pflag's own uint64 refuses any
// sign. A leading 0 and digit separators are CheckNumberWords' to refuse;
// a negative number or one beyond 64 bits fails here, and Error words it
// as it words pflag's uint64 ("want a whole number 0..18446744073709551615").
func Uint64(fs *pflag.FlagSet, name string, value uint64, usage string) *uint64 {
	p := new(uint64)
	*p = value
	fs.Var((*uint64Value)(p), name, usage)
	return p
}

type uint64Value uint64

// Set reads s: an optional sign, then what strconv.ParseUint reads with
// base 0 (decimal, or after a 0x, 0o or 0b prefix).
func (v *uint64Value) Set(s string) error {
	body, neg := s, false
	if rest, ok := strings.CutPrefix(s, "+"); ok {
		body = rest
	} else if rest, ok := strings.CutPrefix(s, "-"); ok {
		body, neg = rest, true
	}
	if strings.HasPrefix(body, "+") || strings.HasPrefix(body, "-") {
		return strconv.ErrSyntax
	}
	n, err := strconv.ParseUint(body, 0, 64)
	if err != nil {
		return err
	}
	if neg && n != 0 {
		return strconv.ErrRange
	}
	*v = uint64Value(n)
	return nil
}

// Type is "uint64", the type pflag's own flag names: Error and
// CheckNumberWords treat the flag as they treat that one.
func (v *uint64Value) Type() string { return "uint64" }

func (v *uint64Value) String() string { return strconv.FormatUint(uint64(*v), 10) }
