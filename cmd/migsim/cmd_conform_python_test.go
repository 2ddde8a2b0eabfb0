package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// The devices in Python that docs/device-protocol.md points to pass the
// device tests and a few catalog rows through the protocol, as the docs say
// to run them: examples/pyblk (virtio-blk, virtio-1.4) and examples/pynet
// (virtio-net, both editions). PYTHONUNBUFFERED is cleared: an example must
// flush its own output, as a program run without it must. Each runs a
// small subset of rows (a catalog row through an interpreter takes seconds
// under the short budget), enough to judge requirements beside the device
// tests.
func TestConform_PythonExamplePasses(t *testing.T) {
	requiredTool(t, "python3", "MIGSIM_REQUIRE_PYTHON3", "examples/pyblk and examples/pynet are not run")
	t.Setenv("PYTHONUNBUFFERED", "")
	tests := []struct {
		prog      string
		editions  string
		scenarios []string
		rows      []string
		// judged are lines of the requirement table the rows must give.
		judged map[string]string
	}{
		{prog: "../../examples/pyblk/pyblk.py", editions: "virtio-1.4",
			scenarios: []string{"kick-during-stop", "split-queue-desc-write"},
			rows:      []string{"kick-during-stop/virtio-1.4", "split-queue-desc-write/virtio-1.4"},
			judged: map[string]string{
				"both rows judged DP-DEV-10 and passed":          `(?m)^DP-DEV-10 +MUST +Pass +\d+ device tests?, 2 rows$`,
				"a stopped device makes no DMA: judged by a row": `(?m)^DP-DEV-11 +MUST +Pass +\d+ device tests?, 1 row$`,
			}},
		{prog: "../../examples/pynet/pynet.py", editions: "draft-2023, virtio-1.4",
			scenarios: []string{"net-link-down-while-stopped"},
			rows:      []string{"net-link-down-while-stopped/draft-2023", "net-link-down-while-stopped/virtio-1.4"},
			judged: map[string]string{
				"both rows: the link state shown in status":                `(?m)^NET-DEV-03 +MUST +Pass +\d+ device tests?, 2 rows$`,
				"virtio-1.4's row: taken buffers written back at the stop": `(?m)^DP-DEV-09 +MUST +Pass +\d+ device tests?, 1 row$`,
				"draft-2023's row: a configuration change in Stop":         `(?m)^DRAFT-STOP-03 +MUST +Pass +\d+ device tests?, 1 row$`,
			}},
	}
	for _, tc := range tests {
		t.Run(filepath.Base(tc.prog), func(t *testing.T) {
			prog, err := filepath.Abs(tc.prog)
			require.NoError(t, err)
			info, err := os.Stat(prog)
			require.NoError(t, err)
			require.NotZero(t, info.Mode()&0o111, "%s must be executable: exec: starts it by its #! line", prog)
			args := []string{"conform", "--device", "exec:" + prog, "--budget", "short", "--replay-dir", t.TempDir()}
			for _, s := range tc.scenarios {
				args = append(args, "--scenario", s)
			}
			code, out, stderr := runSimCLI(t, args...)
			require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
			first, _, _ := strings.Cut(out, "\n")
			assert.Contains(t, first, "conformance of exec:"+filepath.ToSlash(prog)+" ("+tc.editions+"):", "the editions it declares")
			assert.Contains(t, first, " 0 fail,", "no requirement fails")
			assert.Regexp(t, `units: [1-9][0-9]* pass, 0 fail`, first, "units ran and passed")
			for _, row := range tc.rows {
				assert.NotContains(t, out, row+":", "no failure of %s", row)
			}
			// The rows judged requirements, not the device tests alone.
			for why, re := range tc.judged {
				assert.Regexp(t, re, out, why)
			}
		})
	}
}
