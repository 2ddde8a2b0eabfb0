package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// python3Path returns the python3 interpreter. Without it the test skips,
// unless MIGSIM_REQUIRE_PYTHON3 is set (.ci/run sets it), which makes it
// fail.
func python3Path(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("python3")
	if err != nil {
		if os.Getenv("MIGSIM_REQUIRE_PYTHON3") != "" {
			t.Fatalf("MIGSIM_REQUIRE_PYTHON3 is set but python3 is not installed: %v", err)
		}
		t.Skip("python3 not installed: examples/pyblk is not run (.ci/run requires it)")
	}
	return p
}

// examples/pyblk, the device in Python that docs/device-protocol.md
// points to, passes the device tests and two catalog rows through the
// protocol, as the docs say to run it. PYTHONUNBUFFERED is cleared: the
// example must flush its own output, as a program run without it must.
func TestConform_PythonExamplePasses(t *testing.T) {
	python3Path(t)
	t.Setenv("PYTHONUNBUFFERED", "")
	prog, err := filepath.Abs("../../examples/pyblk/pyblk.py")
	require.NoError(t, err)
	info, err := os.Stat(prog)
	require.NoError(t, err)
	require.NotZero(t, info.Mode()&0o111, "%s must be executable: exec: starts it by its #! line", prog)
	code, out, stderr := runSimCLI(t, "conform", "--device", "exec:"+prog, "--budget", "short",
		"--scenario", "kick-during-stop", "--scenario", "split-queue-desc-write", "--replay-dir", t.TempDir())
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	first, _, _ := strings.Cut(out, "\n")
	assert.Contains(t, first, "conformance of exec:"+filepath.ToSlash(prog)+" (virtio-1.4):", "it declares virtio-1.4 alone")
	assert.Contains(t, first, " 0 fail,", "no requirement fails")
	assert.Regexp(t, `units: [1-9][0-9]* pass, 0 fail`, first, "units ran and passed")
	for _, row := range []string{"kick-during-stop/virtio-1.4", "split-queue-desc-write/virtio-1.4"} {
		assert.NotContains(t, out, row+":", "no failure of %s", row)
	}
	// The rows judged requirements, not the device tests alone.
	assert.Regexp(t, `(?m)^DP-DEV-10 +MUST +Pass +\d+ device tests?, 2 rows$`, out, "both rows judged DP-DEV-10 and passed")
	assert.Regexp(t, `(?m)^DP-DEV-11 +MUST +Pass +\d+ device tests?, 1 row$`, out, "a stopped device makes no DMA: judged by a row")
}
