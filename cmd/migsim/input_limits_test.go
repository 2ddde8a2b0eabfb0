package main

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// endless is input that never ends (a device such as /dev/zero on stdin).
type endless struct{}

func (endless) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// runBounded runs the command in-process with stdin and fails the test if
// it does not return within a minute (a read that blocks on a FIFO).
func runBounded(t *testing.T, stdin io.Reader, args ...string) (int, string) {
	t.Helper()
	type result struct {
		code   int
		stderr string
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		code := run(args, stdin, &out, &errb)
		done <- result{code, errb.String()}
	}()
	select {
	case r := <-done:
		return r.code, r.stderr
	case <-time.After(time.Minute):
		t.Fatalf("%v did not return", args)
		return 0, ""
	}
}

// TestInputFiles_NotRegularOrTooLarge: every file a command reads is
// refused, before it is read, when it is not a regular file (a FIFO would
// block, /dev/zero never ends), and when it is above its kind's limit:
// exit 2, with the path and the limit, never a hang or an out-of-memory
// crash. A format-1 schedule (no checksum) naming such a scenario file is
// refused the same way.
func TestInputFiles_NotRegularOrTooLarge(t *testing.T) {
	dir := t.TempDir()
	fifo := fifoPath(t, dir)
	bigScn := filepath.Join(dir, "big.scn")
	require.NoError(t, os.WriteFile(bigScn, bytes.Repeat([]byte("#"), 4<<20+1), 0o644))
	v1, err := os.ReadFile(filepath.Join("..", "..", "catalog", "testdata", "sched", "format1-flr-freeze.json"))
	require.NoError(t, err)
	v1Fifo := filepath.Join(dir, "v1-fifo.json")
	require.NoError(t, os.WriteFile(v1Fifo, bytes.Replace(v1, []byte(`"testdata/sched/format1-flr-freeze.scn"`),
		[]byte(`"`+filepath.ToSlash(fifo)+`"`), 1), 0o644))
	dst := filepath.Join("..", "..", "docs", "examples", "compat", "dst-net-1.5.json")
	src := filepath.Join("..", "..", "docs", "examples", "compat", "src-net-8q.json")
	const (
		scenarioLimit = "scenario file of at most 4 MiB"
		scheduleLimit = "schedule file of at most 1536 MiB"
		fifoIs        = ": not a regular file (a FIFO): want a "
	)
	tests := []struct {
		name  string
		args  []string
		stdin io.Reader
		want  string
	}{
		{"run a FIFO", []string{"run", fifo}, nil, fifo + fifoIs + scenarioLimit},
		{"run a directory", []string{"run", dir}, nil, dir + ": not a regular file (a directory): want a " + scenarioLimit},
		{"run a large scenario", []string{"run", bigScn}, nil, bigScn + ": 4194305 bytes, above the size limit of 4 MiB for a scenario file"},
		{"explore a FIFO", []string{"explore", "--scenario", fifo}, nil, fifo + fifoIs + scenarioLimit},
		{"replay a FIFO", []string{"replay", fifo}, nil, fifo + fifoIs + scheduleLimit},
		{"replay a format-1 schedule naming a FIFO", []string{"replay", v1Fifo}, nil, fifo + fifoIs + scenarioLimit},
		{"trace a FIFO", []string{"trace", fifo}, nil, fifo + fifoIs + scheduleLimit},
		{"report a FIFO", []string{"report", "--out", dir, fifo}, nil, fifo + fifoIs + scheduleLimit},
		{"merge a FIFO", []string{"merge", fifo}, nil, fifo + fifoIs + "shard summary of at most 4 GiB"},
		{"compat SRC a FIFO", []string{"compat", fifo, dst}, nil, "SRC: " + fifo + fifoIs + "device description of at most 4 MiB"},
		{"compat DST a FIFO", []string{"compat", src, fifo}, nil, "DST: " + fifo + fifoIs + "device description of at most 4 MiB"},
		{"compat SAVED a FIFO", []string{"compat", "--state", fifo, dst}, nil, "SAVED: " + fifo + fifoIs + "saved state of at most 64 MiB"},
		{"conform --replay a FIFO", []string{"conform", "--device", "builtin:blk", "--replay", fifo}, nil, fifo + fifoIs + scheduleLimit},
		{"decode endless stdin", []string{"decode", "-"}, endless{}, "stdin: more than 67108864 bytes, above the size limit of 64 MiB for a decode input"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			stdin := tc.stdin
			if stdin == nil {
				stdin = strings.NewReader("")
			}
			code, stderr := runBounded(t, stdin, tc.args...)
			assert.Equal(t, cmdbase.ExitUsage, code, stderr)
			assert.Contains(t, stderr, tc.want)
			assert.NotContains(t, stderr, "engine: ")
		})
	}
}
