package main

import (
	"encoding/xml"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/internal/keepfile"
	"github.com/migsim/migsim/spec"
)

// The programs buildProgram built, by package, in progDir (TestMain
// removes it): each is built once per test binary.
var (
	progMu   sync.Mutex
	progDir  string
	programs = map[string]string{}
)

// buildProgram builds a package of the module (once per test binary) and
// returns the binary, named name.
func buildProgram(t *testing.T, pkg, name string) string {
	t.Helper()
	progMu.Lock()
	defer progMu.Unlock()
	if path, ok := programs[pkg]; ok {
		return path
	}
	if progDir == "" {
		dir, err := os.MkdirTemp("", "migsim-test-programs-")
		require.NoError(t, err)
		progDir = dir
	}
	path := filepath.Join(progDir, fmt.Sprint(len(programs)), name)
	out, err := exec.Command("go", "build", "-o", path, pkg).CombinedOutput()
	require.NoError(t, err, "go build %s:\n%s", pkg, out)
	programs[pkg] = path
	return path
}

// conformSmall are the flags that keep a CLI test small: the short budget
// and one scenario.
func conformSmall(t *testing.T, extra ...string) []string {
	return append([]string{"conform", "--budget", "short", "--scenario", "smoke-migrate", "--replay-dir", t.TempDir()}, extra...)
}

// builtinBlkSmall is conformSmall's run of builtin:blk, made once per
// test process: TestConform_BuiltinBlkExits0 checks its report and
// TestConform_ExecExtblkSameTableAsBuiltin compares extblk's with it.
// Its replay directory is its own (it writes nothing there: nothing
// fails), removed once the run ends; the report does not name it.
var builtinBlkSmall = sync.OnceValues(func() (cliRun, error) {
	dir, err := os.MkdirTemp("", "migsim-test-conform-")
	if err != nil {
		return cliRun{}, err
	}
	defer os.RemoveAll(dir)
	var r cliRun
	r.code, r.out, r.stderr = runCLI("conform", "--budget", "short", "--scenario", "smoke-migrate", "--replay-dir", dir, "--device", "builtin:blk")
	if strings.Contains(r.out, dir) {
		return r, fmt.Errorf("the report names the replay directory %s:\n%s", dir, r.out)
	}
	return r, nil
})

func TestConform_BuiltinBlkExits0(t *testing.T) {
	r, err := builtinBlkSmall()
	require.NoError(t, err)
	code, out, stderr := r.code, r.out, r.stderr
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	assert.Contains(t, out, "conformance of builtin:blk (draft-2023, virtio-1.4)")
	assert.Contains(t, out, "0 fail")
	assert.Contains(t, out, "DRAFT-MODE-04  MUST   Pass")
	assertNotExercisedOneMeaning(t, out)
}

// assertNotExercisedOneMeaning checks that a conform text report says "not
// exercised" of the requirements whose verdict is not exercised alone:
// the summary line and the judged line count the same ones (the judged
// line leaves out a count of 0), the requirement lines say it as the
// verdict only, never as a reason of another verdict.
func assertNotExercisedOneMeaning(t *testing.T, out string) {
	t.Helper()
	lines := strings.Split(out, "\n")
	require.Greater(t, len(lines), 2, out)
	summary := regexp.MustCompile(`, (\d+) not exercised, `).FindStringSubmatch(lines[0])
	require.NotNil(t, summary, "the summary line counts not exercised: %s", lines[0])
	rows := 0
	for _, l := range lines[2:] {
		if strings.Contains(l, "not exercised") {
			require.Regexp(t, `^\S+ +\S+ +Not exercised `, l, "only the verdict says not exercised")
			rows++
		}
	}
	assert.Equal(t, summary[1], fmt.Sprint(rows), "the summary counts the Not exercised lines")
	judged := regexp.MustCompile(`(\d+) not exercised\b`).FindStringSubmatch(lines[1])
	if rows == 0 {
		assert.Nil(t, judged, "the judged line has no not exercised count: %s", lines[1])
	} else if assert.NotNil(t, judged, lines[1]) {
		assert.Equal(t, summary[1], judged[1], "the judged line counts the same requirements: %s", lines[1])
	}
}

// A mutant exits 1 and names the requirement, the oracle, the row and the
// replay command, which reproduces the finding.
func TestConform_MutantExits1AndNamesWhatBroke(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "conform", "--budget", "short", "--scenario", "smoke-migrate", "--replay-dir", dir,
		"--device", "builtin:mutant/mode-get-lies")
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s\n%s", stderr, out)
	assert.Contains(t, out, "conformance of builtin:mutant/mode-get-lies (draft-2023)")
	assert.Contains(t, out, "DRAFT-MODE-04  MUST   Fail")
	schedule := filepath.Join(dir, "smoke-migrate_draft-2023.json")
	assert.Contains(t, out, "smoke-migrate/draft-2023: oracle readback at step")
	assert.Contains(t, out, "replay: migsim conform --device builtin:mutant/mode-get-lies --replay "+schedule)
	sc, err := catalog.ReadScheduleFile(schedule)
	require.NoError(t, err)
	assert.Equal(t, "builtin:mutant/mode-get-lies", sc.Device, "the counterexample records its device")
	assert.Empty(t, sc.DeviceArgs)

	// migsim replay replays it with the device it records, to its finding.
	code, out, stderr = runSimCLI(t, "replay", schedule)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s\n%s", stderr, out)
	assert.Contains(t, out, "finding readback at step")
	assert.Contains(t, out, "(matches the recording)")
	assert.Contains(t, stderr, "replaying with builtin:mutant/mode-get-lies, the device the file records")

	code, out, stderr = runSimCLI(t, "conform", "--device", "builtin:mutant/mode-get-lies", "--replay", schedule)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	assert.Contains(t, out, "finding readback at step")
	assert.Contains(t, out, "\n  charged: DRAFT-MODE-04\n", "the charge the report made")
	assert.NotContains(t, out, "  why: ")

	// Replayed with the fixed device (the reference), the run follows
	// every recorded choice and goes on, to its end without a finding:
	// the recorded finding did not occur, which is what its author wants
	// to hear, not a divergence.
	code, out, stderr = runSimCLI(t, "conform", "--device", "builtin:blk", "--replay", schedule)
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	assert.Regexp(t, `every recorded step was taken and the run went on past them without the recorded finding \(readback at step \d+\)\n`+
		`the recorded finding \(readback at step \d+\) did not occur in the lenient replay, which ended without a finding: the device no longer fails this counterexample\n`, out)
	assert.NotContains(t, out+stderr, "diverged")

	// --explain explains the counterexample with the device: the lie is
	// in every answer, so no ordering decides it.
	code, out, stderr = runSimCLI(t, "conform", "--device", "builtin:mutant/mode-get-lies", "--replay", schedule, "--explain")
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	assert.Regexp(t, `(?m)^  why: .*\(each of \d+ steps moved both ways, \d+ runs\)$`, out)
	for _, bad := range [][]string{{"--explain"}, {"--replay", schedule, "--explain-runs", "5"}} {
		code, _, stderr = runSimCLI(t, append([]string{"conform", "--device", "builtin:mutant/mode-get-lies"}, bad...)...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%v: %s", bad, stderr)
	}
}

// --report junit=FILE writes XML that parses, with one testcase per
// requirement of the spec catalog; the text still goes to stdout.
func TestConform_JUnitReport(t *testing.T) {
	file := filepath.Join(t.TempDir(), "report.xml")
	code, out, stderr := runSimCLI(t, conformSmall(t, "--device", "builtin:mutant/mode-get-lies", "--report", "junit="+file)...)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	assert.Contains(t, out, "REQUIREMENT")
	data, err := os.ReadFile(file)
	require.NoError(t, err)
	var suites struct {
		XMLName xml.Name `xml:"testsuites"`
		Suites  []struct {
			Name     string `xml:"name,attr"`
			Failures int    `xml:"failures,attr"`
			Cases    []struct {
				Name    string `xml:"name,attr"`
				Failure *struct {
					Message string `xml:"message,attr"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	require.NoError(t, xml.Unmarshal(data, &suites))
	require.Equal(t, "requirements", suites.Suites[0].Name)
	ids := map[string]bool{}
	for _, c := range suites.Suites[0].Cases {
		assert.False(t, ids[c.Name], "one testcase per requirement: %s twice", c.Name)
		ids[c.Name] = true
		if c.Name == "DRAFT-MODE-04" {
			require.NotNil(t, c.Failure)
			assert.Contains(t, c.Failure.Message, "DRAFT-MODE-04/draft-2023/mode-get-follows-mode-set")
		}
	}
	assert.Len(t, ids, len(spec.Requirements()), "one testcase per requirement of the catalog")
	assert.Equal(t, 1, suites.Suites[0].Failures)
}

// The reference device as an external process gives the same report as
// the builtin one.
func TestConform_ExecExtblkSameTableAsBuiltin(t *testing.T) {
	extblk := buildProgram(t, "../../examples/extblk", "extblk")
	r, err := builtinBlkSmall() // TestConform_BuiltinBlkExits0's run
	require.NoError(t, err)
	require.Equal(t, cmdbase.ExitOK, r.code, "stderr: %s", r.stderr)
	want := r.out
	code, got, stderr := runSimCLI(t, conformSmall(t, "--device", "exec:"+extblk)...)
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, got)
	first, wantBody, _ := strings.Cut(want, "\n")
	gotFirst, gotBody, _ := strings.Cut(got, "\n")
	assert.Equal(t, wantBody, gotBody, "the report after its first line")
	assert.Equal(t, strings.Replace(first, "builtin:blk", "exec:"+filepath.ToSlash(extblk), 1), gotFirst)
}

// The reference virtio-net as an external process (it declares type net
// in its hello) gives the same report as builtin:net on a virtio-net row
// and the device tests.
func TestConform_ExecExtnetSameTableAsBuiltin(t *testing.T) {
	extnet := buildProgram(t, "../../examples/extnet", "extnet")
	args := func(device string) []string {
		return []string{"conform", "--budget", "short", "--scenario", "net-rx-while-stopped", "--replay-dir", t.TempDir(), "--device", device}
	}
	code, want, stderr := runSimCLI(t, args("builtin:net")...)
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s", stderr)
	code, got, stderr := runSimCLI(t, args("exec:"+extnet)...)
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, got)
	first, wantBody, _ := strings.Cut(want, "\n")
	gotFirst, gotBody, _ := strings.Cut(got, "\n")
	assert.Equal(t, wantBody, gotBody, "the report after its first line")
	assert.Equal(t, strings.Replace(first, "builtin:net", "exec:"+filepath.ToSlash(extnet), 1), gotFirst)
	// 4 virtio-net rows and 162 device tests, 15 of which need virtio-blk
	// requests (19 judge a virtio-net device only, 8 of them its control
	// queue, 2 of those with three queue pairs, and 2 its mtu).
	assert.Contains(t, gotFirst, "167 units: 152 pass, 0 fail, 15 skip", "the virtio-net rows and device tests ran")
}

// A device that exits at once, before its hello, is a clear error naming
// it; nothing was judged: exit 2, as for a program that cannot be started.
func TestConform_ExecDeviceThatExits(t *testing.T) {
	hostile := buildProgram(t, "../../conformance/extdevice/testdata/hostile", "hostile")
	code, out, stderr := runSimCLI(t, conformSmall(t, "--device", "exec:"+hostile, "--timeout", "2s", "--", "exit")...)
	require.Equal(t, cmdbase.ExitUsage, code, "stdout: %s", out)
	assert.Contains(t, stderr, "migsim conform: nothing judged: the device broke the protocol in its handshake: conformance: device exec:"+filepath.ToSlash(hostile))
	assert.Contains(t, stderr, "hello")
	assert.Contains(t, stderr, "exit status 3")
}

// TestConform_PartsDeviceWritesNoReplays: the device tests alone write
// no counterexample, so an unusable --replay-dir does not stop them.
func TestConform_PartsDeviceWritesNoReplays(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	code, out, stderr := runSimCLI(t, "conform", "--device", "builtin:blk", "--parts", "device", "--replay-dir", filepath.Join(file, "x"))
	assert.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, out, "MUST")
	assert.NotContains(t, stderr, "--replay-dir")
}

// TestConform_ReplayDirWriteFailureExits2: a counterexample that cannot
// be written (here its file name and every edition of it, NAME.1.json to
// NAME.9999.json, are taken by directories: a file already there is never
// replaced) is an output file the command could not write: exit 2, naming
// the path, as for --report's files, not 1 for the device's failure.
func TestConform_ReplayDirWriteFailureExits2(t *testing.T) {
	dir := t.TempDir()
	taken := filepath.Join(dir, "smoke-migrate_draft-2023.json")
	for n := 0; n <= keepfile.MaxEditions; n++ {
		require.NoError(t, os.Mkdir(keepfile.Edition(taken, n), 0o755))
	}
	code, out, stderr := runSimCLI(t, "conform", "--budget", "short", "--scenario", "smoke-migrate", "--replay-dir", dir,
		"--device", "builtin:mutant/mode-get-lies")
	require.Equal(t, cmdbase.ExitUnwritten, code, "stderr: %s\n%s", stderr, out)
	assert.Contains(t, stderr, "migsim conform: --replay-dir: ")
	assert.Contains(t, stderr, taken)
	assert.Contains(t, out, "the counterexample was not written", "the failure says so too")
	assert.Contains(t, stderr, "the device also failed units", "the failure exit 2 hides is named")
}

// TestConform_TimeoutBoundsTheHello: --timeout, when given, is the
// deadline of the hello too, shorter than its 30s default: a program that
// never answers is given up after it (a handshake that broke the
// protocol, nothing judged: exit 2), and the message names it.
func TestConform_TimeoutBoundsTheHello(t *testing.T) {
	silent := filepath.Join(t.TempDir(), "silent")
	require.NoError(t, os.WriteFile(silent, []byte("#!/bin/sh\nexec sleep 120\n"), 0o755))
	code, out, stderr := runSimCLI(t, "conform", "--device", "exec:"+silent, "--parts", "device", "--timeout", "300ms")
	assert.Equal(t, cmdbase.ExitUsage, code, "nothing judged; stderr: %s\n%s", stderr, out)
	assert.Contains(t, stderr, "the device did not answer the hello within 300ms")
}

func TestConform_UsageErrors(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage")
	require.NoError(t, os.WriteFile(garbage, []byte("not a program\n"), 0o755))
	notExec := filepath.Join(dir, "not-exec")
	require.NoError(t, os.WriteFile(notExec, []byte("#!/bin/sh\n"), 0o644))
	file := filepath.Join(dir, "file")
	require.NoError(t, os.WriteFile(file, nil, 0o644))
	small := []string{"--scenario", "smoke-migrate", "--budget", "short", "--replay-dir", dir}
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"conform", "--device", "exec:" + filepath.Join(dir, "nonexistent")}, `--device "exec:` + filepath.Join(dir, "nonexistent") + `": cannot start "` + filepath.Join(dir, "nonexistent") + `": no such file or directory`},
		{[]string{"conform", "--device", "exec:" + dir}, `cannot start "` + dir + `": is a directory`},
		{[]string{"conform", "--device", "exec:" + notExec}, `cannot start "` + notExec + `": permission denied`},
		{[]string{"conform", "--device", "exec:migsim-no-such-device-program"}, `cannot start "migsim-no-such-device-program": executable file not found`},
		{append([]string{"conform", "--device", "exec:" + garbage}, small...), "start " + garbage + ": "},
		{[]string{"conform", "--bench", "--schedules", "1", "--device", "exec:" + filepath.Join(dir, "nonexistent")}, "cannot start"},
		{[]string{"conform", "--bench", "--schedules", "1", "--transcript", file}, "--transcript: not for --bench"},
		{[]string{"conform", "--bench", "--device", "builtin:blk", "--spec", "draft-2023", "--scenario", "smoke-migrate"}, "--spec, --scenario: not for --bench"},
		{[]string{"conform", "--device", "builtin:blk", "--timeout", "0s"}, "--timeout 0s: want more than 0s and at most 10m0s"},
		{[]string{"conform", "--device", "builtin:blk", "--timeout", "-1s"}, "--timeout -1s: want more than 0s and at most 10m0s"},
		{[]string{"conform", "--device", "builtin:blk", "--timeout", "2h"}, "--timeout 2h: want more than 0s and at most 10m0s"},
		{[]string{"conform", "--device", "builtin:blk", "--trace"}, "--trace, --explain and --explain-runs go with --replay"},
		{[]string{"conform", "--device", "builtin:blk", "--replay-dir", filepath.Join(file, "x")}, "--replay-dir: " + filepath.Join(file, "x") + ": " + file + " is not a directory"},
		{[]string{"conform", "--device", "builtin:blk", "--replay-dir", file}, "--replay-dir: " + file + " is not a directory"},
		{[]string{"conform"}, "--device is required"},
		{[]string{"conform", "--device", "builtin:scsi"}, `--device "builtin:scsi": want builtin:blk, builtin:net`},
		{[]string{"conform", "--device", "builtin:mutant/nope"}, `no mutant "nope"`},
		{[]string{"conform", "--device", "builtin:blk", "--knob", "flr-vs-mode=maybe"}, `unknown value "maybe"`},
		{[]string{"conform", "--device", "builtin:blk", "--budget", "huge"}, `--budget "huge"`},
		{[]string{"conform", "--device", "builtin:blk", "--report", "pdf"}, `--report "pdf"`},
		{[]string{"conform", "--device", "builtin:blk", "--", "arg"}, "only an exec: device takes arguments"},
		{[]string{"conform", "--device", "builtin:blk", "--timeout", "5s"}, "--timeout, --procs and --transcript: only an exec: device has"},
		{[]string{"conform", "--device", "builtin:net", "--procs", "2"}, "--timeout, --procs and --transcript: only an exec: device has"},
		{[]string{"conform", "--device", "builtin:mutant/nope", "--transcript", filepath.Join(dir, "transcript")}, "--timeout, --procs and --transcript: only an exec: device has"},
		{[]string{"conform", "--device", "builtin:blk", "--spec", "draft-2099"}, "--spec"},
		{[]string{"conform", "--device", "builtin:blk", "--scenario", "nosuch"}, `--scenario: no scenario "nosuch" among the catalog's `},
		{[]string{"conform", "--device", "builtin:blk", "--scenario", "smoke-migrate", "--scenario", "smoke-migrat"},
			`--scenario: no scenario "smoke-migrat"; did you mean smoke-migrate?`},
	}
	for _, tc := range tests {
		code, _, stderr := runSimCLI(t, tc.args...)
		assert.Equal(t, cmdbase.ExitUsage, code, "%v", tc.args)
		assert.Contains(t, stderr, tc.want, "%v", tc.args)
	}
	assert.NoFileExists(t, filepath.Join(dir, "transcript"), "a refused --transcript writes no file")
}

func TestConform_ListAndBench(t *testing.T) {
	code, out, _ := runSimCLI(t, "conform", "--list")
	require.Equal(t, cmdbase.ExitOK, code)
	assert.Contains(t, out, "builtin:blk")
	assert.Contains(t, out, "builtin:mutant/mode-get-lies")

	extblk := buildProgram(t, "../../examples/extblk", "extblk")
	code, out, stderr := runSimCLI(t, "conform", "--bench", "--schedules", "20", "--device", "exec:"+extblk)
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s", stderr)
	assert.Contains(t, out, "throughput of smoke-migrate/draft-2023: 20 random schedules")
	assert.Contains(t, out, "builtin:blk (in-process)")
	assert.Contains(t, out, "exec:"+filepath.ToSlash(extblk))
	assert.Contains(t, out, "x slower")

	// A virtio-net device runs the virtio-net bench row, against builtin:net.
	extnet := buildProgram(t, "../../examples/extnet", "extnet")
	code, out, stderr = runSimCLI(t, "conform", "--bench", "--schedules", "10", "--device", "exec:"+extnet)
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s", stderr)
	assert.Contains(t, out, "throughput of net-mac-table-before-stop/draft-2023: 10 random schedules")
	assert.Contains(t, out, "builtin:net (in-process)")
	assert.Contains(t, out, "exec:"+filepath.ToSlash(extnet))
}

// TestConform_ReplayErrorsSayItOnce: a counterexample whose recorded
// steps the device does not offer, and a schedule that does not load, are
// said once, without the packages' prefixes ("engine: … engine: …").
func TestConform_ReplayErrorsSayItOnce(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "conform", "--budget", "short", "--scenario", "smoke-migrate", "--replay-dir", dir,
		"--device", "builtin:mutant/mode-get-lies")
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s\n%s", stderr, out)
	found := filepath.Join(dir, "smoke-migrate_draft-2023.json")
	require.FileExists(t, found)
	// A recorded step no run offers: the replay diverges mid-run.
	sc, err := catalog.ReadScheduleFile(found)
	require.NoError(t, err)
	require.Greater(t, len(sc.Choices), 2)
	sc.Choices[1].Label = "no such step"
	sc.Device = "" // no recorded device: the replay with builtin:blk has no other device to name
	schedule := filepath.Join(dir, "diverges.json")
	require.NoError(t, sc.WriteFile(schedule))
	empty := filepath.Join(dir, "empty.json")
	require.NoError(t, os.WriteFile(empty, []byte("{}"), 0o644))
	cases := []struct {
		name string
		file string
		code int
		want string
	}{
		{"a recorded step the device does not offer", schedule, cmdbase.ExitFinding,
			"migsim conform: " + schedule + " does not replay with builtin:blk: seed "},
		{"missing file", filepath.Join(dir, "none.json"), cmdbase.ExitUsage, "migsim conform: read schedule: open " + filepath.Join(dir, "none.json")},
		{"bad schedule", empty, cmdbase.ExitUsage, "migsim conform: schedule " + empty + ": field format: version 0"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "conform", "--device", "builtin:blk", "--replay", c.file)
			assert.Equal(t, c.code, code, out)
			assert.True(t, strings.HasPrefix(stderr, c.want), stderr)
			assert.Equal(t, 1, strings.Count(stderr, "migsim conform: "), stderr)
			for _, prefix := range []string{"engine: ", "conformance: ", "catalog: "} {
				assert.NotContains(t, stderr, prefix)
			}
		})
	}
}

// TestConform_NothingJudgedExits2: a run that judged no unit (none
// selected, or every one skipped) is no pass: it exits 2 and says why.
func TestConform_NothingJudgedExits2(t *testing.T) {
	extblk := buildProgram(t, "../../examples/extblk", "extblk")
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"every blk row skipped", []string{"--device", "builtin:net", "--parts", "rows", "--scenario", "smoke-migrate"},
			"migsim conform: nothing judged: every unit (2) was skipped: not for a virtio-net device: a virtio-blk row\n"},
		{"every unit skipped", []string{"--device", "exec:" + extblk, "--parts", "rows", "--scenario", "net-mac-table-before-stop"},
			"migsim conform: nothing judged: every unit (2) was skipped: not for a virtio-blk device: a virtio-net row\n"},
		// The rows pass, but a pass of rows that exercise no requirement
		// judges nothing: it is not a conformance pass.
		{"rows that exercise no requirement", []string{"--device", "builtin:blk", "--parts", "rows", "--scenario", "smoke-migrate"},
			"migsim conform: nothing judged: 2 units ran (smoke-migrate/draft-2023, smoke-migrate/virtio-1.4) and judged no requirement; " +
				"--scenario smoke-migrate: its rows exercise no requirement: a row judges the requirements its scenario's requirements line names " +
				"and those of the oracle of the violation it expects, and smoke-migrate names none and expects no violation that names one\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append([]string{"conform", "--budget", "short", "--replay-dir", t.TempDir()}, tc.args...)...)
			assert.Equal(t, cmdbase.ExitUsage, code, out)
			assert.Equal(t, tc.want, stderr)
			assert.Contains(t, out, "0 pass, 0 fail")
		})
	}
}

// A selection that judges some requirement exits 0: the rows of a
// scenario that names requirements judge them; a scenario whose rows
// judge none beside device tests that judge some gets a note on stderr.
func TestConform_ScenarioJudgingSomeExits0(t *testing.T) {
	tests := []struct {
		name string
		args []string
		note string
	}{
		{"rows that judge", []string{"--parts", "rows", "--scenario", "kick-during-stop"}, ""},
		{"device tests that judge", []string{"--scenario", "smoke-migrate"},
			"migsim conform: note: --scenario smoke-migrate judged no requirement: its rows exercise no requirement: "},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append([]string{"conform", "--device", "builtin:blk", "--budget", "short", "--replay-dir", t.TempDir()}, tc.args...)...)
			require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
			assert.NotContains(t, out, "requirements: 0 pass, 0 fail")
			if tc.note == "" {
				assert.Empty(t, stderr)
			} else {
				assert.True(t, strings.HasPrefix(stderr, tc.note), stderr)
			}
		})
	}
}

// TestConform_FailedRequirementsNameTheSpecCommand: the report names a
// failed requirement by ID only, so stderr gives the migsim spec command
// that says what each asks of the device.
func TestConform_FailedRequirementsNameTheSpecCommand(t *testing.T) {
	code, out, stderr := runSimCLI(t, "conform", "--device", "builtin:mutant/saves-half-written-address-as-zero",
		"--parts", "device", "--replay-dir", t.TempDir())
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s\n%s", stderr, out)
	assert.Contains(t, out, "PCI-DEV-02     MUST   Fail")
	assert.Contains(t, stderr, "migsim conform: migsim spec PCI-DEV-02 prints what each failed requirement asks of the device")

	code, _, stderr = runSimCLI(t, "conform", "--device", "builtin:blk", "--parts", "device", "--replay-dir", t.TempDir())
	require.Equal(t, cmdbase.ExitOK, code)
	assert.NotContains(t, stderr, "migsim spec")
}
