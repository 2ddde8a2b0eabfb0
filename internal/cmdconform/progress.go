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
