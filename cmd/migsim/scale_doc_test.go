package main

import (
	"bufio"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
)

// scaleDocScript returns the lines of docs/scale.md between "# NAME:
// begin" and "# NAME: end", without the indentation of the begin marker
// (the Kubernetes script is a YAML block scalar).
func scaleDocScript(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "scale.md"))
	require.NoError(t, err)
	var lines []string
	indent, in := "", false
	for _, l := range strings.Split(string(b), "\n") {
		trimmed := strings.TrimLeft(l, " ")
		switch {
		case trimmed == "# "+name+": begin":
			require.False(t, in, "%s: begin twice", name)
			indent, in = l[:len(l)-len(trimmed)], true
		case trimmed == "# "+name+": end":
			require.True(t, in, "%s: end before begin", name)
			return strings.Join(lines, "\n") + "\n"
		case in:
			lines = append(lines, strings.TrimPrefix(l, indent))
		}
	}
	require.FailNow(t, "docs/scale.md has no "+name+" script", "want lines between # %s: begin and # %s: end", name, name)
	return ""
}

// The shard scripts of docs/scale.md, run as the batch systems run them:
// stopped by SIGTERM once their shard has started, each waits for migsim
// to write its summary and ends with its status, 130. Kubernetes signals
// the container's PID 1 only, the shell (which must pass the signal on);
// Slurm every process of the job (the script must outlive migsim). The
// exploration is the documents' own, as one shard of one: its first
// progress update at 256 runs comes long before its end.
func TestScaleDocScripts_SIGTERM(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skipf("no bash: %v", err)
	}
	bin := migsimBinary(t)
	for _, tc := range []struct {
		name, shell string
		env         func(dir string) []string
		// group sends the signal to the script's process group, else to
		// the shell alone.
		group bool
		// summary is the shard's summary file, under dir.
		summary string
	}{
		{
			name: "pod script", shell: "/bin/sh",
			env: func(dir string) []string {
				return []string{"JOB_COMPLETION_INDEX=0", "SHARDS=1", "JOB_NAME=migsim-test", "RESULTS=" + dir}
			},
			summary: "migsim-test/shard-0/kick-during-stop_virtio-1.4.shard-0-of-1.summary.json",
		},
		{
			name: "sbatch script", shell: "bash", group: true,
			env: func(string) []string {
				return []string{"SLURM_ARRAY_JOB_ID=7", "SLURM_ARRAY_TASK_ID=0", "SLURM_ARRAY_TASK_COUNT=1", "SLURM_CPUS_PER_TASK=1"}
			},
			summary: "results/7/shard-0/kick-during-stop_virtio-1.4.shard-0-of-1.summary.json",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			script := scaleDocScript(t, tc.name)
			dir := t.TempDir()
			cmd := exec.Command(tc.shell, "-c", script)
			cmd.Dir = dir
			cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(bin)+string(os.PathListSeparator)+os.Getenv("PATH"))
			cmd.Env = append(cmd.Env, tc.env(dir)...)
			cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
			stderr, err := cmd.StderrPipe()
			require.NoError(t, err)
			var stdout strings.Builder
			cmd.Stdout = &stdout
			require.NoError(t, cmd.Start())
			t.Cleanup(func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) })
			// Started: a progress update past the first (the shard is
			// exploring, the shell waiting on it).
			sc := bufio.NewScanner(stderr)
			var seen []string
			started := false
			for !started && sc.Scan() {
				seen = append(seen, sc.Text())
				started = strings.HasPrefix(sc.Text(), "explore: ") && !strings.HasPrefix(sc.Text(), "explore: 0/")
			}
			require.True(t, started, "no progress update past the first: %q", seen)
			target := cmd.Process.Pid
			if tc.group {
				target = -target
			}
			require.NoError(t, syscall.Kill(target, syscall.SIGTERM))
			for sc.Scan() {
				seen = append(seen, sc.Text())
			}
			err = cmd.Wait()
			var ee *exec.ExitError
			require.True(t, errors.As(err, &ee), "exit status 130 wanted, got %v\nstdout:\n%s\nstderr:\n%s", err, stdout.String(), strings.Join(seen, "\n"))
			assert.Equal(t, cmdbase.ExitInterrupted, ee.ExitCode(), "stdout:\n%s\nstderr:\n%s", stdout.String(), strings.Join(seen, "\n"))
			sf, err := report.ReadShardFile(filepath.Join(dir, tc.summary))
			require.NoError(t, err)
			assert.True(t, sf.Report.Summary.Interrupted, "the summary says the shard was interrupted")
			assert.Contains(t, stdout.String(), "interrupted")
		})
	}
}
