package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cmdbase"
)

// Scenario files of the engine CLI tests.
const (
	flrScenario = "testdata/sim/flr-freeze.scn"
	// twoGuestsScenario's pass row has a proof that takes more than
	// 100,000 runs, for tests that stop it half way.
	twoGuestsScenario = "testdata/sim/two-guests.scn"
	smokeScenario     = "testdata/sim/smoke.scn"
	// peerKickScenario has a peer's doorbell racing the migration: dfs
	// finds it after thousands of runs at preemption bound 1.
	peerKickScenario = "testdata/sim/peer-kick-race.scn"
	// peerCfgWriteScenario has a peer's common-configuration write racing
	// the default flow: a dfs search at bound 0 in four shards finds its
	// first finding in shard 1.
	peerCfgWriteScenario = "testdata/sim/peer-cfg-write-race.scn"
	wrongScenario        = "testdata/sim/wrong-expect.scn"
	badScenario          = "testdata/sim/bad-syntax.scn"
)

// copyScenario copies a scenario file into dir and returns the copy's path.
func copyScenario(t *testing.T, src, dir string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	require.NoError(t, err)
	p := filepath.Join(dir, filepath.Base(src))
	require.NoError(t, os.WriteFile(p, b, 0o644))
	return p
}

// runSimCLI runs migsim in-process and returns the exit status, stdout and
// stderr.
func runSimCLI(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(args...)
}

// runCLI is runSimCLI outside a test: for a run several tests share.
func runCLI(args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := run(args, strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// cliRun is what one run of the command returned.
type cliRun struct {
	code        int
	out, stderr string
}

// sharedRuns keeps sharedCLI's runs by their arguments.
var sharedRuns struct {
	sync.Mutex
	m map[string]cliRun
}

// sharedCLI is runSimCLI for a command whose output depends on its
// arguments alone (it reads no file a test writes and writes none): it
// runs once per test process for each list of arguments, and the tests
// that run the same command assert on that one run's output.
func sharedCLI(args ...string) (int, string, string) {
	key := strings.Join(args, "\x00")
	sharedRuns.Lock()
	defer sharedRuns.Unlock()
	r, ok := sharedRuns.m[key]
	if !ok {
		r.code, r.out, r.stderr = runCLI(args...)
		if sharedRuns.m == nil {
			sharedRuns.m = map[string]cliRun{}
		}
		sharedRuns.m[key] = r
	}
	return r.code, r.out, r.stderr
}

// tableRows returns the verdict rows of `migsim run` output (the lines
// before the first blank line, header excluded).
func tableRows(out string) []string {
	var rows []string
	for i, l := range strings.Split(out, "\n") {
		if l == "" {
			break
		}
		if i > 0 {
			rows = append(rows, l)
		}
	}
	return rows
}

func TestRun_SmallScenarioPrintsTableAndExits0(t *testing.T) {
	code, out, stderr := sharedCLI("run", smokeScenario) // TestRun_CPUProfile compares with it
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s", stderr)
	lines := strings.Split(out, "\n")
	require.NotEmpty(t, lines)
	for _, col := range []string{"Q", "SCENARIO", "EDITION", "KNOBS", "EXPECTED", "GOT", "ORACLE", "IMPACT", "EXPLORED"} {
		assert.Contains(t, lines[0], col)
	}
	rows := tableRows(out)
	require.Len(t, rows, 2, "one row per expectation")
	for i, ed := range []string{"draft-2023", "virtio-1.4"} {
		f := strings.Fields(rows[i])
		require.GreaterOrEqual(t, len(f), 12, rows[i])
		assert.Equal(t, []string{"ok", "-", "test-smoke", ed, "defaults", "pass", "pass", "-", "-", "random", "20", "schedules;"}, f[:12])
		// The pass row's proof: dfs at bound 2 under the default run budget,
		// which this scenario needs more than to exhaust.
		assert.Contains(t, rows[i], "bound 2 not exhausted: run budget of 100 spent,")
	}
	assert.Contains(t, out, "2 rows: 2 match, 0 mismatch")
}

// TestRun_CPUProfile: --cpuprofile writes a profile (pprof's format: a
// gzipped protocol buffer), and the table is the one a run without it
// prints. The profiled run is the built binary, in a process of its own:
// Go's CPU profiler is one per process, so an in-process run would fail
// whenever the tests themselves run under go test -cpuprofile.
func TestRun_CPUProfile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "cpu.prof")
	var outb, errb bytes.Buffer
	cmd := exec.Command(migsimBinary(t), "run", "--progress", "never", "--cpuprofile", path, smokeScenario)
	cmd.Stdout, cmd.Stderr = &outb, &errb
	require.NoError(t, cmd.Run(), "stderr: %s", errb.String())
	out := outb.String()
	_, plain, _ := sharedCLI("run", smokeScenario) // TestRun_SmallScenarioPrintsTableAndExits0's run
	assert.Equal(t, plain, out)
	f, err := os.Open(path)
	require.NoError(t, err)
	defer f.Close()
	z, err := gzip.NewReader(f)
	require.NoError(t, err, "gzipped")
	b, err := io.ReadAll(z)
	require.NoError(t, err)
	assert.Contains(t, string(b), "samples", "the profile names its sample type")
}

// TestRun_CPUProfileUnwritten: a profile the file system refuses when it
// is written (/dev/full: every write fails) is an output file the command
// could not write: exit 2 naming the path once, whether the table matched
// or not; a mismatch the exit code then hides is named on stderr. The
// built binary, for the reason TestRun_CPUProfile gives.
func TestRun_CPUProfileUnwritten(t *testing.T) {
	if _, err := os.Stat("/dev/full"); err != nil {
		t.Skipf("/dev/full: %v", err)
	}
	for _, tc := range []struct {
		name, scenario string
		mismatch       bool
	}{
		{"matched", smokeScenario, false},
		{"mismatch", wrongScenario, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var outb, errb bytes.Buffer
			cmd := exec.Command(migsimBinary(t), "run", "--progress", "never", "--cpuprofile", "/dev/full", tc.scenario)
			cmd.Stdout, cmd.Stderr = &outb, &errb
			err := cmd.Run()
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "stderr: %s", errb.String())
			assert.Equal(t, cmdbase.ExitUnwritten, ee.ExitCode())
			assert.Contains(t, errb.String(), "migsim run: --cpuprofile: write CPU profile: write /dev/full: ")
			assert.Equal(t, 1, strings.Count(errb.String(), "/dev/full"), "the path once: %s", errb.String())
			also := "the run also found a mismatch"
			if tc.mismatch {
				assert.Contains(t, errb.String(), also)
			} else {
				assert.NotContains(t, errb.String(), also)
			}
		})
	}
}

func TestRun_WrongExpectationExits1(t *testing.T) {
	code, out, _ := runSimCLI(t, "run", wrongScenario)
	assert.Equal(t, cmdbase.ExitFinding, code)
	rows := tableRows(out)
	require.Len(t, rows, 1)
	assert.True(t, strings.HasPrefix(rows[0], "MISMATCH"), rows[0])
	assert.Contains(t, out, "\n1 row: 0 match, 1 mismatch; 1 finding, 1 shrunk\n")
}

// TestRun_ViolationRowIsShrunkWhateverTheJobs checks a violation row, its
// shrunk counterexample, and that the output does not depend on --jobs.
func TestRun_ViolationRowIsShrunkWhateverTheJobs(t *testing.T) {
	var outs []string
	for _, jobs := range []string{"1", "3"} {
		// jobs 1: TestShrinkReplaysBoundsShrinking's unbounded run too.
		code, out, stderr := sharedCLI("run", "--spec", "draft-2023", "--jobs", jobs, flrScenario)
		require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
		outs = append(outs, out)
	}
	assert.Equal(t, outs[0], outs[1])
	out := outs[0]
	rows := tableRows(out)
	require.Len(t, rows, 2, "--spec keeps draft-2023 rows only")
	f := strings.Fields(rows[1])
	require.GreaterOrEqual(t, len(f), 9)
	require.GreaterOrEqual(t, len(f), 11)
	assert.Equal(t, []string{"ok", "1", "test-flr-freeze", "draft-2023", "flr-vs-mode=complete-anyway", "mode-after-flr=keep", "violation", "frozen-context", "violation", "frozen-context", "rule-only"}, f[:11])
	assert.Contains(t, out, "  impact: rule-only (the run went on past frozen-context to its end; no guest-visible oracle fired)")
	assert.Contains(t, out, "test-flr-freeze draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep: frozen-context at step")
	assert.Contains(t, out, "  shrunk: ")
	assert.NotContains(t, out, "replay: ", "a scenario outside the catalog has no regression file")
}

// TestRun_JSON checks the JSON table; --write-regress writes a scenario
// file's counterexamples next to the file (not under --regress-dir, which
// holds the catalog's) and says so on stderr, so the output stays one JSON
// document.
func TestRun_JSON(t *testing.T) {
	dir, user := t.TempDir(), t.TempDir()
	flr, smoke := copyScenario(t, flrScenario, user), copyScenario(t, smokeScenario, user)
	code, out, stderr := runSimCLI(t, "run", "--format", "json", "--write-regress", "--regress-dir", dir, flr, smoke)
	require.Equal(t, cmdbase.ExitOK, code)
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries)
	written := filepath.Join(user, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json")
	assert.Contains(t, stderr, "wrote "+written)
	assert.Equal(t, 1, strings.Count(stderr, smoke+": no matching violation or error row, so no counterexample to write"), stderr)
	code, rout, rerr := runSimCLI(t, "replay", written)
	assert.Equal(t, cmdbase.ExitFinding, code, rerr)
	assert.Contains(t, rout, "finding frozen-context")
	var doc struct {
		Rows []struct {
			Scenario string   `json:"scenario"`
			Edition  string   `json:"edition"`
			Knobs    []string `json:"knobs"`
			Expected string   `json:"expected"`
			Got      string   `json:"got"`
			Oracle   string   `json:"oracle"`
			Match    bool     `json:"match"`
			Status   string   `json:"status"`
			Explored struct {
				Strategy     string            `json:"strategy"`
				Schedules    int               `json:"schedules"`
				Interrupted  bool              `json:"interrupted"`
				Proof        *jsonExploration  `json:"proof"`
				Explorations []jsonExploration `json:"explorations"`
			} `json:"explored"`
			Shrunk *struct {
				Before struct{ Steps int } `json:"before"`
				After  struct{ Steps int } `json:"after"`
			} `json:"shrunk"`
		} `json:"rows"`
		Match    int `json:"match"`
		Mismatch int `json:"mismatch"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc))
	require.Len(t, doc.Rows, 5)
	assert.Equal(t, 5, doc.Match)
	assert.Equal(t, 0, doc.Mismatch)
	for _, r := range doc.Rows {
		assert.Equal(t, "match", r.Status, "%s %s", r.Scenario, r.Knobs)
	}
	v := doc.Rows[1]
	assert.Equal(t, "test-flr-freeze", v.Scenario)
	assert.Equal(t, []string{"flr-vs-mode=complete-anyway", "mode-after-flr=keep"}, v.Knobs)
	assert.Equal(t, "violation frozen-context", v.Expected)
	assert.Equal(t, "violation", v.Got)
	assert.Equal(t, "frozen-context", v.Oracle)
	require.NotNil(t, v.Shrunk)
	assert.LessOrEqual(t, v.Shrunk.After.Steps, v.Shrunk.Before.Steps)
	assert.Equal(t, "pct", v.Explored.Strategy)
	assert.Positive(t, v.Explored.Schedules)
	assert.Nil(t, v.Explored.Proof, "the sampling found the violation: no proof")
	assert.Equal(t, []string{"line", "cross"}, roles(v.Explored.Explorations))
	assert.Equal(t, []string{"frozen-context"}, v.Explored.Explorations[0].Verdicts)

	// The pass row's proof does not exhaust bound 2 within the line's
	// budget: the JSON says so without reading the text.
	p := doc.Rows[0]
	require.Equal(t, "pass", p.Expected)
	assert.False(t, p.Explored.Interrupted)
	assert.Equal(t, []string{"line", "cross", "proof", "fallback"}, roles(p.Explored.Explorations))
	require.NotNil(t, p.Explored.Proof)
	assert.Equal(t, p.Explored.Explorations[2], *p.Explored.Proof)
	assert.Equal(t, jsonExploration{Role: "proof", Strategy: "dfs", Bound: ptr(2), Budget: 100, Runs: 100, Unexhausted: "budget"},
		withoutCounts(*p.Explored.Proof))
	assert.Equal(t, "dfs", p.Explored.Explorations[3].Strategy)
	assert.Equal(t, 0, *p.Explored.Explorations[3].Bound, "the fallback to bound 0")
}

// jsonExploration is an exploration of a row as migsim run --format json
// prints it.
type jsonExploration struct {
	Role        string   `json:"role"`
	Strategy    string   `json:"strategy"`
	Bound       *int     `json:"bound"`
	Budget      int      `json:"budget"`
	Runs        int      `json:"runs"`
	Schedules   int      `json:"schedules"`
	Exhaustive  bool     `json:"exhaustive"`
	Within      bool     `json:"complete_within_bound"`
	Unbounded   bool     `json:"complete_unbounded"`
	Unexhausted string   `json:"unexhausted"`
	Interrupted bool     `json:"interrupted"`
	Verdicts    []string `json:"verdicts"`
	Text        string   `json:"text"`
}

func roles(es []jsonExploration) []string {
	out := []string{}
	for _, e := range es {
		out = append(out, e.Role)
	}
	return out
}

// withoutCounts leaves out of e what depends on the search's order: its
// complete runs and its text.
func withoutCounts(e jsonExploration) jsonExploration {
	e.Schedules, e.Text = 0, ""
	return e
}

func ptr[T any](v T) *T { return &v }

func TestRun_UsageErrorsExit2(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"bad format", []string{"run", "--format", "xml", smokeScenario}, `--format "xml": want text or json`},
		{"bad edition", []string{"run", "--spec", "virtio-9", smokeScenario}, `unknown edition "virtio-9"`},
		{"unknown flag", []string{"run", "--frobnicate"}, "unknown flag: --frobnicate"},
		{"negative jobs", []string{"run", "--jobs", "-1", smokeScenario}, "--jobs -1"},
		{"missing file", []string{"run", "testdata/sim/none.scn"}, "testdata/sim/none.scn"},
		{"syntax error names file:line", []string{"run", badScenario}, badScenario + `:2:5: vfs lots: want a number 1..65535`},
		{"profile in no directory", []string{"run", "--cpuprofile", "testdata/none/cpu.prof", smokeScenario}, "--cpuprofile: open testdata/none/cpu.prof"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, stderr, c.want)
		})
	}
}

func TestRun_Help(t *testing.T) {
	code, stdout, stderr := runSimCLI(t, "run", "--help")
	assert.Equal(t, cmdbase.ExitOK, code)
	assert.Contains(t, stdout, "usage: migsim run")
	assert.Empty(t, stderr)
}

// TestRun_ReplayHintNamesTheBinary: the replay command run prints beside
// a row with a regression schedule (text and JSON) is the installed
// binary's, not the module's go run.
func TestRun_ReplayHintNamesTheBinary(t *testing.T) {
	const regress = "../../catalog/testdata/regress"
	want := "migsim replay " + filepath.Join(regress, "flr-during-freeze_virtio-1.4.json")
	cases := []struct {
		format, want string
	}{
		{"text", "\n  replay: " + want + "\n"},
		{"json", `"replay": "` + want + `"`},
	}
	for _, c := range cases {
		t.Run(c.format, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, "run", "flr-during-freeze", "--spec", "virtio-1.4", "--regress-dir", regress, "--format", c.format)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			assert.Contains(t, out, c.want)
			assert.NotContains(t, out, "go run")
		})
	}
}

// TestRun_NothingToJudgeExits2: a run that would judge no row (a scenario
// without expect lines, an edition no expect line is for) says so on
// stderr and exits 2 instead of printing an empty table with exit 0.
func TestRun_NothingToJudgeExits2(t *testing.T) {
	dir := t.TempDir()
	src := mustRead(t, smokeScenario)
	var noExpect, draftOnly []string
	for _, l := range strings.Split(src, "\n") {
		if !strings.HasPrefix(l, "expect ") {
			noExpect = append(noExpect, l)
		}
		if !strings.HasPrefix(l, "expect virtio-1.4") {
			draftOnly = append(draftOnly, l)
		}
	}
	noExp := filepath.Join(dir, "noexp.scn")
	require.NoError(t, os.WriteFile(noExp, []byte(strings.Join(noExpect, "\n")), 0o644))
	draft := filepath.Join(dir, "draft.scn")
	require.NoError(t, os.WriteFile(draft, []byte(strings.Join(draftOnly, "\n")), 0o644))
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no expect lines", []string{noExp}, "migsim run: nothing to judge: " + noExp + ": scenario test-smoke has no expect lines"},
		{"no expect lines, json", []string{noExp, "--format", "json"}, "has no expect lines"},
		{"two scenarios without", []string{noExp, noExp}, "nothing to judge: none of the 2 scenarios has expect lines"},
		{"edition filter", []string{draft, "--spec", "virtio-1.4"},
			"migsim run: nothing to judge: --spec virtio-1.4: no expect line is for virtio-1.4 (the lines are for draft-2023)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append([]string{"run"}, c.args...)...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, stderr, c.want)
		})
	}
}

// TestRun_NamedScenarioWithoutRowsIsNoted: a scenario named on the
// command line whose every row --spec filters out is not silently
// skipped when another one is judged: a note on stderr names it.
func TestRun_NamedScenarioWithoutRowsIsNoted(t *testing.T) {
	var draftOnly []string
	for _, l := range strings.Split(mustRead(t, smokeScenario), "\n") {
		if !strings.HasPrefix(l, "expect virtio-1.4") {
			draftOnly = append(draftOnly, l)
		}
	}
	draft := filepath.Join(t.TempDir(), "draft.scn")
	require.NoError(t, os.WriteFile(draft, []byte(strings.Join(draftOnly, "\n")), 0o644))
	code, out, stderr := runSimCLI(t, "run", "--spec", "virtio-1.4", "--progress", "never", smokeScenario, draft)
	assert.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, out, "virtio-1.4")
	assert.Contains(t, stderr, "migsim run: note: "+draft+" (scenario test-smoke) has no expect line for virtio-1.4: nothing of it is judged")
	assert.NotContains(t, stderr, smokeScenario+" (scenario", "the judged scenario is not named")

	var noExpect []string
	for _, l := range draftOnly {
		if !strings.HasPrefix(l, "expect ") {
			noExpect = append(noExpect, l)
		}
	}
	none := filepath.Join(t.TempDir(), "none.scn")
	require.NoError(t, os.WriteFile(none, []byte(strings.Join(noExpect, "\n")), 0o644))
	code, _, stderr = runSimCLI(t, "run", "--spec", "virtio-1.4", "--progress", "never", smokeScenario, none)
	assert.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, stderr, "migsim run: note: "+none+" (scenario test-smoke) has no expect line for virtio-1.4")
}

// TestRun_RegressDirWithoutWriteRegressSaysSo: --regress-dir alone writes
// nothing (the table only looks there for replay files); run says so on
// stderr and judges as usual.
func TestRun_RegressDirWithoutWriteRegressSaysSo(t *testing.T) {
	const note = "--regress-dir without --write-regress writes nothing"
	cases := []struct {
		name string
		args []string
		note bool
	}{
		{"alone", []string{"--regress-dir", t.TempDir()}, true},
		{"with --write-regress", []string{"--regress-dir", t.TempDir(), "--write-regress"}, false},
		{"neither", nil, false},
		{"--write-regress alone", []string{"--write-regress"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			scn := copyScenario(t, smokeScenario, t.TempDir())
			code, out, stderr := runSimCLI(t, append([]string{"run", scn}, c.args...)...)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			assert.Contains(t, out, "2 rows: 2 match, 0 mismatch")
			assert.Equal(t, c.note, strings.Contains(stderr, note), stderr)
		})
	}
}

// TestRun_ScheduleHint: a counterexample whose schedule no file holds
// says how to get it, on one line: a mismatched row of a scenario file
// (which --write-regress does not write) gets --report-dir and the explore
// command, a matching one --write-regress, a catalog row whose regression
// schedule is not in --regress-dir the explore command (with it there, the
// replay line); with --report-dir the replay line names the report's copy.
func TestRun_ScheduleHint(t *testing.T) {
	dir := t.TempDir()
	wrong := copyScenario(t, wrongScenario, dir)
	flr := copyScenario(t, flrScenario, dir)
	reports := filepath.Join(dir, "reports")
	cases := []struct {
		name    string
		args    []string
		code    int
		want    string
		notWant string
	}{
		{"mismatch", []string{wrong}, cmdbase.ExitFinding,
			"\n  schedule: not written; --report-dir DIR writes it (and a report), or explore it: migsim explore --scenario " + wrong +
				" --spec draft-2023 --knob flr-vs-mode=complete-anyway --strategy pct --depth 3 --schedules 100 --seed 1\n", "replay: "},
		{"mismatch with --report-dir", []string{wrong, "--report-dir", reports}, cmdbase.ExitFinding,
			"\n  replay: migsim replay " + filepath.Join(reports, "test-wrong-expect_draft-2023_flr-vs-mode=complete-anyway.json") + "\n", "schedule: not written"},
		{"mismatch with --report-dir, json", []string{wrong, "--report-dir", reports, "--format", "json"}, cmdbase.ExitFinding,
			`"replay": "migsim replay ` + filepath.Join(reports, "test-wrong-expect_draft-2023_flr-vs-mode=complete-anyway.json") + `"`, "schedule: not written"},
		{"matching row", []string{flr, "--spec", "virtio-1.4"}, cmdbase.ExitOK,
			"\n  schedule: not written; run again with --write-regress to write it next to " + flr + "\n", "--report-dir"},
		// A catalog row run where its regression schedule is not (outside
		// the source tree) says how to get it, as a mismatch does.
		{"matching catalog row, regression schedules elsewhere", []string{"flr-while-stopped", "--spec", "virtio-1.4", "--regress-dir", dir}, cmdbase.ExitOK,
			"\n  schedule: not written; --report-dir DIR writes it (and a report), or explore it: migsim explore --scenario flr-while-stopped --spec virtio-1.4 --strategy pct --depth 3 --schedules 100 --seed 1\n", "replay: "},
		{"matching catalog row, in the source tree", []string{"flr-while-stopped", "--spec", "virtio-1.4", "--regress-dir", filepath.Join("..", "..", "catalog", "testdata", "regress")}, cmdbase.ExitOK,
			"\n  replay: migsim replay " + filepath.Join("..", "..", "catalog", "testdata", "regress", "flr-while-stopped_virtio-1.4.json") + "\n", "schedule: not written"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append([]string{"run", "--progress", "never"}, c.args...)...)
			require.Equal(t, c.code, code, stderr)
			assert.Contains(t, out, c.want)
			assert.NotContains(t, out, c.notWant)
		})
	}
}

// TestRun_List: run --list prints every catalog scenario, one a line, in
// the catalog's order, with its question and title, and judges nothing;
// an unknown scenario name points to it instead of listing the names.
func TestRun_List(t *testing.T) {
	ss, err := catalog.Catalog()
	require.NoError(t, err)
	code, out, stderr := runSimCLI(t, "run", "--list")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Empty(t, stderr)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	require.Len(t, lines, len(ss))
	for i, s := range ss {
		f := strings.Fields(lines[i])
		require.GreaterOrEqual(t, len(f), 3, lines[i])
		q := "-"
		if s.Question > 0 {
			q = "Q" + strconv.Itoa(s.Question)
		}
		assert.Equal(t, q, f[0], lines[i])
		assert.Equal(t, s.Name, f[1], lines[i])
		assert.True(t, strings.HasSuffix(lines[i], "  "+s.Title), lines[i])
	}
	code, out, stderr = runSimCLI(t, "run", "--list", smokeScenario)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, stderr, "migsim run: --list takes no other flag and no argument: it lists the embedded catalog\n")

	code, _, stderr = runSimCLI(t, "run", "no-such-scenario")
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Equal(t, fmt.Sprintf("migsim run: no scenario %q among the catalog's %d (`migsim run --list` lists them)\n", "no-such-scenario", len(ss)), stderr)
	code, _, stderr = runSimCLI(t, "run", "smoke-migrat")
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Equal(t, "migsim run: no scenario \"smoke-migrat\"; did you mean smoke-migrate?\n", stderr)

	_, out, _ = runSimCLI(t, "help")
	assert.Contains(t, out, "'migsim run --list' for the catalog's scenarios")
	_, out, _ = runSimCLI(t, "run", "--help")
	assert.Contains(t, out, "migsim run --list\n")
}

// TestInterruptedNote: the note under an interrupted table counts the
// rows cut short without calling any of them the last (with --jobs above
// 1 two rows may be cut at once), and names the rows not run.
func TestInterruptedNote(t *testing.T) {
	cut := catalog.Outcome{Interrupted: true}
	notRun := catalog.Outcome{NotRun: true}
	assert.Equal(t, "interrupted: 2 rows judged, 2 of them only in part",
		interruptedNote([]catalog.Outcome{cut, cut}))
	assert.Equal(t, "interrupted: 2 rows judged, 1 of them only in part; 1 row not run (listed, NOT-RUN)",
		interruptedNote([]catalog.Outcome{{Match: true}, cut, notRun}))
}

// TestRun_OneScenarioTwiceIsRefused: a scenario named twice (here one file
// given twice) is an input error before anything runs: its rows would be
// indistinguishable.
func TestRun_OneScenarioTwiceIsRefused(t *testing.T) {
	code, out, stderr := runSimCLI(t, "run", "--progress", "never", smokeScenario, smokeScenario)
	assert.Equal(t, cmdbase.ExitUsage, code)
	assert.Empty(t, out)
	assert.Equal(t, "migsim run: "+smokeScenario+" is given twice: a run judges a scenario once\n", stderr)
}
