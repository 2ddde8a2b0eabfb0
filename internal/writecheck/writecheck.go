// Package writecheck is migsim's stdout as the commands write it: the
// writer, and the first error a write to it returned, so that a command
// whose output was lost (a full disk) exits 2, an error, rather than 0 or
// 1, a finding (`migsim help exit`).
package writecheck

import (
	"io"
	"os"
)

// Writer writes to a writer and remembers the first write error.
type Writer struct {
	w   io.Writer
	err error
}

// New returns a Writer of w (stdout in main; any writer in tests).
func New(w io.Writer) *Writer { return &Writer{w: w} }

// Write writes p; the first error is kept for Err.
func (w *Writer) Write(p []byte) (int, error) {
	n, err := w.w.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// File returns the file written to (to ask whether it is a terminal), or
// nil when the writer is not a file.
func (w *Writer) File() *os.File {
	f, _ := w.w.(*os.File)
	return f
}

// Err returns the first error a write returned, or nil.
func (w *Writer) Err() error { return w.err }
