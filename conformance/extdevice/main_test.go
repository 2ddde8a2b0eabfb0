package extdevice_test

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"

	"github.com/migsim/migsim/internal/fuzzflags"
)

// TestMain bounds Go's minimising of each new input of the fuzz targets
// (internal/fuzzflags: inputs of a few hundred bytes stalled them for
// seconds under Go's default), runs the tests and removes the programs
// they built.
func TestMain(m *testing.M) {
	if err := fuzzflags.Apply(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "extdevice-test-") }

// buildError is a failed go build of a test program.
type buildError struct {
	pkg, out string
	err      error
}

func (e *buildError) Error() string { return fmt.Sprintf("go build %s: %v\n%s", e.pkg, e.err, e.out) }

// alive reports whether a process (or an unreaped zombie) with that pid
// exists.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return err == nil || !errors.Is(err, syscall.ESRCH)
}
