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

// progressWord refuses "--progress never" written as two words: --progress
// alone means always, so pflag takes "never" for the device's first
// argument, and the run would fail on it as an argument of a device that
// takes none, far from the cause. migsim run's --progress takes its value
// either way; this one needs '=', and says so.
func progressWord(args []string) error {
	for i := 0; i+1 < len(args) && args[i] != "--"; i++ {
		if args[i] != "--progress" {
			continue
		}
		switch w := args[i+1]; w {
		case "auto", "always", "never":
			return fmt.Errorf("--progress %s: this flag takes its value after '=': write --progress=%s (or --progress alone for always)", w, w)
		}
	}
	return nil
}
