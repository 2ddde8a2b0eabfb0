package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/buildinfo"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
)

// comparable drops what may differ between one process and merged shards:
// the throughput line, and the output directory in paths.
func comparable(out string, dirs ...string) string {
	var keep []string
	for _, l := range strings.Split(out, "\n") {
		if strings.HasPrefix(l, "throughput: ") {
			continue
		}
		for _, d := range dirs {
			l = strings.ReplaceAll(l, d, "DIR")
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

// Four `migsim explore --shard i/4` processes, run in parallel, merged by
// `migsim merge`, give the report (and the schedule file, byte for byte)
// of one process exploring everything: pct with a finding, dfs without
// and with one (a dfs file records the run's number in the whole search,
// not in the shard's subtrees). With state pruning each shard prunes only
// what it explored itself: the counts and the run numbers exceed one
// process's, and so does the index of the schedule file, which is the
// merged report's run number.
func TestMerge_FourShardProcessesEqualOne(t *testing.T) {
	bin := migsimBinary(t)
	cases := []struct {
		name string
		args []string
		// name of the schedule file ("" without a finding)
		file string
		// states: state pruning, where only the schedule file is compared
		states bool
		// fromShard: the shard whose own shrunk schedule is the merged one
		// (0 unless given: not checked)
		fromShard int
	}{
		{"pct", []string{"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
			"--strategy", "pct", "--schedules", "120", "--seed", "1", "--jobs", "1"}, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.json", false, 0},
		{"dfs", []string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "0",
			"--schedules", "100000", "--split-depth", "2", "--jobs", "1",
			// State pruning remembers a shard's own subtrees only: the
			// counts equal one process's without it (docs/scale.md).
			"--states=false"}, "", false, 0},
		// The FLR row's search at bound 1 is exhaustive in 170 runs and
		// spreads over every shard (71, 7, 12 and 80 runs); each shard
		// finds a violation of its own and the merge must keep shard 0's
		// (run #0 of the whole search), shrunk as one process shrinks it:
		// the checks of a larger search (peer-kick's at bound 1: about
		// 26,000 runs in each of five processes) at a hundredth of the runs.
		{"dfs with a finding", []string{"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
			"--strategy", "dfs", "--bound", "1", "--schedules", "30000", "--split-depth", "3", "--jobs", "1", "--states=false", "--explain-runs", "0"},
			"test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.json", false, 0},
		{"dfs with a finding, states", []string{"explore", "--scenario", peerKickScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "1",
			"--schedules", "30000", "--split-depth", "3", "--jobs", "1", "--states", "--explain-runs", "0"}, "peer-kick-race_draft-2023.json", true, 0},
		// The first finding of this search (run #16 of 290) lies in shard
		// 1's subtrees, while shards 0 and 2 find violations of their own
		// earlier in their own runs (their #16 and #15) and shard 3 none:
		// the merge keeps shard 1's, shrunk by that shard as one process
		// shrinks it, and renumbers it in the whole search.
		{"dfs with a later shard's finding", []string{"explore", "--scenario", peerCfgWriteScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "0",
			"--schedules", "30000", "--split-depth", "2", "--jobs", "1", "--states=false", "--explain-runs", "0"},
			"peer-cfg-write-race_draft-2023.json", false, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			single := t.TempDir()
			wantCode, want, stderr := runSimCLI(t, append(tc.args, "--out", single)...)
			require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, wantCode, stderr)

			var procs []*exec.Cmd
			var outs []*bytes.Buffer
			var dirs []string
			for i := 0; i < 4; i++ {
				dir := t.TempDir()
				cmd := exec.Command(bin, append(tc.args, "--shard", fmt.Sprintf("%d/4", i), "--out", dir)...)
				var out bytes.Buffer
				cmd.Stdout, cmd.Stderr = &out, &out
				require.NoError(t, cmd.Start())
				procs, outs, dirs = append(procs, cmd), append(outs, &out), append(dirs, dir)
			}
			for i, p := range procs {
				err := p.Wait()
				code := 0
				if ee, ok := err.(*exec.ExitError); ok {
					code = ee.ExitCode()
				} else {
					require.NoError(t, err)
				}
				require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, "shard %d: %s", i, outs[i])
				files, err := filepath.Glob(filepath.Join(dirs[i], "*.shard-*-of-4.summary.json"))
				require.NoError(t, err)
				require.Len(t, files, 1, "shard %d writes one shard-named summary", i)
			}
			merged := t.TempDir()
			code, got, stderr := runSimCLI(t, append([]string{"merge", "--out", merged}, dirs...)...)
			assert.Equal(t, wantCode, code, stderr)
			assert.Contains(t, stderr, "4 shard summaries")
			// The run budget is each shard's: the merged header says so.
			want = strings.Replace(want, "dfs up to 30000 runs,", "dfs up to 30000 runs per shard,", 1)
			want = strings.Replace(want, "dfs up to 100000 runs,", "dfs up to 100000 runs per shard,", 1)
			if !tc.states {
				assert.Equal(t, comparable(want, single), comparable(got, merged))
			}
			if tc.name == "pct" {
				assert.Contains(t, got, "\n  why: ", "the shard that shrank the finding carries its explanation to the merge")
			}
			if tc.file == "" {
				assert.Equal(t, cmdbase.ExitOK, wantCode)
				return
			}
			require.Equal(t, cmdbase.ExitFinding, wantCode)
			a := mustRead(t, filepath.Join(single, tc.file))
			b := mustRead(t, filepath.Join(merged, tc.file))
			if tc.fromShard != 0 {
				mergedSched, err := schedfile.Parse([]byte(b))
				require.NoError(t, err)
				stem := strings.TrimSuffix(tc.file, ".json")
				for i, dir := range dirs {
					own := filepath.Join(dir, fmt.Sprintf("%s.shard-%d-of-4.json", stem, i))
					if i == 3 {
						assert.NoFileExists(t, own, "shard 3 finds nothing")
						continue
					}
					// Every other shard writes its own finding under its
					// shard's name.
					sh, err := schedfile.Parse([]byte(mustRead(t, own)))
					require.NoError(t, err, "shard %d", i)
					if i == tc.fromShard {
						assert.Equal(t, mergedSched.Choices, sh.Choices, "the merged schedule is shard %d's", i)
						assert.Less(t, sh.Index, mergedSched.Index, "a shard numbers the run within its own subtrees")
					} else {
						assert.NotEqual(t, mergedSched.Choices, sh.Choices, "shard %d's own finding is not the first of the whole search", i)
					}
				}
			}
			if !tc.states {
				assert.Equal(t, a, b)
				return
			}
			sa, err := schedfile.Parse([]byte(a))
			require.NoError(t, err)
			sb, err := schedfile.Parse([]byte(b))
			require.NoError(t, err)
			assert.Contains(t, want, fmt.Sprintf(" at schedule #%d ", sa.Index))
			assert.Contains(t, got, fmt.Sprintf(" at schedule #%d ", sb.Index))
			sb.Index = sa.Index
			require.NoError(t, sb.Seal())
			assert.Equal(t, *sa, *sb, "the same run, shrunk the same way")
		})
	}
}

// Merge refuses incomplete or mixed sets of shards.
func TestMerge_BadInputsExit2(t *testing.T) {
	dirs := make([]string, 3)
	for i := range dirs {
		dirs[i] = t.TempDir()
		seed := "2"
		if i == 2 {
			seed = "3"
		}
		code, _, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--schedules", "8", "--seed", seed,
			"--shard", fmt.Sprintf("%d/2", i%2), "--out", dirs[i])
		require.Equal(t, cmdbase.ExitOK, code, stderr)
	}
	bad := filepath.Join(t.TempDir(), "bad.summary.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"format": 1, "extra": true}`), 0o644))
	sums0, err := filepath.Glob(filepath.Join(dirs[0], "*.summary.json"))
	require.NoError(t, err)
	require.Len(t, sums0, 1)
	// A summary edited by hand: its checksum no longer holds.
	sums, err := filepath.Glob(filepath.Join(dirs[1], "*.summary.json"))
	require.NoError(t, err)
	require.Len(t, sums, 1)
	text, err := os.ReadFile(sums[0])
	require.NoError(t, err)
	edited := filepath.Join(t.TempDir(), "edited.summary.json")
	require.NoError(t, os.WriteFile(edited, []byte(strings.Replace(string(text), `"Schedules": 4`, `"Schedules": 999999`, 1)), 0o644))
	require.NotEqual(t, string(text), mustRead(t, edited), "the edit changed nothing")
	linked := filepath.Join(t.TempDir(), "linked.summary.json")
	require.NoError(t, os.Symlink(sums0[0], linked))
	regress := filepath.Join("..", "..", "catalog", "testdata", "regress", "active-to-freeze-on-destination_draft-2023_transitions=strict-chain.json")
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"nothing", []string{"merge"}, "want at least one DIR or FILE"},
		{"missing shard", []string{"merge", dirs[0]}, "migsim merge: test-smoke draft-2023 (random 8 schedules, seed 2): shard 1/2 is missing\n"},
		{"twice", []string{"merge", dirs[0], dirs[0]}, "migsim merge: shard summary " + sums0[0] + " is given twice\n"},
		{"twice by two paths", []string{"merge", sums0[0], linked}, "migsim merge: shard summaries " + sums0[0] + " and " + linked + " are one file, given twice\n"},
		{"edited", []string{"merge", dirs[0], edited}, "field checksum"},
		{"a schedule file", []string{"merge", regress}, "a schedule file (migsim replay reads it), not a shard summary"},
		{"two explorations", []string{"merge", dirs[0], dirs[2]}, "not one exploration"},
		{"empty dir", []string{"merge", t.TempDir()}, "no shard summaries"},
		{"unknown field", []string{"merge", bad}, `unknown field "extra"`},
		// Checked before anything is read, as any --out: "" is no directory
		// (not "."), which only the write would have found.
		{"empty --out", []string{"merge", "--out", "", dirs[0], dirs[1]}, `migsim merge: --out: empty path: want a directory ("." for the current one)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, tc.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			assert.Contains(t, stderr, tc.want)
		})
	}
	code, _, stderr := runSimCLI(t, "merge", dirs[0], dirs[1])
	assert.Equal(t, cmdbase.ExitOK, code, stderr)
	// Each summary names the build that wrote it, which merge compares
	// (report's TestMergeShards_OneExploration: another build is refused).
	for _, p := range []string{sums0[0], sums[0]} {
		sf, err := report.ReadShardFile(p)
		require.NoError(t, err)
		assert.Equal(t, buildinfo.Running(), sf.Build, p)
	}

	// A shard that was interrupted: the merge is not the whole search.
	sf, err := report.ReadShardFile(sums[0])
	require.NoError(t, err)
	sf.Report.Summary.Interrupted = true
	stopped := t.TempDir()
	require.NoError(t, report.WriteShardFile(filepath.Join(stopped, filepath.Base(sums[0])), &sf.Report))
	code, out, stderr := runSimCLI(t, "merge", dirs[0], stopped)
	assert.Equal(t, cmdbase.ExitInterrupted, code, stderr)
	assert.Contains(t, out, "interrupted")
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	return string(b)
}

// The "expected:" line of a merged report names the scenario file as the
// shards were given it (--scenario, relative to their working directory),
// wherever merge runs: it is the line one process prints run where the
// shards ran, and merge cannot know where that was relative to itself
// (the shards' directories may have been copied), nor should it print an
// absolute path, which differs from machine to machine (docs/scale.md).
func TestMerge_ExpectedNamesTheScenarioAsTheShardsWereGivenIt(t *testing.T) {
	shards, out := t.TempDir(), t.TempDir()
	args := []string{"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
		"--knob", "mode-after-flr=keep", "--no-shrink", "--explain-runs", "0", "--progress", "never"}
	code, whole, stderr := runSimCLI(t, append(args, "--out", t.TempDir())...)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	for i := range 2 {
		code, _, stderr := runSimCLI(t, append(args, "--shard", fmt.Sprintf("%d/2", i), "--out", shards)...)
		require.Contains(t, []int{cmdbase.ExitOK, cmdbase.ExitFinding}, code, stderr)
	}
	const want = "  expected: this finding is what the scenario expects for this edition and knobs: " + flrScenario +
		":20 (expect draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep violation frozen-context)\n"
	require.Contains(t, whole, want)
	t.Chdir(t.TempDir()) // merge elsewhere: the path is not re-rooted there
	code, merged, stderr := runSimCLI(t, "merge", "--out", out, shards)
	require.Equal(t, cmdbase.ExitFinding, code, stderr)
	assert.Contains(t, merged, want)
	assert.NotContains(t, merged, string(filepath.Separator)+flrScenario, "no absolute path")
}

// A shard that finds nothing says so of itself, not of the exploration,
// whose other shards may find what the scenario expects; its summary
// keeps the note one process prints, which the merge prints when no
// shard found anything.
func TestExplore_ShardWithoutFindingSpeaksForItself(t *testing.T) {
	shards, out := t.TempDir(), t.TempDir()
	args := []string{"explore", "--scenario", flrScenario, "--spec", "draft-2023", "--knob", "flr-vs-mode=complete-anyway",
		"--knob", "mode-after-flr=keep", "--no-shrink", "--explain-runs", "0", "--progress", "never", "--schedules", "4"}
	code, shard, stderr := runSimCLI(t, append(args, "--shard", "0/4", "--out", shards)...)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	const expects = "  expected: the scenario expects violation frozen-context for this edition and knobs: " + flrScenario +
		":20 (expect draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep violation frozen-context); "
	assert.Contains(t, shard, expects+"this shard did not find it (another shard may have: migsim merge gives the exploration's answer)\n")
	for i := 1; i < 4; i++ { // nor do the others, here
		code, _, stderr := runSimCLI(t, append(args, "--shard", fmt.Sprintf("%d/4", i), "--out", shards)...)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
	}
	code, merged, stderr := runSimCLI(t, "merge", "--out", out, shards)
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, merged, expects+"this exploration did not find it\n", "the summary keeps the exploration's note")
}
