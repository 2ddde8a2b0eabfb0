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

// jsblkProg returns examples/jsblk/jsblk.js. Without node the test skips,
// unless MIGSIM_REQUIRE_NODE is set (.ci/run sets it), which makes it fail.
func jsblkProg(t *testing.T) string {
	t.Helper()
	requiredTool(t, "node", "MIGSIM_REQUIRE_NODE", "examples/jsblk is not run")
	prog, err := filepath.Abs("../../examples/jsblk/jsblk.js")
	require.NoError(t, err)
	info, err := os.Stat(prog)
	require.NoError(t, err)
	require.NotZero(t, info.Mode()&0o111, "%s must be executable: exec: starts it by its #! line", prog)
	return prog
}

// The virtio-blk device in JavaScript (examples/jsblk: Node, the standard
// library only; both editions) passes the device tests and the rows of two
// catalog scenarios through the protocol, as the docs say to run it. JSON.parse reads numbers
// as doubles: the device relies on the protocol's 64-bit quantities being
// strings and every other number staying below 2^53
// (docs/device-protocol.md, "Lines and values").
func TestConform_JSExamplePasses(t *testing.T) {
	prog := jsblkProg(t)
	code, out, stderr := runSimCLI(t, "conform", "--device", "exec:"+prog, "--budget", "short", "--replay-dir", t.TempDir(),
		"--scenario", "kick-during-stop", "--scenario", "capacity-change-while-stopped")
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	first, _, _ := strings.Cut(out, "\n")
	assert.Contains(t, first, "conformance of exec:"+filepath.ToSlash(prog)+" (draft-2023, virtio-1.4):", "the editions it declares")
	assert.Contains(t, first, " 0 fail,", "no requirement fails")
	assert.Regexp(t, `units: [1-9][0-9]* pass, 0 fail`, first, "units ran and passed")
	for _, s := range []string{"kick-during-stop", "capacity-change-while-stopped"} {
		for _, e := range []string{"draft-2023", "virtio-1.4"} {
			assert.NotContains(t, out, s+"/"+e+":", "no failure of %s/%s", s, e)
		}
	}
	for why, re := range map[string]string{
		"kick-during-stop judged a doorbell in stopped":              `(?m)^DP-DEV-10 +MUST +Pass +\d+ device tests?, 1 row$`,
		"both virtio-1.4 rows judged a stopped device's DMA":         `(?m)^DP-DEV-11 +MUST +Pass +\d+ device tests?, 2 rows$`,
		"both draft-2023 rows judged a configuration change in Stop": `(?m)^DRAFT-STOP-03 +MUST +Pass +\d+ device tests?, 2 rows$`,
		"the draft-2023 resize deferred in Freeze":                   `(?m)^DRAFT-FRZ-02 +MUST +Pass +\d+ device tests?, 1 row$`,
	} {
		assert.Regexp(t, re, out, why)
	}
}

// Mistakes JavaScript programs make (examples/jsblk --misbehave=KIND) are
// reported with what went wrong and where: in the reply to the hello,
// nothing is judged (exit 2, "in its handshake"); at the first event, the
// device test it broke fails and the kit stops (exit 1). Never a hang.
func TestConform_JSExampleMisbehaves(t *testing.T) {
	prog := jsblkProg(t)
	tests := []struct {
		kind string
		// why is what the error must say, wherever the mistake is made.
		why string
	}{
		{kind: "console-log", why: `malformed message "debug: replying`},
		{kind: "stack-on-stdout", why: `malformed message "TypeError: Cannot read properties of undefined`},
		{kind: "number-strings", why: "want a non-negative integer"},
		{kind: "bigint", why: "the device closed its output instead of replying; process exit status 1; stderr: "},
		{kind: "unhandled-rejection", why: "end of input: the device ended without status 0 at the end of its input; process exit status 1"},
	}
	for _, tc := range tests {
		t.Run(tc.kind+"/hello", func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "conform", "--device", "exec:"+prog, "--parts", "device", "--replay-dir", t.TempDir(),
				"--", "--misbehave="+tc.kind, "--misbehave-at=hello")
			require.Equal(t, cmdbase.ExitUsage, code, "stderr: %s\n%s", stderr, out)
			assert.Empty(t, out, "no report")
			assert.Contains(t, stderr, "nothing judged: the device broke the protocol in its handshake")
			assert.Contains(t, stderr, tc.why)
		})
		t.Run(tc.kind+"/first-event", func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "conform", "--device", "exec:"+prog, "--parts", "device", "--replay-dir", t.TempDir(),
				"--", "--misbehave="+tc.kind)
			require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s\n%s", stderr, out)
			assert.Contains(t, out, "stopped: the device broke the protocol in ")
			assert.Contains(t, out, tc.why)
			if tc.kind != "unhandled-rejection" {
				// The first device test's first event: the unit and the request are named.
				assert.Contains(t, out, "(request 3): ")
			}
		})
	}
}
