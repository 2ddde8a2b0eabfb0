package progress

import (
	"fmt"
	"io"
	"os"
)

// Lines writes a command's status lines: rewritten in place on a terminal
// ("\r" and an erase to the end of the line), one per line elsewhere.
type Lines struct {
	w        io.Writer
	terminal bool
	open     bool // a terminal line is being rewritten
}

// ForMode returns where progress goes for a --progress mode: a terminal
// line rewritten in place for "auto" when w is a terminal, one line per
// update for "always", nowhere (nil) for "never" and for "auto" when w is
// not a terminal.
func ForMode(mode string, w io.Writer) (*Lines, error) {
	switch mode {
	case "never":
		return nil, nil
	case "always":
		return &Lines{w: w}, nil
	case "auto":
		if f, ok := w.(*os.File); ok && IsTerminal(f) {
			return &Lines{w: w, terminal: true}, nil
		}
		return nil, nil
	}
	return nil, fmt.Errorf("--progress %q: want auto, always or never", mode)
}

// Status writes a status line, in place of the last one on a terminal.
func (l *Lines) Status(format string, a ...any) {
	if l.terminal {
		fmt.Fprintf(l.w, "\r\033[K"+format, a...)
		l.open = true
		return
	}
	fmt.Fprintf(l.w, format+"\n", a...)
}

// Final ends the status line being rewritten and writes a last line.
func (l *Lines) Final(format string, a ...any) {
	if l.open {
		fmt.Fprint(l.w, "\r\033[K")
		l.open = false
	}
	fmt.Fprintf(l.w, format+"\n", a...)
}

// End ends the status line being rewritten on a terminal, if any, so that
// what is written next starts a line of its own.
func (l *Lines) End() {
	if l.open {
		fmt.Fprintln(l.w)
		l.open = false
	}
}
