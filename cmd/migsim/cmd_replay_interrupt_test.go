package main

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// TestReplay_SIGINTKeepsTheExplanationSoFar: a Ctrl-C while replay
// --explain or --slice runs its many replays ends them and prints the
// finding with what they found so far, marked interrupted, and exits
// 130, as explore and report do; it used to end the process with nothing
// but the header printed.
func TestReplay_SIGINTKeepsTheExplanationSoFar(t *testing.T) {
	const sched = "../../catalog/testdata/regress/reset-racing-stop_virtio-1.4_reset-vs-mode=reply-on-start.json"
	cases := []struct {
		name string
		args []string
		want string // on stdout, from the part cut short
	}{
		{"explain", []string{"--explain", "--explain-runs", "1000000"}, "  explaining interrupted: "},
		{"slice", []string{"--slice", "--slice-runs", "100000"}, "interrupted before every step was tried"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := hangGuard(t)
			defer cancel()
			cmd := exec.CommandContext(ctx, migsimBinary(t), append([]string{"replay", sched}, c.args...)...)
			pipe, err := cmd.StdoutPipe()
			require.NoError(t, err)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			require.NoError(t, cmd.Start())
			r := bufio.NewReader(pipe)
			header, err := r.ReadString('\n') // printed once the signal is handled
			require.NoError(t, err)
			require.NoError(t, cmd.Process.Signal(os.Interrupt))
			var rest strings.Builder
			_, err = r.WriteTo(&rest)
			require.NoError(t, err)
			err = cmd.Wait()
			require.NoError(t, ctx.Err(), "killed at the test's deadline; stderr:\n%s", stderr.String())
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "stdout:\n%s%s", header, rest.String())
			assert.Equal(t, cmdbase.ExitInterrupted, ee.ExitCode(), "exit status, not death by the signal")
			out := rest.String()
			assert.Contains(t, out, "finding transparent at step ")
			assert.Contains(t, out, c.want)
			assert.Contains(t, out, "trace hash ")
			assert.Contains(t, stderr.String(), "migsim replay: "+sched+": interrupted: the explanation or slice above is as far as it got\n")
		})
	}
}
