package cmdconform

import (
	"fmt"
	"io"
	"os"

	"github.com/migsim/migsim/engine/progress"
)

// progressOn reports whether the kit prints its line per unit on stderr
// under --progress mode: always, never, or auto (the default), when stderr
// is a terminal, as explore and run decide. A whole kit through a device
// in an interpreter can take hours; at a terminal the user sees it move.
func progressOn(mode string, stderr io.Writer) (bool, error) {
	switch mode {
	case "always":
		return true, nil
	case "never":
		return false, nil
	case "auto":
		f, ok := stderr.(*os.File)
		return ok && progress.IsTerminal(f), nil
	}
	return false, fmt.Errorf("--progress %q: want auto, always or never", mode)
}

// progressWords joins "--progress never" written as two words into
// "--progress=never", as migsim run and explore read it: --progress alone
// means always (it was a switch), so pflag would take "never" for the
// device's first argument, and the run would fail on it as an argument of
// a device that takes none, far from the cause. Only the flag's own values
// (auto, always, never) are joined; anything after "--" is left as it is.
func progressWords(args []string) []string {
	out := make([]string, 0, len(args))
	for i := 0; i < len(args); i++ {
		if args[i] == "--" {
			return append(out, args[i:]...)
		}
		if args[i] == "--progress" && i+1 < len(args) {
			switch w := args[i+1]; w {
			case "auto", "always", "never":
				out = append(out, "--progress="+w)
				i++
				continue
			}
		}
		out = append(out, args[i])
	}
	return out
}
