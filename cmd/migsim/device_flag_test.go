package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/devicearg"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// The builtin devices' names, as --device takes them (internal/devicearg).
const (
	builtinBlk    = devicearg.Blk
	builtinNet    = devicearg.Net
	builtinMutant = devicearg.MutantPrefix
)

// mutantDevice is the mutant the device tests replay with: DEV_MODE_GET
// always answers Active, which the readback oracle catches.
const mutantDevice = "builtin:mutant/mode-get-lies"

// deviceSchedules writes a schedule of the trace smoke scenario run with
// the reference and one run with mutantDevice, which ends in its finding.
func deviceSchedules(t *testing.T) (ref, mutant string) {
	t.Helper()
	ref, res := traceSchedule(t, "trace-smoke.scn", spec.Draft2023, nil, 3, traceRandomChooser(3))
	require.Nil(t, res.Finding, "the smoke scenario passes with the reference")
	m, ok := mutants.Lookup(strings.TrimPrefix(mutantDevice, builtinMutant))
	require.True(t, ok)
	mutant, res = traceScheduleWith(t, m.Factory(blk.New), "trace-smoke.scn", spec.Draft2023, nil, 3, traceRandomChooser(3))
	require.NotNil(t, res.Finding, "the mutant fails the smoke scenario")
	require.Equal(t, "readback", res.Finding.Oracle)
	return ref, mutant
}

// reportFiles runs migsim report args… into a new directory and returns
// the exit status, stderr and the files written, by extension.
func reportFiles(t *testing.T, args ...string) (int, string, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	code, _, stderr := runSimCLI(t, append([]string{"report", "--out", dir, "--explain-runs", "0"}, args...)...)
	files := map[string]string{}
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		files[filepath.Ext(e.Name())] = string(b)
	}
	return code, stderr, files
}

// withoutDevice drops from a report what names the device under test: the
// device row of its Scenario table and its Reproduce section.
func withoutDevice(md string) string {
	var lines []string
	for _, l := range strings.Split(md, "\n") {
		if !strings.HasPrefix(l, "| device | `") {
			lines = append(lines, l)
		}
	}
	s, _, _ := strings.Cut(strings.Join(lines, "\n"), "\n## Reproduce\n")
	return s
}

// TestDevice_BuiltinBlkMatchesTheReference: with --device builtin:blk,
// every trace format and the finding report's pcapng, DOT and Markdown
// (but for the device's row and the commands that reproduce the run)
// are the bytes the reference gives.
func TestDevice_BuiltinBlkMatchesTheReference(t *testing.T) {
	ref, _ := deviceSchedules(t)
	for _, format := range traceFormats {
		t.Run("trace "+format, func(t *testing.T) {
			code, want, stderr := runTraceCmd(ref, "--format", format)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			code, got, stderr := runTraceCmd("--device", builtinBlk, ref, "--format", format)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			assert.NotEmpty(t, got)
			assert.Equal(t, want, got)
		})
	}
	t.Run("report", func(t *testing.T) {
		code, stderr, want := reportFiles(t, ref)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		code, stderr, got := reportFiles(t, "--device", builtinBlk, ref)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		assert.Equal(t, want[".pcapng"], got[".pcapng"])
		assert.Equal(t, want[".dot"], got[".dot"])
		assert.Equal(t, withoutDevice(want[".md"]), withoutDevice(got[".md"]))
		assert.NotContains(t, want[".md"], "| device | `")
		assert.Contains(t, got[".md"], "| device | `builtin:blk` |\n")
		assert.Contains(t, got[".md"], "```sh\nmigsim conform --device builtin:blk --replay "+ref+"\nmigsim trace --device builtin:blk "+ref+" --format text\n")
	})
}

// TestDevice_MutantCounterexample: a counterexample of a mutant traces,
// reports and replays with that mutant, and not with the reference, which
// does not fail it; conform --replay --trace prints the trace migsim
// trace --device prints, then the finding.
func TestDevice_MutantCounterexample(t *testing.T) {
	ref, mutant := deviceSchedules(t)
	code, mutantText, stderr := runTraceCmd("--device", mutantDevice, mutant, "--format", "text")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	require.Contains(t, mutantText, "DEV_MODE_GET SR-IOV member 1: OK")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr string
	}{
		{"trace json names the finding", []string{"trace", "--device", mutantDevice, mutant, "--format", "json"}, cmdbase.ExitOK,
			[]string{`"oracle": "readback"`}, ""},
		{"the reference does not replay it", []string{"trace", mutant}, cmdbase.ExitFinding, nil, "replay diverged"},
		{"the fixed device no longer fails it", []string{"trace", "--device", builtinBlk, mutant}, cmdbase.ExitFinding, nil,
			"migsim trace: " + mutant + " with builtin:blk: the recorded finding (readback at step "},
		{"the report with the fixed device says so", []string{"report", "--out", t.TempDir(), "--device", builtinBlk, mutant}, cmdbase.ExitFinding, nil,
			"migsim report: " + mutant + " with builtin:blk: the recorded finding (readback at step "},
		{"the mutant does not replay the reference's run", []string{"trace", "--device", mutantDevice, ref}, cmdbase.ExitFinding, nil,
			"migsim trace: " + ref + " with " + mutantDevice + ": seed "},
		{"conform --replay --trace", []string{"conform", "--device", mutantDevice, "--replay", mutant, "--trace"}, cmdbase.ExitFinding,
			[]string{mutantText + "replay " + mutant + " with " + mutantDevice + ": ", "\nfinding readback at step "}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, c.code, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			for _, w := range c.stdout {
				assert.Contains(t, out, w)
			}
			if c.stderr != "" {
				assert.Contains(t, stderr, c.stderr)
			}
		})
	}
	t.Run("report", func(t *testing.T) {
		code, stderr, files := reportFiles(t, "--device", mutantDevice, mutant)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		md := files[".md"]
		assert.Contains(t, md, "**Violation of `readback`**")
		assert.Contains(t, md, "| device | `"+mutantDevice+"` |\n")
		assert.Contains(t, md, "| `DRAFT-MODE-04` | **broken** |")
		assert.Contains(t, md, "\nmigsim conform --device "+mutantDevice+" --replay "+mutant+"\n")
		assert.NotContains(t, md, "migsim replay "+mutant)
	})
}

// TestDevice_Exec: the reference as an external process (examples/extblk)
// gives the builtin's trace, report and replay; a program that does not
// speak the protocol breaks it in its handshake: nothing is traced, the
// program is no device of the protocol (exit 2, as one that cannot start).
func TestDevice_Exec(t *testing.T) {
	ref, _ := deviceSchedules(t)
	exe := "exec:" + buildProgram(t, "../../examples/extblk", "extblk")
	code, want, stderr := runTraceCmd("--device", builtinBlk, ref, "--format", "text")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout string
		stderr string
	}{
		{"trace", []string{"trace", "--device", exe, "--timeout", "1m", ref, "--format", "text", "--", "ignored"}, cmdbase.ExitOK, want, ""},
		{"conform --replay --trace", []string{"conform", "--device", exe, "--replay", ref, "--trace"}, cmdbase.ExitOK,
			want + "replay " + ref + " with " + exe + ": ", ""},
		{"a program that exits at once", []string{"trace", "--device", "exec:true", ref}, cmdbase.ExitUsage, "",
			"migsim trace: " + ref + " with exec:true: the device broke the protocol: true: hello (request 1): "},
		{"conform --replay with it", []string{"conform", "--device", "exec:true", "--replay", ref}, cmdbase.ExitUsage, "",
			"migsim conform: " + ref + " with exec:true: the device broke the protocol: true: hello (request 1): "},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, c.code, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			if c.stdout == "" {
				assert.Empty(t, out)
			} else {
				assert.True(t, strings.HasPrefix(out, c.stdout), "stdout:\n%s", out)
			}
			if c.stderr != "" {
				assert.True(t, strings.HasPrefix(stderr, c.stderr), "stderr:\n%s", stderr)
			}
		})
	}
	t.Run("report", func(t *testing.T) {
		code, stderr, files := reportFiles(t, "--device", exe, "--timeout", "30s", ref, "--", "-v")
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		q := filepath.ToSlash(strings.TrimPrefix(exe, "exec:"))
		assert.Contains(t, files[".md"], "| device | `exec:"+q+"` (`--device exec:"+q+" --timeout 30s -- -v`) |\n")
		assert.Contains(t, files[".md"], "\nmigsim trace --device exec:"+q+" "+ref+" --format text --timeout 30s -- -v\n")
	})
}

// TestDevice_UsageErrors: trace and report read --device as conform does
// and refuse what does not go with it, exit 2.
func TestDevice_UsageErrors(t *testing.T) {
	ref, _ := deviceSchedules(t)
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"unknown device", []string{"trace", "--device", "builtin:scsi", ref}, `migsim trace: --device "builtin:scsi": want builtin:blk, builtin:net, builtin:mutant/NAME or exec:PATH`},
		{"unknown mutant", []string{"report", "--device", "builtin:mutant/nope", ref}, `migsim report: --device "builtin:mutant/nope": no mutant "nope"`},
		{"missing program", []string{"trace", "--device", "exec:" + filepath.Join(t.TempDir(), "nope"), ref}, "cannot start"},
		{"arguments of a builtin", []string{"report", "--device", builtinBlk, ref, "--", "x"}, `migsim report: arguments ["x"]: only an exec: device takes arguments`},
		{"--timeout without --device", []string{"trace", "--timeout", "1s", ref}, "migsim trace: --timeout goes with --device exec:PATH"},
		{"arguments without --device", []string{"replay", ref, "--", "x"}, `migsim replay: arguments ["x"] after -- go with --device exec:PATH`},
		{"arguments without --device (trace)", []string{"trace", ref, "--", "x", "y"}, `migsim trace: arguments ["x" "y"] after -- go with --device exec:PATH`},
		{"--timeout of a builtin", []string{"report", "--device", builtinBlk, "--timeout", "1s", ref}, "migsim report: --timeout: only an exec: device has requests"},
		{"--timeout out of range", []string{"trace", "--device", "exec:true", "--timeout", "0s", ref}, "migsim trace: --timeout 0s: want more than 0s and at most 10m0s"},
		{"a virtio-net device on virtio-blk VFs", []string{"trace", "--device", builtinNet, ref},
			"migsim trace: " + ref + " with builtin:net: builtin:net is virtio-net, the schedule's VFs are virtio-blk: not the schedule's device type"},
		{"conform --replay with it", []string{"conform", "--device", builtinNet, "--replay", ref},
			"builtin:net is virtio-net, the schedule's VFs are virtio-blk: not the schedule's device type"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			assert.Contains(t, stderr, c.want)
			assert.Empty(t, out)
		})
	}
}

// TestRunFailed: the exit status and the message of a run with a device
// that failed.
func TestRunFailed(t *testing.T) {
	dev, _, err := devicearg.Parse(devicearg.Spec{Name: mutantDevice})
	require.NoError(t, err)
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	found := &schedfile.Schedule{Finding: &engine.Finding{Oracle: "readback", Step: 6}}
	protocol := fmt.Errorf("device %s: %w", dev.Name(), &extdevice.Error{Command: "x", Request: "hello (request 1)", What: "no reply within 5s"})
	cases := []struct {
		name string
		ctx  context.Context
		dev  conformance.Device
		err  error
		code int
		want string
	}{
		{"a divergence", context.Background(), dev, fmt.Errorf("engine: seed 1: %w", engine.ErrDiverged), cmdbase.ExitFinding,
			"migsim trace: f.json with " + mutantDevice + ": seed 1: replay diverged\n"},
		{"the finding did not occur", context.Background(), dev, fmt.Errorf("engine: seed 1: %w", engine.ErrPastEnd), cmdbase.ExitFinding,
			"migsim trace: f.json with " + mutantDevice + ": the recorded finding (readback at step 7) did not occur: the device no longer fails this counterexample\n"},
		{"a protocol error", context.Background(), dev, protocol, cmdbase.ExitFinding,
			"migsim trace: f.json with " + mutantDevice + ": the device broke the protocol: x: hello (request 1): no reply within 5s\n"},
		{"interrupted", canceled, dev, protocol, cmdbase.ExitInterrupted, "migsim trace: f.json with " + mutantDevice + ": interrupted\n"},
		{"an interrupted request", context.Background(), dev, &extdevice.Error{Command: "x", Request: "new", Interrupted: true}, cmdbase.ExitInterrupted, ""},
		{"a device of the other type", context.Background(), dev, fmt.Errorf("x: %w", conformance.ErrDeviceType), cmdbase.ExitUsage, ""},
		{"the reference, interrupted", canceled, nil, errors.New("engine: seed 1: boom"), cmdbase.ExitFinding, "migsim trace: f.json: seed 1: boom\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			assert.Equal(t, c.code, cmdbase.RunFailed(c.ctx, &b, "trace", "f.json", found, c.dev, c.err))
			if c.want != "" {
				assert.Equal(t, c.want, b.String())
			}
		})
	}
}

// TestDashBeforeTheFile: without --device, a "--" before every argument
// only lets a FILE start with '-': the schedule replays.
func TestDashBeforeTheFile(t *testing.T) {
	code, out, stderr := runSimCLI(t, "replay", "--", regressFile("flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway.json"))
	assert.Equal(t, cmdbase.ExitFinding, code, stderr)
	assert.Contains(t, out, "finding one-running at step 166")
}
