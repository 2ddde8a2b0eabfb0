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
	writeTail(&b, args, timeout)
	return b.String()
}

// Flags returns the flags alone that name the device, as Line writes
// them: `--device NAME`, then the deadline and the arguments after "--"
// (last on a command line: `migsim replay FILE --device NAME -- ARGS`).
func Flags(name string, args []string, timeout time.Duration) string {
	var b strings.Builder
	b.WriteString("--device " + shellquote.Quote(name))
	writeTail(&b, args, timeout)
	return b.String()
}

// writeTail writes a device's deadline, when not the default, and its
// arguments after "--".
func writeTail(b *strings.Builder, args []string, timeout time.Duration) {
	if timeout > 0 && timeout != extdevice.DefaultTimeout {
		b.WriteString(" --timeout " + timeout.String())
	}
	for i, a := range args {
		if i == 0 {
			b.WriteString(" --")
		}
		b.WriteString(" " + shellquote.Quote(a))
	}
}
