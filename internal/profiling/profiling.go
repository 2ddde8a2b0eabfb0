// Package profiling starts and stops the CPU profiles the commands write
// (migsim run --cpuprofile; cmd/migsim/default.pgo is one).
package profiling

import (
	"fmt"
	"os"
	"runtime/pprof"
)

// StartCPU starts a CPU profile (runtime/pprof) written to path and
// returns what stops it and closes the file. Only one CPU profile runs in
// a process at a time.
func StartCPU(path string) (stop func(), err error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}, nil
}
