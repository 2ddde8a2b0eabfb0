package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/scenario"
)

// renamedScenario writes the catalog scenario name into dir as FILE with
// its scenario line naming it newName, and returns the file's path.
func renamedScenario(t *testing.T, name, newName, dir, file string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("../../catalog/scenarios", name+".scn"))
	require.NoError(t, err)
	src := strings.Replace(string(b), "\nscenario "+name+"\n", "\nscenario "+newName+"\n", 1)
	require.NotEqual(t, string(b), src, "the scenario line of %s", name)
	p := filepath.Join(dir, file)
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	return p
}

// TestConform_ScenarioFileJudgedAsACatalogRow: conform --scenario takes a
// scenario file's path, as run and explore do, and judges its rows as the
// catalog's: a copy of a catalog scenario under another name gives the
// catalog row's report, exit status and charge, with its own name; its
// counterexample records the file relative to itself, replays matching
// the recording from any directory (the scenario file gone too, from the
// copy it carries), and the command its "found by" line names writes the
// same bytes again.
func TestConform_ScenarioFileJudgedAsACatalogRow(t *testing.T) {
	const mutant = "builtin:mutant/saves-half-written-address-as-zero"
	const catName, fileName = "split-queue-desc-write", "my-split"
	dir := t.TempDir()
	scn := renamedScenario(t, catName, fileName, dir, "my-split.scn")
	conform := func(scenarioArg, replayDir string) (int, string, string) {
		return runSimCLI(t, "conform", "--device", mutant, "--parts", "rows", "--budget", "short",
			"--scenario", scenarioArg, "--replay-dir", replayDir)
	}
	catDir, fileDir := filepath.Join(dir, "cat"), filepath.Join(dir, "file")
	catCode, catOut, catErr := conform(catName, catDir)
	require.Equal(t, cmdbase.ExitFinding, catCode, "stderr: %s\n%s", catErr, catOut)
	code, out, stderr := conform(scn, fileDir)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s\n%s", stderr, out)
	asFile := strings.NewReplacer(catName, fileName, catDir, fileDir)
	assert.Equal(t, asFile.Replace(catOut), out)
	assert.Equal(t, asFile.Replace(catErr), stderr)
	assert.Contains(t, out, "DP-DEV-09      MUST   Fail        1 failure(s), first: my-split/virtio-1.4")

	ce := filepath.Join(fileDir, "my-split_virtio-1.4.json")
	sc, err := catalog.ReadScheduleFile(ce)
	require.NoError(t, err)
	assert.Equal(t, "../my-split.scn", sc.ScenarioFile, "recorded relative to the schedule")
	assert.NotEmpty(t, sc.ScenarioText)
	assert.Equal(t, mutant, sc.Device)

	// The replay of the file's counterexample is the catalog one's, with
	// the file's name: the same steps, trace hash, finding and charge.
	replay := func(file string) (int, string, string) { return runSimCLI(t, "replay", file) }
	catRCode, catROut, _ := replay(filepath.Join(catDir, catName+"_virtio-1.4.json"))
	require.Equal(t, cmdbase.ExitFinding, catRCode, catROut)
	rcode, rout, rerr := replay(ce)
	require.Equal(t, cmdbase.ExitFinding, rcode, "stderr: %s\n%s", rerr, rout)
	assert.Contains(t, rout, "(matches the recording)")
	foundBy := "found by: migsim conform --device " + mutant + " --scenario " + scn + " --spec virtio-1.4 --parts rows"
	want := asFile.Replace(catROut)
	want = strings.Replace(want, "scenario my-split (hash "+catalogHash(t, catName), "scenario my-split (hash "+sc.ScenarioHash, 1)
	want = strings.Replace(want, "found by: migsim conform --device "+mutant+" --scenario my-split --spec", "found by: migsim conform --device "+mutant+" --scenario "+scn+" --spec", 1)
	assert.Equal(t, want, rout)
	assert.Contains(t, rout, foundBy)
	code, out, stderr = runSimCLI(t, "conform", "--replay", ce)
	assert.Equal(t, cmdbase.ExitFinding, code, "stderr: %s\n%s", stderr, out)
	assert.Contains(t, out, "charged: DP-DEV-09")

	// The command the found-by line names writes the same counterexample.
	againDir := filepath.Join(dir, "again")
	code, _, stderr = conform(scn, againDir)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	first, err := os.ReadFile(ce)
	require.NoError(t, err)
	again, err := os.ReadFile(filepath.Join(againDir, "my-split_virtio-1.4.json"))
	require.NoError(t, err)
	assert.Equal(t, string(first), string(again))

	// Moved with its scenario file, it replays; without it, from its copy.
	moved := filepath.Join(t.TempDir(), "deeper")
	require.NoError(t, os.MkdirAll(filepath.Join(moved, "file"), 0o755))
	require.NoError(t, os.WriteFile(filepath.Join(moved, "file", "ce.json"), first, 0o644))
	src, err := os.ReadFile(scn)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(moved, "my-split.scn"), src, 0o644))
	rcode, rout, rerr = replay(filepath.Join(moved, "file", "ce.json"))
	assert.Equal(t, cmdbase.ExitFinding, rcode, "stderr: %s\n%s", rerr, rout)
	assert.Contains(t, rout, "(matches the recording)")
	assert.Contains(t, rout, " --scenario "+filepath.Join(moved, "my-split.scn")+" --spec")
	require.NoError(t, os.Remove(filepath.Join(moved, "my-split.scn")))
	rcode, rout, rerr = replay(filepath.Join(moved, "file", "ce.json"))
	assert.Equal(t, cmdbase.ExitFinding, rcode, "stderr: %s\n%s", rerr, rout)
	assert.Contains(t, rout, "(matches the recording)")
	assert.Contains(t, rout, " --scenario FILE --spec virtio-1.4 --parts rows  # the row's exploration: ")
	assert.Contains(t, rout, "FILE: the scenario_text this schedule carries, saved to a file ("+filepath.Join(moved, "my-split.scn")+" is gone)")
}

// catalogHash is the run hash the catalog scenario name's schedules
// record.
func catalogHash(t *testing.T, name string) string {
	t.Helper()
	s, err := catalog.CatalogScenario(name)
	require.NoError(t, err)
	return scenario.RunHash(s)
}

// TestConform_ScenarioFileInputErrors: a --scenario file that does not
// load is an input error at its file:line:col before anything runs, as
// migsim run says it; so are two arguments that give one scenario name
// but differ. The same scenario given twice is judged once.
func TestConform_ScenarioFileInputErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.scn")
	require.NoError(t, os.WriteFile(bad, []byte("scenario bad\nvfs 1\nguest vcpu0\n  prob\nexpect virtio-1.4 pass\n"), 0o644))
	code, out, stderr := runSimCLI(t, "conform", "--device", "builtin:blk", "--scenario", bad, "--replay-dir", dir)
	assert.Equal(t, cmdbase.ExitUsage, code, out)
	assert.Empty(t, out)
	assert.True(t, strings.HasPrefix(stderr, "migsim conform: --scenario: "+bad+":4:3: unknown guest operation prob "), stderr)
	_, _, runErr := runSimCLI(t, "run", bad)
	assert.Contains(t, runErr, bad+":4:3: unknown guest operation prob ", "as migsim run says it")

	other := renamedScenario(t, "kick-during-stop", "smoke-migrate", dir, "other.scn")
	code, out, stderr = runSimCLI(t, "conform", "--device", "builtin:blk", "--scenario", "smoke-migrate", "--scenario", other, "--replay-dir", dir)
	assert.Equal(t, cmdbase.ExitUsage, code, out)
	assert.Contains(t, stderr, "migsim conform: --scenario: smoke-migrate and "+other+" both give scenario smoke-migrate, and differ")

	mine := renamedScenario(t, "kick-during-stop", "my-kick", dir, "my-kick.scn")
	code, out, stderr = runSimCLI(t, "conform", "--device", "builtin:blk", "--parts", "rows", "--budget", "short",
		"--scenario", mine, "--scenario", mine, "--replay-dir", dir, "--report", "json")
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s\n%s", stderr, out)
	var rep struct {
		Units []struct{ Name, Verdict string }
	}
	require.NoError(t, json.Unmarshal([]byte(out), &rep))
	var units []string
	for _, u := range rep.Units {
		units = append(units, u.Name+" "+u.Verdict)
	}
	assert.Equal(t, []string{"my-kick/draft-2023 pass", "my-kick/draft-2023/resume-avail=recheck pass",
		"my-kick/virtio-1.4 pass", "my-kick/virtio-1.4/resume-avail=latched-only pass"}, units)
}
