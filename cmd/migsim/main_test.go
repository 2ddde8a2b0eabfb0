package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
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
	for _, dir := range []string{binDir, progDir} {
		if dir != "" {
			_ = os.RemoveAll(dir)
		}
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

// TestVersion: migsim --version and migsim version print the version line
// of this (test) binary, which is not VCS-stamped; help lists the command.
func TestVersion(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"flag", []string{"--version"}, exitOK, `^migsim (devel|v\S+)( \(.+\))?\n$`, `^$`},
		{"command", []string{"version"}, exitOK, `^migsim (devel|v\S+)( \(.+\))?\n$`, `^$`},
		{"help", []string{"version", "--help"}, exitOK, `usage: migsim version \(or migsim --version\)`, `^$`},
		{"an argument", []string{"version", "x"}, exitUsage, `^$`, `migsim version: unexpected arguments \["x"\]`},
		{"listed in the usage", []string{"--help"}, exitOK, `(?m)^  version +print migsim's version.*\n(?s).*'migsim --version'`, `^$`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, c.code, code)
			assert.Regexp(t, c.stdout, out)
			assert.Regexp(t, c.stderr, stderr)
		})
	}
}
