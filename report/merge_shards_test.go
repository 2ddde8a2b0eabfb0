package report

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// mergeTarget is a scenario of cmd/migsim's tests as `explore --scenario
// FILE` builds it.
func mergeTarget(t *testing.T, file string, ed spec.Edition, knobs ...string) catalog.Target {
	t.Helper()
	s, err := catalog.LoadScenarioFile(filepath.Join("..", "cmd", "migsim", "testdata", "sim", file))
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, ed, knobs, nil)
	require.NoError(t, err)
	tg.MaxSteps = catalog.DefaultJudgeMaxSteps // explore's --max-steps default
	return tg
}

// mergeRun is one small exploration, explored whole or by shards.
type mergeRun struct {
	tg        catalog.Target
	strategy  string
	schedules int
	seed      uint64
	depth     int // pct
	bound     int // dfs
	split     int // dfs: one process splits as its shards do
}

// explore explores shard i of n (n 1: everything) with MergeData, as
// `migsim explore --shard i/n` does, without shrinking.
func (r mergeRun) explore(t *testing.T, i, n int) engine.Summary {
	t.Helper()
	f, _, err := r.tg.FactoryInfo(engine.ScheduleSeed(r.seed, 0))
	require.NoError(t, err)
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: r.strategy,
		Schedules: r.schedules, Seed: r.seed, Jobs: 1, Shard: i, Shards: n, PCTDepth: r.depth, Bound: r.bound,
		SplitDepth: r.split, MaxSteps: r.tg.MaxSteps, MergeData: true})
	require.NoError(t, err)
	return sum
}

// shardFile is shard i of n as its summary file holds it: written by
// WriteShardFile and read back by the strict reader.
func (r mergeRun) shardFile(t *testing.T, i, n int) *ShardFile {
	t.Helper()
	ed := r.tg.Edition.String()
	rep := &Exploration{Target: TargetText(r.tg.Scenario.Name, ed, r.tg.Knobs(), nil), Scenario: r.tg.Scenario.Name, Edition: ed, Knobs: r.tg.Knobs(),
		Budget: BudgetText(scenario.Budget{Strategy: r.strategy, Schedules: r.schedules, Seed: r.seed, Depth: r.depth, Bound: r.bound},
			Search{Shards: n, SplitDepth: r.split, MaxSteps: r.tg.MaxSteps}),
		Strategy: r.strategy, Bound: r.bound, Schedules: r.schedules, ScenarioHash: r.tg.Scenario.Hash, MaxSteps: r.tg.MaxSteps,
		Summary: r.explore(t, i, n)}
	path := filepath.Join(t.TempDir(), ShardName("x.summary.json", ".summary.json", i, n))
	require.NoError(t, WriteShardFile(path, rep))
	sf, err := ReadShardFile(path)
	require.NoError(t, err)
	return sf
}

// asOneProcess is what of a summary one process and the merge of its
// shards share: the cost (elapsed time, executed runs, the memo) and the
// shard numbers differ, and the summary goes through its file's JSON.
func asOneProcess(t *testing.T, s engine.Summary) engine.Summary {
	t.Helper()
	s.Elapsed, s.Executed, s.ExecutedDecisions, s.Memo = 0, 0, 0, engine.MemoStats{}
	s.Shard, s.Shards = 0, 1
	b, err := json.Marshal(s)
	require.NoError(t, err)
	var out engine.Summary
	require.NoError(t, json.Unmarshal(b, &out))
	return out
}

// The shards of small real explorations, each through its summary file,
// merge into what one process exploring everything gives: without a
// finding (dfs, random), and with one found in one shard only (pct: the
// merge takes the finding and its schedule name from that shard).
func TestMergeShards_EqualsOneProcess(t *testing.T) {
	flr := mergeTarget(t, "flr-freeze.scn", spec.Draft2023, "flr-vs-mode=complete-anyway")
	smoke := mergeTarget(t, "smoke.scn", spec.Draft2023)
	for _, tc := range []struct {
		name    string
		run     mergeRun
		shards  int
		finding bool
	}{
		{"pct, a finding in one shard", mergeRun{tg: flr, strategy: engine.StrategyPCT, schedules: 6, seed: 1, depth: 3}, 2, true},
		{"pct, three shards", mergeRun{tg: flr, strategy: engine.StrategyPCT, schedules: 6, seed: 1, depth: 3}, 3, true},
		{"random, no finding", mergeRun{tg: smoke, strategy: engine.StrategyRandom, schedules: 8, seed: 2}, 2, false},
		{"dfs, no finding", mergeRun{tg: smoke, strategy: engine.StrategyDFS, schedules: 100_000, bound: 0, split: 2}, 2, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			whole := tc.run.explore(t, 0, 1)
			require.Equal(t, tc.finding, len(whole.Findings) > 0)
			var shards []*ShardFile
			var names []string
			holders := 0
			for i := 0; i < tc.shards; i++ {
				sf := tc.run.shardFile(t, i, tc.shards)
				if len(sf.Report.Summary.Findings) > 0 {
					holders++
				}
				shards, names = append(shards, sf), append(names, fmt.Sprintf("shard-%d", i))
			}
			if tc.finding {
				require.Equal(t, 1, holders, "the finding is one shard's")
			}
			rep, name, err := MergeShards(shards, names, MergeOptions{})
			require.NoError(t, err)
			assert.Equal(t, asOneProcess(t, whole), asOneProcess(t, rep.Summary))
			assert.Equal(t, tc.shards, rep.Merged)
			// The cost is the shards', summed (docs/scale.md): pct's
			// learning runs and dfs's runs above the split count once in
			// each shard, so it is not one process's.
			executed := 0
			for _, sf := range shards {
				executed += sf.Report.Summary.Executed
			}
			assert.Equal(t, executed, rep.Doc().Explored.Executed)
			if tc.run.strategy == engine.StrategyPCT {
				assert.Greater(t, rep.Doc().Explored.Executed, whole.Executed, "every pct shard ran the learning schedules")
			}
			assert.Equal(t, shards[0].Report.Target, rep.Target)
			// The merged document names the target from the data the
			// summaries carry.
			d := rep.Doc()
			assert.Equal(t, []any{tc.run.tg.Scenario.Name, tc.run.tg.Edition.String(), append([]string{}, tc.run.tg.Knobs()...)},
				[]any{d.Scenario, d.Edition, d.Knobs})
			assert.Empty(t, name, "no shard shrank its finding: no schedule file")
			assert.Nil(t, rep.Schedule)
		})
	}
}

// Shard summaries as explore wrote them (testdata/shard), merged as they
// are and changed: the merge refuses anything but every shard of one
// exploration once, naming the files and what differs, and carries the
// first finding's shrunk run and schedule from the shard that found it.
func TestMergeShards(t *testing.T) {
	const (
		flr0   = "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.shard-0-of-2.summary.json"
		flr1   = pctShard1
		smoke0 = dfsShard0
		smoke1 = "test-smoke_draft-2023.shard-1-of-2.summary.json"
	)
	read := func(name string, change func(*ShardFile)) *ShardFile {
		sf, err := ReadShardFile(filepath.Join(shardTestdata, name))
		require.NoError(t, err)
		if change != nil {
			change(sf)
		}
		return sf
	}
	for _, tc := range []struct {
		name   string
		shards []*ShardFile
		files  []string // nil: "a", "b", …
		want   string   // the error; "": merged
		check  func(t *testing.T, rep *Exploration, schedule string)
	}{
		{name: "both shards, no finding", shards: []*ShardFile{read(smoke0, nil), read(smoke1, nil)},
			check: func(t *testing.T, rep *Exploration, schedule string) {
				assert.Empty(t, schedule)
				assert.Empty(t, rep.Summary.Findings)
				assert.Equal(t, 2, rep.Merged)
				assert.Equal(t, 1, rep.Summary.Shards)
			}},
		{name: "the finding in the second shard", shards: []*ShardFile{read(flr0, nil), read(flr1, nil)},
			check: func(t *testing.T, rep *Exploration, schedule string) {
				sf := read(flr1, nil)
				assert.Equal(t, sf.ScheduleName, schedule)
				require.NotNil(t, rep.Schedule)
				assert.Equal(t, sf.Report.Schedule.Index, rep.Schedule.Index)
				assert.Equal(t, sf.Report.Shrunk, rep.Shrunk)
				assert.Equal(t, sf.Report.Explained, rep.Explained)
				require.Len(t, rep.Summary.Findings, 1)
				assert.Equal(t, 5, rep.Summary.Findings[0].Index)
				assert.Equal(t, read(flr0, nil).Report.Summary.Schedules+sf.Report.Summary.Schedules, rep.Summary.Schedules)
			}},
		{name: "in any order", shards: []*ShardFile{read(flr1, nil), read(flr0, nil)},
			check: func(t *testing.T, rep *Exploration, schedule string) {
				assert.Equal(t, read(flr1, nil).ScheduleName, schedule)
				assert.Equal(t, 6, rep.Summary.Schedules)
			}},
		{name: "a shard missing", shards: []*ShardFile{read(flr1, nil)}, files: []string{"b"},
			want: "test-flr-freeze draft-2023 flr-vs-mode=complete-anyway (pct 6 schedules, seed 1, depth 3): shard 0/2 is missing"},
		{name: "a shard twice", shards: []*ShardFile{read(flr1, nil), read(flr1, nil)},
			want: "shard 1/2 appears twice (a and b)"},
		{name: "another scenario", shards: []*ShardFile{read(flr0, nil), read(smoke1, nil)},
			want: `a and b are not one exploration: field report.scenario is "test-flr-freeze" in the first, "test-smoke" in the second`},
		{name: "other knobs", shards: []*ShardFile{read(flr0, nil), read(flr1, func(sf *ShardFile) { sf.Report.Knobs = []string{"flr-vs-mode=hold-reply"} })},
			want: `a and b are not one exploration: field report.knobs is ["flr-vs-mode=complete-anyway"] in the first, ["flr-vs-mode=hold-reply"] in the second`},
		{name: "another edition", shards: []*ShardFile{read(smoke0, nil), read(smoke1, func(sf *ShardFile) { sf.Report.Target = "test-smoke virtio-1.4" })},
			want: `field report.target is "test-smoke draft-2023" in the first, "test-smoke virtio-1.4" in the second`},
		{name: "the scenario edited", shards: []*ShardFile{read(smoke0, nil), read(smoke1, func(sf *ShardFile) { sf.Report.ScenarioHash = "0000000000000000" })},
			want: "field report.scenario_hash is "},
		{name: "another strategy", shards: []*ShardFile{read(flr0, nil), read(flr1, func(sf *ShardFile) {
			sf.Report.Strategy, sf.Report.Summary.Strategy = engine.StrategyRandom, engine.StrategyRandom
		})}, want: `field report.strategy is "pct" in the first, "random" in the second`},
		{name: "another strategy in the summary only", shards: []*ShardFile{read(flr0, nil), read(flr1, func(sf *ShardFile) {
			sf.Report.Summary.Strategy = engine.StrategyRandom
		})}, want: "b is shard 1/2 of a random exploration with seed 1, a is shard 0/2 of a pct exploration with seed 1: not one exploration"},
		{name: "another budget", shards: []*ShardFile{read(flr0, nil), read(flr1, func(sf *ShardFile) { sf.Report.Schedules = 7 })},
			want: `field report.schedules is "6" in the first, "7" in the second`},
		{name: "no shard", shards: nil, files: []string{}, want: "0 shard summaries named by 0 files"},
		{name: "files and shards differ", shards: []*ShardFile{read(flr0, nil)}, files: []string{"a", "b"}, want: "1 shard summaries named by 2 files"},
		{name: "the first finding is no shard's first", shards: []*ShardFile{read(flr0, nil), read(flr1, func(sf *ShardFile) {
			// Out of index order: the merge's first (at #3) is not the
			// first of the shard, which shrank another.
			early := sf.Report.Summary.Findings[0]
			early.Index, early.Finding.Oracle = 3, "live"
			sf.Report.Summary.Findings = append(sf.Report.Summary.Findings, early)
		})}, want: "no shard summary holds the schedule of the first finding (live at #3)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			files := tc.files
			if files == nil {
				for i := range tc.shards {
					files = append(files, string(rune('a'+i)))
				}
			}
			rep, schedule, err := MergeShards(tc.shards, files, MergeOptions{})
			if tc.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				assert.Nil(t, rep)
				return
			}
			require.NoError(t, err)
			tc.check(t, rep, schedule)
		})
	}
}

// A directory without shard summaries is no merge: ShardSummaries, which
// lists what `migsim merge DIR` merges, says so, naming it.
func TestMergeShards_EmptyDir(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "x.json"), []byte("{}"), 0o644))
	_, err := ShardSummaries([]string{dir})
	require.Error(t, err)
	assert.Equal(t, dir+": no shard summaries (*.summary.json)", err.Error())
	_, _, err = MergeShardFiles(context.Background(), nil, MergeOptions{})
	require.Error(t, err)
	assert.Equal(t, "0 shard summaries named by 0 files", err.Error())
}

// Summaries that all record a build identity naming no one build
// (buildinfo.Identified) are not taken for one build's: merge refuses
// them, naming the files and what would do, unless told to trust them;
// summaries of one identified build, and a lone summary, merge as before.
func TestMergeShards_UnidentifiedBuild(t *testing.T) {
	const flr0 = "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway.shard-0-of-2.summary.json"
	read := func(name, build string) *ShardFile {
		sf, err := ReadShardFile(filepath.Join(shardTestdata, name))
		require.NoError(t, err)
		if build != "" {
			sf.Build = build
		}
		return sf
	}
	const rev = "vcs:2dc989baa5e4809c3aff3699a8d072251e72ce1c"
	for _, tc := range []struct {
		name  string
		build string // of both shards; "": as the testdata has it
		trust bool
		want  string // the error; "": merged
	}{
		{name: "one identified build", build: ""},
		{name: "one executable's hash", build: "sha256:0123456789abcdef"},
		{name: "unknown", build: "unknown",
			want: `a, b: field build is "unknown" in every summary, which names no one build (it had no VCS revision to record, or a modified tree's, and its executable could not be read to hash), so nothing shows that one build wrote them: explore every shard with one binary built in a git checkout or whose executable can be read (migsim version prints its build line), or pass --trust-build if you know one build wrote them all`},
		{name: "a modified tree, not hashed", build: rev + "+modified", want: `field build is "` + rev + `+modified" in every summary, which names no one build`},
		{name: "unknown, trusted", build: "unknown", trust: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			shards := []*ShardFile{read(flr0, tc.build), read(pctShard1, tc.build)}
			rep, _, err := MergeShards(shards, []string{"a", "b"}, MergeOptions{TrustBuild: tc.trust})
			if tc.want != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tc.want)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 2, rep.Merged)
		})
	}
	// One summary has no other to be told apart from.
	_, _, err := MergeShards([]*ShardFile{read(flr0, "unknown")}, []string{"a"}, MergeOptions{})
	assert.ErrorContains(t, err, "shard 1/2 is missing", "refused for what it lacks, not for its build")
	// An unknown build and an identified one differ: two builds.
	_, _, err = MergeShards([]*ShardFile{read(flr0, "unknown"), read(pctShard1, "")}, []string{"a", "b"}, MergeOptions{TrustBuild: true})
	assert.ErrorContains(t, err, `field build is "unknown" in the first, "`+rev+`" in the second (two builds of migsim`)
	// Many files: the first three are named, the rest counted.
	five := []*ShardFile{{Build: "unknown"}, {Build: "unknown"}, {Build: "unknown"}, {Build: "unknown"}, {Build: "unknown"}}
	assert.ErrorContains(t, checkIdentified(five, []string{"a", "b", "c", "d", "e"}, MergeOptions{}), "a, b, c and 2 more: ")
}
