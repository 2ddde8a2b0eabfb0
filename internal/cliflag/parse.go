package cliflag

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/pflag"
)

// Parse parses args into fs after CheckBoolWords: a command calls it in
// place of fs.Parse. The errors are fs.Parse's (pflag.ErrHelp for --help
// and -h) or CheckBoolWords'.
func Parse(fs *pflag.FlagSet, args []string) error {
	if err := CheckBoolWords(fs, args); err != nil {
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
		var f *pflag.Flag
		switch {
		case strings.HasPrefix(a, "--"):
			f = fs.Lookup(a[2:])
		case len(a) == 2:
			f = fs.ShorthandLookup(a[1:])
		}
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
			return fmt.Errorf("%s %s: this flag takes its value after '=': write %s=%s (or %s alone for %s)",
				a, w, a, w, a, f.NoOptDefVal)
		}
	}
	return nil
}
