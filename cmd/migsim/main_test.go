package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
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

// TestVersionText: the version line from build information, with and
// without a module version, VCS stamping or build information at all.
func TestVersionText(t *testing.T) {
	vcs := []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "52ba9ee6af30c0ffee0123456789abcdef012345"},
		{Key: "vcs.time", Value: "2026-12-03T05:45:53Z"}}
	cases := []struct {
		name string
		bi   *debug.BuildInfo
		want string
	}{
		{"no build information", nil, "migsim devel (no build information)"},
		{"go build without VCS stamping", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"}}, "migsim devel (go1.26.8)"},
		{"empty version", &debug.BuildInfo{Main: debug.Module{}}, "migsim devel"},
		{"go install of a tag", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v1.2.0"}}, "migsim v1.2.0 (go1.26.8)"},
		{"stamped", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261203054553-52ba9ee6af30"}, Settings: vcs},
			"migsim v0.0.0-20261203054553-52ba9ee6af30 (revision 52ba9ee6af30, go1.26.8)"},
		{"stamped, modified", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "(devel)"},
			Settings: append([]debug.BuildSetting{{Key: "vcs.modified", Value: "true"}}, vcs...)}, "migsim devel (revision 52ba9ee6af30, modified, go1.26.8)"},
		{"short revision", &debug.BuildInfo{Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "abc"}}}, "migsim devel (revision abc)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, versionText(c.bi))
		})
	}
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
