// Package profiling starts and stops the CPU profiles the commands write
// (migsim run --cpuprofile; cmd/migsim/default.pgo is one).
package profiling

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
)

// StartCPU starts a CPU profile (runtime/pprof) written to path and
// returns what stops it and closes the file. Stopping returns the first
// error writing the profile or closing the file, naming path: runtime/pprof
// drops its own write errors, so a full disk would otherwise leave a
// truncated profile behind a command that says it wrote one. Only one CPU
// profile runs in a process at a time.
func StartCPU(path string) (stop func() error, err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	w := &firstError{w: f}
	if err := pprof.StartCPUProfile(w); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return func() error {
		pprof.StopCPUProfile()
		err := errors.Join(w.err, f.Close())
		if err != nil {
			return fmt.Errorf("write CPU profile: %w", err) // the file error names the path
		}
		return nil
	}, nil
}

// firstError is a writer that keeps the first error of the writer it
// wraps and writes nothing after it.
type firstError struct {
	w   io.Writer
	err error
}

func (e *firstError) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	if err != nil {
		e.err = err
	}
	return n, err
}
