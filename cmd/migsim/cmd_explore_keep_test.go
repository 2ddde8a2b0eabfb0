package main

import (
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/internal/cmdbase"
)

// Explorations into one --out never lose a finding: a schedule file that
// holds another exploration's finding (another seed here) stays as it was
// and the new one takes the next free edition, NAME.1.json, and stderr
// says so; the same exploration again leaves its own file as it is; a run
// that finds nothing says whose file is there; --write-run's files and
// merge's do the same.
func TestExplore_NeverWritesOverAnotherFinding(t *testing.T) {
	dir := t.TempDir()
	const name = "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep"
	flr := func(seed string, extra ...string) []string {
		return append([]string{"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
			"--knob", "mode-after-flr=keep", "--strategy", "random", "--schedules", "1", "--seed", seed, "--explain-runs", "0", "--out", dir}, extra...)
	}
	steps := []struct {
		name   string
		args   []string
		code   int
		stderr string   // what stderr holds ("": no note on schedule files)
		files  []string // the files of dir after the step
		kept   string   // the file the step wrote or found its schedule in
	}{
		{"first finding", flr("1"), cmdbase.ExitFinding, "", []string{name + ".json"}, name + ".json"},
		{"the same exploration again", flr("1"), cmdbase.ExitFinding, "migsim explore: " + filepath.Join(dir, name+".json") + " already holds this schedule: left as it is\n",
			[]string{name + ".json"}, name + ".json"},
		{"another seed", flr("2"), cmdbase.ExitFinding, "migsim explore: " + filepath.Join(dir, name+".json") + " holds another schedule, left as it is: this one is " +
			filepath.Join(dir, name+".1.json") + "\n", []string{name + ".1.json", name + ".json"}, name + ".1.json"},
		{"the second again", flr("2"), cmdbase.ExitFinding, " already holds this schedule", []string{name + ".1.json", name + ".json"}, name + ".1.json"},
		{"a third", flr("3"), cmdbase.ExitFinding, "this one is " + filepath.Join(dir, name+".2.json") + "\n",
			[]string{name + ".1.json", name + ".2.json", name + ".json"}, name + ".2.json"},
		{"a run written", flr("1", "--write-run", "0"), cmdbase.ExitFinding, name + ".json already holds this schedule: left as it is\n",
			[]string{name + ".1.json", name + ".2.json", name + ".json", name + "_run-0.json"}, name + "_run-0.json"},
		{"another run written", flr("2", "--write-run", "0"), cmdbase.ExitFinding, "this one is " + filepath.Join(dir, name+"_run-0.1.json") + "\n",
			[]string{name + ".1.json", name + ".2.json", name + ".json", name + "_run-0.1.json", name + "_run-0.json"}, name + "_run-0.1.json"},
	}
	contents := map[string]string{}
	for _, st := range steps {
		code, out, stderr := runSimCLI(t, st.args...)
		require.Equal(t, st.code, code, "%s: %s", st.name, stderr)
		if st.stderr == "" {
			assert.NotContains(t, stderr, "left as it is", st.name)
		} else {
			assert.Contains(t, stderr, st.stderr, st.name)
		}
		assert.Contains(t, out, filepath.Join(dir, st.kept)+" ", "%s: the output names the file that holds the schedule", st.name)
		entries, err := os.ReadDir(dir)
		require.NoError(t, err)
		var files []string
		for _, e := range entries {
			files = append(files, e.Name())
		}
		sort.Strings(files)
		assert.Equal(t, st.files, files, st.name)
		for f, c := range contents {
			assert.Equal(t, c, mustRead(t, filepath.Join(dir, f)), "%s: %s was changed", st.name, f)
		}
		contents[st.kept] = mustRead(t, filepath.Join(dir, st.kept))
	}

	// A run that finds nothing says whose file --out holds.
	smoke := t.TempDir()
	earlier := filepath.Join(smoke, "test-smoke_draft-2023.json")
	require.NoError(t, os.WriteFile(earlier, []byte("an earlier finding\n"), 0o644))
	code, _, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--schedules", "4", "--out", smoke)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, stderr, "migsim explore: "+earlier+" is the schedule file of an earlier exploration, left as it is (this one found nothing)\n")
	assert.Equal(t, "an earlier finding\n", mustRead(t, earlier))

	// merge writes beside another file too.
	shards, _ := exploreShards(t, 1, flr("4")[:len(flr("4"))-2]...)
	code, _, stderr = runSimCLI(t, "merge", "--out", dir, shards[0])
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	assert.Contains(t, stderr, "migsim merge: "+filepath.Join(dir, name+".json")+" holds another schedule, left as it is: this one is "+filepath.Join(dir, name+".3.json")+"\n")
}
