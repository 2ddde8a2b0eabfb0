package extdevice_test

import (
	"errors"
	"fmt"
	"os"
	"syscall"
	"testing"
)

func TestMain(m *testing.M) {
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
