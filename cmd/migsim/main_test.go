package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/buildinfo"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/fuzzflags"
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
	// FuzzParseShard's minimising stalled it under Go's default.
	if err := fuzzflags.Apply(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	gcpolicy.Apply() // as the migsim command does
	code := m.Run()
	for _, dir := range append([]string{binDir, progDir}, flrShared.dirs...) {
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

// migsim version names the build as a shard summary records it
// (buildinfo.Running), in text and in JSON alike: the test binary is not
// VCS-stamped, so its identity is its executable's hash, which both print.
func TestVersion_BuildIdentity(t *testing.T) {
	code, text, stderr := runSimCLI(t, "version")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	code, js, stderr := runSimCLI(t, "--version", "--format", "json")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	var doc struct {
		Version  string `json:"version"`
		Revision string `json:"revision"`
		Modified bool   `json:"modified"`
		Go       string `json:"go"`
		SHA256   string `json:"sha256"`
		Build    string `json:"build"`
	}
	dec := json.NewDecoder(strings.NewReader(js))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&doc), js)
	assert.Equal(t, buildinfo.Running(), doc.Build, "the identity shard summaries record")
	assert.Equal(t, runtime.Version(), doc.Go)
	assert.Contains(t, text, "\nbuild: "+doc.Build+" (")
	if doc.Revision == "" || doc.Modified {
		assert.Regexp(t, `^[0-9a-f]{16}$`, doc.SHA256, "an unstamped or modified build names its executable's hash")
		assert.Equal(t, "sha256:"+doc.SHA256, doc.Build[strings.LastIndex(doc.Build, "sha256:"):])
		assert.Contains(t, text, "\nexecutable sha256: "+doc.SHA256+" ")
	} else {
		assert.Empty(t, doc.SHA256)
		assert.Equal(t, "vcs:"+doc.Revision, doc.Build)
	}
	if doc.Revision == "" {
		assert.Contains(t, text, "\nrevision: none (not VCS-stamped)\n")
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
		{"flag", []string{"--version"}, cmdbase.ExitOK, `^migsim (devel|v\S+)( \(.+\))?\nrevision: .+\n(executable sha256: [0-9a-f]{16} .*\n)?build: \S+ .*\n$`, `^$`},
		{"command", []string{"version"}, cmdbase.ExitOK, `^migsim (devel|v\S+)( \(.+\))?\nrevision: .+\n(executable sha256: [0-9a-f]{16} .*\n)?build: \S+ .*\n$`, `^$`},
		{"a format it lacks", []string{"version", "--format", "xml"}, cmdbase.ExitUsage, `^$`, `migsim version: --format "xml": want text or json`},
		{"help", []string{"version", "--help"}, cmdbase.ExitOK, `usage: migsim version \[--format text\|json\] \(or migsim --version\)`, `^$`},
		{"an argument", []string{"version", "x"}, cmdbase.ExitUsage, `^$`, `migsim version: unexpected arguments \["x"\]`},
		{"listed in the usage", []string{"--help"}, cmdbase.ExitOK, `(?m)^  version +print migsim's version.*\n(?s).*'migsim --version'`, `^$`},
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
