// Package devicecmd builds the migsim command line that names a device
// under test, the one line both the conformance kit (its replay lines) and
// the command line's device arguments (the line that replays a schedule
// file with the exec device it records) print.
package devicecmd

import (
	"fmt"
	"strings"
	"time"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/internal/shellquote"
)

// Line returns `migsim COMMAND --device NAME REST`, then an exec device's
// deadline (--timeout) when timeout is set and not the default
// (extdevice.DefaultTimeout), then its arguments after "--", the name and
// the arguments quoted as a POSIX shell needs them (rest is pasted as it
// is). A zero timeout is the default's: a schedule file records none.
func Line(command, rest, name string, args []string, timeout time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "migsim %s --device %s %s", command, shellquote.Quote(name), rest)
	if timeout > 0 && timeout != extdevice.DefaultTimeout {
		b.WriteString(" --timeout " + timeout.String())
	}
	for i, a := range args {
		if i == 0 {
			b.WriteString(" --")
		}
		b.WriteString(" " + shellquote.Quote(a))
	}
	return b.String()
}
