// Package writecheck is migsim's stdout as the commands write it: the
// file, and the first error a write to it returned, so that a command that
// reports success although its output was lost (a full disk) does not
// exit 0 (`migsim help exit`).
package writecheck

import "os"

// Writer writes to a file and remembers the first write error.
type Writer struct {
	f   *os.File
	err error
}

// New returns a Writer of f.
func New(f *os.File) *Writer { return &Writer{f: f} }

// Write writes p to the file; the first error is kept for Err.
func (w *Writer) Write(p []byte) (int, error) {
	n, err := w.f.Write(p)
	if err != nil && w.err == nil {
		w.err = err
	}
	return n, err
}

// File returns the file written to (to ask whether it is a terminal).
func (w *Writer) File() *os.File { return w.f }

// Err returns the first error a write returned, or nil.
func (w *Writer) Err() error { return w.err }
