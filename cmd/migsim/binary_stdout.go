package main

import (
	"io"
	"os"
	"slices"

	"github.com/migsim/migsim/engine/progress"
)

// binaryTraceFormats are trace's --format values that are not text: they
// go to a file (--out) or a redirect, never to a terminal.
var binaryTraceFormats = []string{"pcapng"}

// binaryToTerminal reports whether writing format to w would put binary
// on a terminal: a binary format and w a terminal (progress.IsTerminal,
// which the null device is not).
func binaryToTerminal(w io.Writer, format string) bool {
	f := fileOf(w)
	return f != nil && slices.Contains(binaryTraceFormats, format) && progress.IsTerminal(f)
}

// fileOf returns the file w writes to (stdout in main is a
// writecheck.Writer of one), nil when it is none.
func fileOf(w io.Writer) *os.File {
	if c, ok := w.(interface{ File() *os.File }); ok {
		return c.File()
	}
	f, _ := w.(*os.File)
	return f
}
