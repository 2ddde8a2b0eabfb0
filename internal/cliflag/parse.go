package cliflag

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Parse parses args into fs after CheckBoolWords and CheckNumberWords: a
// command calls it in place of fs.Parse. The errors are fs.Parse's
// (pflag.ErrHelp for --help and -h) or the checks'. Every number flag
// keeps the text it was given, which the errors of CheckInts and
// CheckFinite, and any command's through Given, quote.
func Parse(fs *pflag.FlagSet, args []string) error {
	keepGiven(fs)
	if err := CheckBoolWords(fs, args); err != nil {
		return err
	}
	if err := CheckNumberWords(fs, args); err != nil {
		return err
	}
	return fs.Parse(args)
}

// CheckBoolWords refuses a boolean flag followed by a separate true or
// false word ("--memo false"). pflag reads such a flag as set, true, and
// the word as an argument of its own, so the command would run with the
// opposite of what was meant or refuse the word as an unexpected argument;
// the error says to write the value after '=' ("--memo=false"), which is
// how pflag takes a boolean's value. So is an integer flag whose value
// may be left out (--require-proof, alone for 2) followed by a separate
// number ("--require-proof 3"), which pflag reads as the flag alone and an
// argument. The value of a flag that takes one ("--out false") and
// everything after "--" are not flags and are skipped.
func CheckBoolWords(fs *pflag.FlagSet, args []string) error {
	for i := 0; i < len(args)-1; i++ {
		a := args[i]
		if a == "--" {
			return nil
		}
		if len(a) < 2 || a[0] != '-' || strings.Contains(a, "=") {
			continue
		}
		f := lookup(fs, a)
		if f == nil {
			continue
		}
		if f.NoOptDefVal == "" {
			i++ // the next word is this flag's value
			continue
		}
		w := args[i+1]
		if f.Value.Type() == "bool" && (strings.EqualFold(w, "true") || strings.EqualFold(w, "false")) {
			return fmt.Errorf("%s %s: a boolean flag takes its value after '=': write %s=%s (or %s alone for true)",
				a, w, a, strings.ToLower(w), a)
		}
		if _, err := strconv.Atoi(w); err == nil && f.Value.Type() == "int" {
			// The value to write: the number as a person reads it, which
			// CheckNumberWords would refuse in another spelling (010).
			v := w
			if _, plain := ambiguousNumber(w); plain != "" {
				v = plain
			}
			return fmt.Errorf("%s %s: this flag takes its value after '=': write %s=%s (or %s alone for %s)",
				a, w, a, v, a, f.NoOptDefVal)
		}
	}
	return nil
}

// lookup returns the flag of fs the word a names, --name or the
// shorthand -x, or nil: an unknown flag (left to pflag) or no flag.
func lookup(fs *pflag.FlagSet, a string) *pflag.Flag {
	switch {
	case strings.HasPrefix(a, "--"):
		return fs.Lookup(a[2:])
	case len(a) == 2:
		return fs.ShorthandLookup(a[1:])
	}
	return nil
}

// integerTypes are the pflag value types CheckNumberWords reads.
var integerTypes = map[string]bool{
	"int": true, "int8": true, "int16": true, "int32": true, "int64": true,
	"uint": true, "uint8": true, "uint16": true, "uint32": true, "uint64": true,
}

// CheckNumberWords refuses the value of an integer flag that pflag would
// read otherwise than a person does: a decimal number with a leading 0
// (pflag, as Go and C, reads "--seed 010" as octal, seed 8) and digit
// separators ("--schedules 1_000"). It is the rule of the scenario
// language's numbers (docs/scenarios.md), so that a number reads the same
// in a scenario and on the command line; a 0x, 0o or 0b prefix stays
// allowed. Everything else (a value out of range, no number at all) is
// left to pflag and the command's limits; everything after "--" is not a
// flag and is skipped.
func CheckNumberWords(fs *pflag.FlagSet, args []string) error {
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			return nil
		}
		if len(a) < 2 || a[0] != '-' {
			continue
		}
		name, value, inline := a, "", false
		if k := strings.IndexByte(a, '='); k >= 0 {
			name, value, inline = a[:k], a[k+1:], true
		}
		f := lookup(fs, name)
		if !inline && len(name) > 2 && name[1] != '-' {
			// -j010: a shorthand and its value in one word (pflag reads
			// the rest of the word as the value only of a flag that
			// needs one)
			if f = fs.ShorthandLookup(name[1:2]); f != nil && f.NoOptDefVal == "" {
				name, value, inline = name[:2], name[2:], true
			} else {
				f = nil
			}
		}
		// A flag whose value may be left out (--require-proof) takes one
		// only after '=': alone, it reads no next word.
		if f == nil || f.NoOptDefVal != "" && !inline {
			continue
		}
		if !inline {
			if i+1 >= len(args) {
				return nil
			}
			i++
			value = args[i]
		}
		if !integerTypes[f.Value.Type()] {
			continue
		}
		if why, _ := ambiguousNumber(value); why != "" {
			return fmt.Errorf("%s %s: %s", name, value, why)
		}
	}
	return nil
}

// ambiguousNumber says why the integer text s reads otherwise than a
// person reads it, and the number as it should be written, or "", "" when
// it does not.
func ambiguousNumber(s string) (why, plain string) {
	body := strings.TrimLeft(s, "+-")
	if strings.Contains(body, "_") {
		plain = strings.ReplaceAll(s, "_", "")
		return fmt.Sprintf("no digit separators: write %s", plain), plain
	}
	if len(body) > 1 && body[0] == '0' && onlyDigits(body) {
		sign := s[:len(s)-len(body)]
		t := strings.TrimLeft(body, "0")
		if t == "" {
			t = "0"
		}
		return fmt.Sprintf("a leading 0 is ambiguous: write %s%s, or %s0o%s for octal", sign, t, sign, t), sign + t
	}
	return "", ""
}

func onlyDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
