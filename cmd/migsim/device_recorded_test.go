package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/scenario"
)

// recordedAs writes the schedule at path again, as migsim conform writes
// it for the device name with args: with its device fields.
func recordedAs(t *testing.T, path, name string, args ...string) string {
	t.Helper()
	sc, err := catalog.ReadScheduleFile(path)
	require.NoError(t, err)
	sc.Device, sc.DeviceArgs = name, args // WriteFile does not check them
	out := filepath.Join(t.TempDir(), strings.NewReplacer("/", "-", ":", "-").Replace(name)+".json")
	require.NoError(t, sc.WriteFile(out))
	return out
}

// TestDevice_Recorded: a schedule file that records its device replays,
// traces and reports with it when no --device is given, and says so on
// stderr; an exec device is never started unasked (exit 2, naming it and
// the command line that replays with it); a --device other than the
// recorded one wins, and stderr names both; a file without the field
// replays with the reference, silently, as before the field. A file that
// records its device is one migsim conform wrote: replay prints what the
// kit charges ("charged: …"), not the catalog's "requirements:" line.
func TestDevice_Recorded(t *testing.T) {
	_, old := deviceSchedules(t) // the mutant's run, its device not recorded
	mutant := recordedAs(t, old, mutantDevice)
	const missing = "/nonexistent/extdev"
	execFile := recordedAs(t, old, "exec:"+missing, "--queues", "a b")
	noMutant := recordedAs(t, old, "builtin:mutant/not-in-this-migsim")
	trueFile := recordedAs(t, old, "exec:true")
	goFile := recordedAs(t, old, "go:mydev")      // the Go kit with a device of the caller's program
	badForm := recordedAs(t, old, "builtin:scsi") // written, as a hand-made file might be; never read back
	badFormAt := valueOffsetIn(t, badForm, `"device": "builtin:scsi"`, `"device": `)
	code, mutantText, stderr := runTraceCmd("--device", mutantDevice, old, "--format", "text")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	used := func(cmd, file string) string {
		return "migsim " + cmd + ": " + file + ": replaying with " + mutantDevice + ", the device the file records (--device DEVICE replays with another)\n"
	}
	execRefused := func(cmd, line string) string {
		return "migsim " + cmd + ": " + execFile + " was recorded with the external device exec:" + missing + " -- --queues 'a b', " +
			"which is not started unless named: name it to replay with it (" + line + "), or name another device (--device builtin:blk: the reference)\n"
	}
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string // in this order
		stderr string   // the whole of it
	}{
		{"replay finds the recorded finding", []string{"replay", mutant}, cmdbase.ExitFinding,
			[]string{"finding readback at step ", "  charged: DRAFT-MODE-04", "(matches the recording)"}, used("replay", mutant)},
		{"replay --explain explains it with the mutant", []string{"replay", mutant, "--explain", "--explain-runs", "20"}, cmdbase.ExitFinding,
			[]string{"finding readback at step ", "  why: "}, used("replay", mutant)},
		{"trace", []string{"trace", mutant, "--format", "text"}, cmdbase.ExitOK, []string{mutantText}, used("trace", mutant)},
		{"conform --replay", []string{"conform", "--replay", mutant}, cmdbase.ExitFinding,
			[]string{"replay " + mutant + " with " + mutantDevice + ": ", "finding readback at step "}, used("conform", mutant)},
		{"the recorded device named: no note", []string{"conform", "--replay", mutant, "--device", mutantDevice}, cmdbase.ExitFinding,
			[]string{"finding readback at step "}, ""},
		{"another device named", []string{"trace", mutant, "--device", builtinBlk}, cmdbase.ExitFinding, nil,
			"migsim trace: " + mutant + " was recorded with " + mutantDevice + "; replaying with builtin:blk, as --device says " +
				"(a run with another device may diverge from the recording)\n" +
				"migsim trace: " + mutant + " with builtin:blk: the recorded finding (readback at step "},
		{"replay with another device named", []string{"replay", mutant, "--device", builtinBlk}, cmdbase.ExitFinding, []string{"replay " + mutant + ": scenario "},
			"migsim replay: " + mutant + " was recorded with " + mutantDevice + "; replaying with builtin:blk, as --device says " +
				"(a run with another device may diverge from the recording)\n" +
				"migsim replay: " + mutant + " with builtin:blk: the recorded finding (readback at step "},
		{"an old file replays with the reference", []string{"replay", old}, cmdbase.ExitFinding, []string{"replay diverged"}, ""},
		{"replay of an exec device's file", []string{"replay", execFile}, cmdbase.ExitUsage, nil,
			execRefused("replay", "migsim replay --device exec:"+missing+" "+execFile+" -- --queues 'a b'")},
		{"trace of it", []string{"trace", execFile, "--format", "json"}, cmdbase.ExitUsage, nil,
			execRefused("trace", "migsim trace --device exec:"+missing+" "+execFile+" -- --queues 'a b'")},
		{"report of it", []string{"report", "--out", t.TempDir(), execFile}, cmdbase.ExitUsage, nil,
			execRefused("report", "migsim report --device exec:"+missing+" "+execFile+" -- --queues 'a b'")},
		{"conform --replay of it", []string{"conform", "--replay", execFile}, cmdbase.ExitUsage, nil,
			execRefused("conform", "migsim conform --device exec:"+missing+" --replay "+execFile+" -- --queues 'a b'")},
		{"replay of a Go program's device's file", []string{"replay", goFile}, cmdbase.ExitUsage, nil,
			"migsim replay: " + goFile + " was written by the conformance kit in a Go program, with its device go:mydev, which migsim cannot build: " +
				"replay it in that program (conformance.Replay with the device), or name a device to replay with " +
				"(--device exec:PATH: that device served as a program, extdevice.Serve; --device builtin:blk: the reference)\n"},
		{"conform --replay of it", []string{"conform", "--replay", goFile}, cmdbase.ExitUsage, nil,
			"migsim conform: " + goFile + " was written by the conformance kit in a Go program"},
		{"it replays with a device named", []string{"replay", goFile, "--device", builtinBlk}, cmdbase.ExitFinding, []string{"replay " + goFile + ": scenario "},
			"migsim replay: " + goFile + " was recorded with go:mydev; replaying with builtin:blk, as --device says " +
				"(a run with another device may diverge from the recording)\nmigsim replay: " + goFile + " with builtin:blk: "},
		{"--device cannot name it", []string{"replay", goFile, "--device", "go:mydev"}, cmdbase.ExitUsage, nil,
			`migsim replay: --device "go:mydev": a device of the Go program that ran the conformance kit, which migsim cannot build`},
		{"the recorded exec device named runs it", []string{"trace", trueFile, "--device", "exec:true"}, cmdbase.ExitUsage, nil,
			"migsim trace: " + trueFile + " with exec:true: the device broke the protocol: true: hello (request 1): "},
		{"a device of no form the file may hold", []string{"trace", badForm}, cmdbase.ExitUsage, nil,
			"migsim trace: schedule " + badForm + `: field device: "builtin:scsi": want builtin:blk, builtin:net, builtin:mutant/NAME, exec:PATH or go:NAME (no field: the reference device)` + fmt.Sprintf(" (byte offset %d)\n", badFormAt)},
		{"a mutant this migsim lacks", []string{"replay", noMutant}, cmdbase.ExitUsage, nil,
			"migsim replay: " + noMutant + `: field device: no mutant "not-in-this-migsim" in this migsim (migsim conform --list names them); --device DEVICE replays with another device` + "\n"},
		{"conform --replay of an old file still needs --device", []string{"conform", "--replay", old}, cmdbase.ExitUsage, nil,
			"migsim conform: --device is required: " + old + " records no device"},
		{"conform: arguments without --device", []string{"conform", "--replay", mutant, "--", "-v"}, cmdbase.ExitUsage, nil,
			`migsim conform: arguments ["-v"] go with --device exec:PATH`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, c.code, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			rest := out
			for _, w := range c.stdout {
				i := strings.Index(rest, w)
				if !assert.GreaterOrEqual(t, i, 0, "stdout lacks %q (in order):\n%s", w, out) {
					break
				}
				rest = rest[i+len(w):]
			}
			if c.code == cmdbase.ExitUsage {
				assert.Empty(t, out)
			}
			if strings.HasSuffix(c.stderr, "\n") || c.stderr == "" {
				assert.Equal(t, c.stderr, stderr)
			} else {
				assert.True(t, strings.HasPrefix(stderr, c.stderr), "stderr:\n%s", stderr)
			}
		})
	}
	t.Run("report names the recorded device", func(t *testing.T) {
		code, stderr, files := reportFiles(t, mutant)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		assert.Equal(t, used("report", mutant), stderr)
		assert.Contains(t, files[".md"], "**Violation of `readback`**")
		assert.Contains(t, files[".md"], "| device | `"+mutantDevice+"` |\n")
	})
}

// TestDevice_RecordedTimeout: the command line that replays a file with
// the exec device it records carries the request deadline the kit ran
// with, which the file records when it was not the default.
func TestDevice_RecordedTimeout(t *testing.T) {
	_, old := deviceSchedules(t)
	sc, err := catalog.ReadScheduleFile(old)
	require.NoError(t, err)
	sc.Format = schedfile.Format
	sc.ScenarioHash = catalog.ScheduleHash(mustScheduleScenario(t, sc), schedfile.Format)
	sc.Device, sc.DeviceTimeout = "exec:/nonexistent/extdev", 90*time.Second
	path := filepath.Join(t.TempDir(), "slow.json")
	require.NoError(t, sc.WriteFile(path))
	code, _, stderr := runSimCLI(t, "replay", path)
	require.Equal(t, cmdbase.ExitUsage, code, stderr)
	assert.Contains(t, stderr, "(migsim replay --device exec:/nonexistent/extdev "+path+" --timeout 1m30s)")
}

// mustScheduleScenario is the scenario sc was recorded against.
func mustScheduleScenario(t *testing.T, sc *schedfile.Schedule) *scenario.Scenario {
	t.Helper()
	s, err := catalog.ScheduleScenario(sc)
	require.NoError(t, err)
	return s
}

// valueOffsetIn returns the byte offset in file of the value that follows
// key in the one place the file holds the text at.
func valueOffsetIn(t *testing.T, file, at, key string) int {
	t.Helper()
	b, err := os.ReadFile(file)
	require.NoError(t, err)
	require.Equal(t, 1, bytes.Count(b, []byte(at)), "%s holds %s once", file, at)
	return bytes.Index(b, []byte(at)) + len(key)
}
