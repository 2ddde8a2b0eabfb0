package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cmdbase"
)

// startUntil starts the migsim binary with args, waits until a line of its
// stderr contains marker, sends sig and returns the exit status, stdout
// and stderr. It waits on the process's output, not on a clock: the
// binary is built before the process starts, and a loaded machine only
// makes the wait longer. The one timer is a guard against a hang: the
// process is killed shortly before the test binary's own deadline (go test
// -timeout), so that the failure shows its stderr and leaves no process
// behind.
func startUntil(t *testing.T, marker string, sig os.Signal, args ...string) (int, string, string) {
	t.Helper()
	bin := migsimBinary(t)
	ctx, cancel := hangGuard(t)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	var stdout bytes.Buffer
	cmd.Stdout = &stdout
	pipe, err := cmd.StderrPipe()
	require.NoError(t, err)
	require.NoError(t, cmd.Start())
	var stderr strings.Builder
	sc := bufio.NewScanner(pipe)
	signalled := false
	for sc.Scan() {
		stderr.WriteString(sc.Text() + "\n")
		if !signalled && strings.Contains(sc.Text(), marker) {
			require.NoError(t, cmd.Process.Signal(sig))
			signalled = true
		}
	}
	err = cmd.Wait()
	require.NoError(t, ctx.Err(), "killed at the test's deadline (signalled: %v); stderr:\n%s", signalled, stderr.String())
	require.True(t, signalled, "never saw %q; stderr:\n%s", marker, stderr.String())
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else {
		require.NoError(t, err)
	}
	return code, stdout.String(), stderr.String()
}

// hangGuard is the context of a process a test waits for: without a
// deadline when the test binary has none, else ending hangGuardMargin
// before it (or halfway to it when it is closer than that).
func hangGuard(t *testing.T) (context.Context, context.CancelFunc) {
	d, ok := t.Deadline()
	if !ok {
		return context.WithCancel(context.Background())
	}
	left := time.Until(d)
	return context.WithTimeout(context.Background(), left-min(hangGuardMargin, left/2))
}

// hangGuardMargin is how long before the test binary's deadline a process
// a test waits for is killed: time to report the failure.
const hangGuardMargin = 30 * time.Second

// Ctrl-C after the first finding: explore stops, prints the summary so
// far, shrinks and writes the finding, and exits 130.
func TestExplore_SIGINTKeepsTheFinding(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := startUntil(t, "a finding among the first", os.Interrupt,
		"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep",
		"--strategy", "pct", "--schedules", "100000000", "--seed", "1", "--jobs", "1", "--out", dir)
	require.Equal(t, cmdbase.ExitInterrupted, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	assert.Contains(t, out, "interrupted: the summary covers only the ")
	assert.Regexp(t, `(?m)^schedules: \d+, decisions: \d+, distinct interleavings: \d+, failing: [1-9]\d*, findings: 1$`, out)
	assert.Regexp(t, `(?m)^finding frozen-context at schedule #\d+`, out)
	assert.Regexp(t, `(?m)^shrunk frozen-context: `, out)
	path := filepath.Join(dir, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json")
	assert.Contains(t, out, "schedule: "+path)
	sc, err := catalog.ReadScheduleFile(path)
	require.NoError(t, err)
	require.NotNil(t, sc.Finding)
	assert.Equal(t, "frozen-context", sc.Finding.Oracle)
}

// SIGTERM during a row: run prints the table so far (the interrupted row
// says so) and exits 130.
func TestRun_SIGTERMPrintsTheRowsSoFar(t *testing.T) {
	src, err := os.ReadFile(flrScenario)
	require.NoError(t, err)
	var lines []string
	for _, l := range strings.Split(string(src), "\n") {
		switch {
		case strings.HasPrefix(l, "expect "):
			continue
		case strings.HasPrefix(l, "explore "):
			l = "explore strategy=pct schedules=100000000 depth=3 seed=1"
		}
		lines = append(lines, l)
	}
	lines = append(lines, "expect draft-2023 pass")
	scn := filepath.Join(t.TempDir(), "long.scn")
	require.NoError(t, os.WriteFile(scn, []byte(strings.Join(lines, "\n")), 0o644))
	code, out, stderr := startUntil(t, " schedules (", syscall.SIGTERM, "run", scn, "--jobs", "1", "--progress", "always")
	require.Equal(t, cmdbase.ExitInterrupted, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	rows := tableRows(out)
	require.Len(t, rows, 1, out)
	assert.True(t, strings.HasPrefix(rows[0], "INTERRUPTED "), rows[0])
	assert.Regexp(t, `pct interrupted after \d+ of 100000000 schedules$`, rows[0])
	assert.Contains(t, out, "1 row: 0 match, 0 mismatch, 1 interrupted;")
	assert.Contains(t, out, "interrupted: 1 row judged, 1 of them only in part\n")
	assert.Contains(t, stderr, "run: row 1/1 test-flr-freeze draft-2023")
	assert.Regexp(t, `(?m)^run: 1 row judged in \S+: \d+ schedules? \(\d+ executed\), 0 mismatched, 1 interrupted$`, stderr)
}

// Ctrl-C during a pass row's proof: the row says how far the proof got
// before the signal, not that its run budget was spent, in the table and
// in the JSON document.
func TestRun_SIGINTDuringTheProofSaysHowFarItGot(t *testing.T) {
	const budget = "999983" // the proof's, told apart from the sampling's totals in the progress lines
	for _, format := range []string{"text", "json"} {
		t.Run(format, func(t *testing.T) {
			code, out, stderr := startUntil(t, "/"+budget+" runs (", os.Interrupt,
				"run", twoGuestsScenario, "--jobs", "1", "--progress", "always", "--proof-runs", budget, "--format", format)
			require.Equal(t, cmdbase.ExitInterrupted, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			if format == "text" {
				rows := tableRows(out)
				require.Len(t, rows, 1, out)
				assert.True(t, strings.HasPrefix(rows[0], "INTERRUPTED "), rows[0])
				assert.Regexp(t, `; bound 2 interrupted after \d+ of `+budget+` runs, \d+ interleavings?`, rows[0])
				assert.NotContains(t, rows[0], "spent")
				return
			}
			// stdout is one JSON document and nothing else; the line
			// that says the run was cut short is on stderr.
			assert.Contains(t, stderr, "interrupted: 1 row judged, 1 of them only in part\n")
			doc := out
			var got struct {
				Rows []struct {
					Match    bool   `json:"match"`
					Status   string `json:"status"`
					Explored struct {
						Interrupted bool `json:"interrupted"`
						Proof       struct {
							Exhaustive  bool   `json:"exhaustive"`
							Interrupted bool   `json:"interrupted"`
							Unexhausted string `json:"unexhausted"`
							Budget      int    `json:"budget"`
							Runs        int    `json:"runs"`
						} `json:"proof"`
					} `json:"explored"`
				} `json:"rows"`
				Interrupted int `json:"interrupted"`
			}
			require.NoError(t, json.Unmarshal([]byte(doc), &got), out)
			require.Len(t, got.Rows, 1)
			r := got.Rows[0]
			assert.False(t, r.Match)
			assert.Equal(t, "interrupted", r.Status, "nothing disagreed before the signal")
			assert.True(t, r.Explored.Interrupted)
			assert.Equal(t, 1, got.Interrupted)
			p := r.Explored.Proof
			assert.True(t, p.Interrupted)
			assert.False(t, p.Exhaustive)
			assert.Equal(t, "interrupted", p.Unexhausted)
			assert.Equal(t, 999983, p.Budget)
			assert.Positive(t, p.Runs)
			assert.Less(t, p.Runs, p.Budget)
		})
	}
}

// A shard run again and interrupted before it looked everywhere keeps the
// schedule file of its last run, although it found nothing so far: only a
// run that ended without the finding removes it.
func TestExplore_InterruptedShardKeepsItsLastSchedule(t *testing.T) {
	scn, fixFLR := flrScenarioCopy(t)
	out := t.TempDir()
	args := []string{"explore", "--scenario", scn, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep",
		"--strategy", "pct", "--schedules", "100000000", "--seed", "1", "--jobs", "1", "--shard", "1/2", "--out", out,
		"--explain-runs", "0", "--progress", "always"}
	code, stdout, stderr := startUntil(t, "a finding among the first", os.Interrupt, args...)
	require.Equal(t, cmdbase.ExitInterrupted, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	sched := filepath.Join(out, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.shard-1-of-2.json")
	require.FileExists(t, sched)

	// Without the FLR there is nothing to find; interrupted, the run
	// cannot tell.
	fixFLR()
	code, stdout, stderr = startUntil(t, "explore: ", os.Interrupt, args...)
	require.Equal(t, cmdbase.ExitInterrupted, code, "stdout:\n%s\nstderr:\n%s", stdout, stderr)
	assert.Contains(t, stdout, "findings: 0")
	assert.FileExists(t, sched)
	assert.NotContains(t, stderr, "removed")
}

// A row a signal cut short before it found anything got no verdict: its
// GOT is none, not pass, alike in the text table, the JSON document and
// the JUnit report of one interrupted run (docs/scenarios.md, "Expectations
// and verdicts").
func TestRun_InterruptedRowGotNone(t *testing.T) {
	dir := t.TempDir()
	textFile, junitFile := filepath.Join(dir, "table.txt"), filepath.Join(dir, "table.xml")
	code, out, stderr := startUntil(t, "/999983 runs (", os.Interrupt,
		"run", twoGuestsScenario, "--jobs", "1", "--progress", "always", "--proof-runs", "999983", "--format", "json",
		"--report", "text="+textFile, "--report", "junit="+junitFile)
	require.Equal(t, cmdbase.ExitInterrupted, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	var doc struct {
		Rows []struct {
			Got    string `json:"got"`
			Oracle string `json:"oracle"`
			Status string `json:"status"`
		} `json:"rows"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.Len(t, doc.Rows, 1)
	assert.Equal(t, []string{"none", "", "interrupted"}, []string{doc.Rows[0].Got, doc.Rows[0].Oracle, doc.Rows[0].Status})

	text, err := os.ReadFile(textFile)
	require.NoError(t, err)
	rows := tableRows(string(text))
	require.Len(t, rows, 1, string(text))
	assert.Regexp(t, `^INTERRUPTED +- +two-guests-long-proof +draft-2023 +defaults +pass +none +- +- `, rows[0])

	xml, err := os.ReadFile(junitFile)
	require.NoError(t, err)
	assert.Contains(t, string(xml), `<error message="interrupted: `)
	assert.NotContains(t, string(xml), "got pass")
}

// A signal during the second of four rows (one job) leaves two never
// started: the JSON document, the JUnit report and the text table still
// list all four, the two as not run (JSON status not-run, JUnit skipped
// "not run: interrupted", text NOT-RUN), got none as the row cut short
// does; a JUnit reader sees four tests, not a smaller suite that passed.
// Every format lists the rows in the table's order, the order of an
// uninterrupted run, not the order they started in: the row of the
// second file, whose dfs line's budget is the largest, starts (and is
// judged) first, yet comes last.
func TestRun_InterruptedRunListsRowsNeverStarted(t *testing.T) {
	src, err := os.ReadFile(flrScenario)
	require.NoError(t, err)
	long := strings.Replace(string(src), "explore strategy=pct schedules=100 depth=3 seed=1", "explore strategy=pct schedules=100000000 depth=3 seed=1", 1)
	require.NotEqual(t, string(src), long)
	src, err = os.ReadFile(smokeScenario)
	require.NoError(t, err)
	// A dfs search at bound 0 is exhausted long before its run budget
	// (under draft-2023 in 850 runs; virtio-1.4's row would take minutes).
	quick := strings.Replace(string(src), "explore strategy=random schedules=20 seed=2", "explore strategy=dfs schedules=1000000000 bound=0 seed=2", 1)
	quick = strings.Replace(quick, "expect virtio-1.4 pass\n", "", 1)
	require.Equal(t, 1, strings.Count(quick, "expect "), quick)
	require.Contains(t, quick, "explore strategy=dfs ")
	dir := t.TempDir()
	scn, quickScn := filepath.Join(dir, "long.scn"), filepath.Join(dir, "quick.scn")
	textFile, junitFile := filepath.Join(dir, "table.txt"), filepath.Join(dir, "table.xml")
	require.NoError(t, os.WriteFile(scn, []byte(long), 0o644))
	require.NoError(t, os.WriteFile(quickScn, []byte(quick), 0o644))
	code, out, stderr := startUntil(t, "/100000000 schedules (", os.Interrupt, "run", scn, quickScn, "--jobs", "1", "--progress", "always",
		"--format", "json", "--report", "text="+textFile, "--report", "junit="+junitFile)
	require.Equal(t, cmdbase.ExitInterrupted, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
	assert.Contains(t, stderr, "interrupted: 2 rows judged, 1 of them only in part; 2 rows not run (listed, NOT-RUN)\n")

	var doc struct {
		Rows []struct {
			Scenario string   `json:"scenario"`
			Edition  string   `json:"edition"`
			Knobs    []string `json:"knobs"`
			Got      string   `json:"got"`
			Status   string   `json:"status"`
		} `json:"rows"`
		Interrupted int `json:"interrupted"`
		NotRun      int `json:"not_run"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &doc), out)
	require.Len(t, doc.Rows, 4, "every row selected")
	var status []string
	for _, r := range doc.Rows {
		status = append(status, r.Scenario+" "+r.Edition+" "+strings.Join(r.Knobs, " ")+": "+r.Status+" got "+r.Got)
	}
	assert.Equal(t, []string{"test-flr-freeze draft-2023 : interrupted got none",
		"test-flr-freeze draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep: not-run got none",
		"test-flr-freeze virtio-1.4 : not-run got none",
		"test-smoke draft-2023 : match got pass"}, status, "the table's order; among test-flr-freeze's rows the pass row has the largest budget and starts first")
	assert.Equal(t, []int{1, 2}, []int{doc.Interrupted, doc.NotRun})

	xml, err := os.ReadFile(junitFile)
	require.NoError(t, err)
	assert.Contains(t, string(xml), `tests="4" failures="0" errors="1" skipped="2"`)
	assert.Equal(t, 2, strings.Count(string(xml), `<skipped message="not run: interrupted"></skipped>`))
	cases := regexp.MustCompile(`<testcase classname="([^"]*)" name="([^"]*)"`).FindAllStringSubmatch(string(xml), -1)
	var names []string
	for _, c := range cases {
		names = append(names, c[1]+": "+c[2])
	}
	assert.Equal(t, []string{"test-flr-freeze: test-flr-freeze draft-2023 defaults",
		"test-flr-freeze: test-flr-freeze draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep",
		"test-flr-freeze: test-flr-freeze virtio-1.4 defaults",
		"test-smoke: test-smoke draft-2023 defaults"}, names, "the table's order")

	text, err := os.ReadFile(textFile)
	require.NoError(t, err)
	rows := tableRows(string(text))
	require.Len(t, rows, 4, string(text))
	assert.Regexp(t, `^INTERRUPTED +1 +test-flr-freeze +draft-2023 +defaults +pass +none `, rows[0])
	assert.Regexp(t, `^NOT-RUN +1 +test-flr-freeze +draft-2023 +flr-vs-mode=complete-anyway mode-after-flr=keep +violation frozen-context +none +- +- +not run: `, rows[1])
	assert.Regexp(t, `^NOT-RUN +1 +test-flr-freeze +virtio-1.4 +defaults +error vf-reset +none `, rows[2])
	assert.Regexp(t, `^ok +- +test-smoke +draft-2023 +defaults +pass +pass `, rows[3])
	assert.Contains(t, string(text), "4 rows: 1 match, 0 mismatch, 1 interrupted, 2 not run;")
}

// One Ctrl-C after the exploration ended, while the finding is shrunk,
// explained and sliced, stops that at once (no second Ctrl-C needed):
// the schedule is written as far as it got, stderr says the interrupt
// came after the exploration and what it cut, stdout still shows a slice,
// and the exit status is 130. Also when the
// signal lands as the last schedule has run but before the exploration
// returned ("; shrinking it" comes with the update that completes the
// budget): it cut nothing, so the summary is not an interrupted one.
func TestExplore_SIGINTAfterTheExplorationStopsShrinking(t *testing.T) {
	for _, marker := range []string{"explore: 50/50 schedules (", "; shrinking it"} {
		t.Run(marker, func(t *testing.T) {
			dir := t.TempDir()
			code, out, stderr := startUntil(t, marker, os.Interrupt,
				"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep",
				"--strategy", "pct", "--schedules", "50", "--seed", "1", "--jobs", "1", "--out", dir,
				"--explain-runs", "1000000", "--slice-runs", "100000", "--progress", "always")
			require.Equal(t, cmdbase.ExitInterrupted, code, "stdout:\n%s\nstderr:\n%s", out, stderr)
			assert.NotContains(t, out, "interrupted: the summary covers only the ", "the exploration itself ran to its end")
			assert.Regexp(t, `(?m)^shrunk frozen-context: `, out)
			assert.Regexp(t, `(?m)interrupted`, out, "the shrink, explanation or slice says it was cut")
			// The shrink, or what follows it when the signal came after
			// the shrink's end.
			assert.Regexp(t, "migsim explore: interrupted after the exploration ended: the finding's schedule is written (as far as shrinking got(; the interrupt cut .+)?|, shrunk to the end; the interrupt cut .+)\n", stderr)
			// A slice is printed however far the narrowing got: the
			// footprint slice checked once, saying the interrupt cut it.
			assert.Regexp(t, `(?m)^  slice: .*(interrupted|placed)`, out)
			path := filepath.Join(dir, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json")
			sc, err := catalog.ReadScheduleFile(path)
			require.NoError(t, err)
			require.NotNil(t, sc.Finding)
			assert.Equal(t, "frozen-context", sc.Finding.Oracle)
		})
	}
}

// markerWriter collects what is written to it and calls fire once, after
// the first write that contains marker.
type markerWriter struct {
	strings.Builder
	marker string
	fire   func()
	fired  bool
}

func (w *markerWriter) Write(p []byte) (int, error) {
	n, err := w.Builder.Write(p)
	if !w.fired && strings.Contains(string(p), w.marker) {
		w.fired = true
		w.fire()
	}
	return n, err
}

// merge handles SIGINT and SIGTERM as explore does: a signal that comes
// once it has read the summaries (the signal is sent, and delivered, when
// it says how many it read) lets it write the schedule file and the
// report whole, leaves no temporary file in --out and exits 130; one that
// came before, while it read, makes it write nothing and exit 130.
func TestMergeSignal_WritesWholeAndExits130(t *testing.T) {
	shards := t.TempDir()
	for i := range 2 {
		code, _, stderr := runSimCLI(t, "explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
			"--knob", "mode-after-flr=keep", "--no-shrink", "--explain-runs", "0", "--progress", "never",
			"--shard", fmt.Sprintf("%d/2", i), "--out", shards)
		require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
	}
	real := mergeInterrupts
	t.Cleanup(func() { mergeInterrupts = real })
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run(sig.String(), func(t *testing.T) {
			var ctx context.Context
			mergeInterrupts = func() (context.Context, func()) {
				c, stop := real()
				ctx = c
				return c, stop
			}
			out := t.TempDir()
			var stdout bytes.Buffer
			stderr := &markerWriter{marker: "shard summaries", fire: func() {
				require.NoError(t, syscall.Kill(os.Getpid(), sig))
				<-ctx.Done() // merge's handler took it
			}}
			code := run([]string{"merge", "--out", out, shards}, strings.NewReader(""), &stdout, stderr)
			assert.Equal(t, cmdbase.ExitInterrupted, code, stderr.String())
			assert.Contains(t, stderr.String(), "migsim merge: interrupted: the report and its schedule file were written whole")
			entries, err := os.ReadDir(out)
			require.NoError(t, err)
			require.Len(t, entries, 1, "the schedule file alone, no temporary file")
			assert.Contains(t, stdout.String(), "schedule: "+filepath.Join(out, entries[0].Name()))
			_, err = catalog.ReadScheduleFile(filepath.Join(out, entries[0].Name()))
			assert.NoError(t, err, "written whole")
		})
	}
	mergeInterrupts = func() (context.Context, func()) {
		c, cancel := context.WithCancel(context.Background())
		cancel() // the interrupt came while merge read the summaries
		return c, cancel
	}
	out := t.TempDir()
	code, stdout, stderr := runSimCLI(t, "merge", "--out", out, shards)
	assert.Equal(t, cmdbase.ExitInterrupted, code, stderr)
	assert.Empty(t, stdout)
	assert.Equal(t, "migsim merge: interrupted before the merged report: nothing written\n", stderr)
	entries, err := os.ReadDir(out)
	require.NoError(t, err)
	assert.Empty(t, entries)
}
