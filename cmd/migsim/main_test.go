package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/gcpolicy"
)

// The migsim binary, built once for the tests that run it as a process
// (shards in parallel, signals); TestMain removes it.
var (
	binOnce sync.Once
	binDir  string
	binPath string
	binErr  error
)

func TestMain(m *testing.M) {
	gcpolicy.Apply() // as the migsim command does
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// migsimBinary builds the command with go build (once) and returns its
// path.
func migsimBinary(t *testing.T) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "migsim-test-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "migsim")
		// Without version control stamping: the binary then names its
		// module "devel", as the test binary does (schedule files record
		// it, and tests compare the binary's files with the test's own).
		if out, err := exec.Command("go", "build", "-buildvcs=false", "-o", binPath, ".").CombinedOutput(); err != nil {
			binErr = fmt.Errorf("go build: %w\n%s", err, out)
		}
	})
	require.NoError(t, binErr)
	return binPath
}
