package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/scenario"
)

// exploreFLR explores the test copy of flr-during-freeze with
// flr-vs-mode=complete-anyway (pct, 100 schedules), writing under dir.
func exploreFLR(t *testing.T, dir string, extra ...string) (int, string, string) {
	t.Helper()
	args := append([]string{"explore", "--scenario", flrScenario, "--spec", "draft-2023",
		"--knob", "flr-vs-mode=complete-anyway", "--knob", "mode-after-flr=keep", "--strategy", "pct", "--schedules", "100", "--seed", "1",
		"--out", dir}, extra...)
	return runSimCLI(t, args...)
}

var replayLine = regexp.MustCompile(`(?m)^replay: migsim replay (\S+)$`)

// TestExplore_FindsShrinksWritesAndReplays is the explore workflow end to
// end (docs/engine.md, "Exploring"): explore reports the frozen-context violation, shrinks it (size
// before and after), writes the schedule and prints the replay command;
// replaying that file reproduces the same trace hash.
func TestExplore_FindsShrinksWritesAndReplays(t *testing.T) {
	// The exploration TestReplay's recordFLR replays.
	code, out, stderr, dir := exploreFLRShared(t)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	assert.Contains(t, out, "explore test-flr-freeze draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep: pct 100 schedules, seed 1, depth 3\n")
	assert.Regexp(t, `(?m)^schedules: 100, decisions: \d+, distinct interleavings: \d+, failing: [1-9]\d*, findings: 1$`, out)
	assert.Regexp(t, `(?m)^finding frozen-context at schedule #\d+ \(seed \d+\), step \d+: `, out)
	assert.Regexp(t, `(?m)^shrunk frozen-context: \d+ steps?, \d+ preemptions? -> \d+ steps?, \d+ preemptions?: [a-z0-9 ,]+ \(\d+ replays?, \d+ executed\), footprints: (\d+ of \d+ steps matter|all \d+ steps matter: the steps' footprints do not separate them \(replay --explain names the orderings the finding needs\))$`, out)
	assert.Regexp(t, `(?m)^shrunk frozen-context: .*\n  impact: (guest-visible|rule-only|flow-error) \(.+\)\n  requirements: (broken|involved) [A-Z]`, out,
		"the shrunk finding's impact and requirements, as run and replay print them")
	m := replayLine.FindStringSubmatch(out)
	require.NotNil(t, m, "explore prints the replay command:\n%s", out)
	path := m[1]
	assert.Equal(t, filepath.Join(dir, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json"), path)
	sc, err := catalog.ReadScheduleFile(path)
	require.NoError(t, err)
	require.NotNil(t, sc.Finding)
	assert.Equal(t, "frozen-context", sc.Finding.Oracle)
	assert.False(t, filepath.IsAbs(sc.ScenarioFile), "stored relative to the schedule file: %s", sc.ScenarioFile)
	abs, err := filepath.Abs(flrScenario)
	require.NoError(t, err)
	assert.Equal(t, abs, filepath.Join(sc.Dir, filepath.FromSlash(sc.ScenarioFile)))
	assert.NotEmpty(t, sc.ScenarioText, "the schedule carries the scenario's text")
	require.NotEmpty(t, sc.Finding.Impact, "the schedule file records the impact explore printed")
	assert.Contains(t, out, "  impact: "+sc.Finding.Impact+" (")

	code, rout, rerr := runSimCLI(t, "replay", path)
	require.Equal(t, cmdbase.ExitFinding, code, "replay reproduces the finding; stderr: %s", rerr)
	assert.Contains(t, rout, "finding frozen-context at step ")
	assert.Contains(t, rout, "  impact: "+sc.Finding.Impact+" (", "replay derives the same impact")
	assert.Contains(t, rout, "trace hash "+sc.TraceHash+" (matches the recording)\n")

	// The explanation: the finding needs the guest's FLR (a write to the
	// PCIe device control register) before the hypervisor resumes the
	// vCPUs on the destination; replay --explain gives the same lines.
	why := whyBlock.FindString(out)
	require.NotEmpty(t, why, "explore explains the shrunk finding:\n%s", out)
	assert.Regexp(t, `(?m)^  why: 1 ordering decides it: `, why)
	assert.Regexp(t, `(?m)^    step \d+ vcpu0:cfg-write 0x50=\S+ \(src\.vf1: FLR started\) before step \d+ hv:resume-vcpus$`, why)
	code, eout, eerr := runSimCLI(t, "replay", "--explain", path)
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", eerr)
	assert.Equal(t, why, whyBlock.FindString(eout))
	code, eout, _ = runSimCLI(t, "replay", "--explain", "--explain-runs", "0", path)
	require.Equal(t, cmdbase.ExitFinding, code)
	assert.Contains(t, eout, "  why: not explained (--explain-runs 0)\n")
}

// whyBlock is an explanation as explore and replay --explain print it.
var whyBlock = regexp.MustCompile(`(?m)^  why: .*\n(    step .*\n)*`)

// --explain-runs 0 skips the explanation.
func TestExplore_ExplainRunsZeroSkips(t *testing.T) {
	code, out, stderr, _ := exploreFLRShared(t, "--explain-runs", "0")
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	assert.Contains(t, out, "shrunk frozen-context: ")
	assert.NotContains(t, out, "  why: ")
}

// --no-shrink writes the first finding's run as found: its finding at the
// step the exploration found it, the size printed once, and a schedule
// that replays to it.
func TestExplore_NoShrinkKeepsTheFindingAsFound(t *testing.T) {
	code, out, stderr, _ := exploreFLRShared(t, "--no-shrink", "--explain-runs", "0")
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", stderr)
	assert.NotContains(t, out, "shrunk frozen-context: ")
	m := regexp.MustCompile(`(?m)^not shrunk \(--no-shrink\) frozen-context: (\d+) steps?, \d+ preemptions?, .*matter`).FindStringSubmatch(out)
	require.NotNil(t, m, "the size of the run as found:\n%s", out)
	found := regexp.MustCompile(`(?m)^finding frozen-context at schedule #\d+ \(seed \d+\), step (\d+): `).FindStringSubmatch(out)
	require.NotNil(t, found, out)
	path := replayLine.FindStringSubmatch(out)
	require.NotNil(t, path, out)
	sc, err := catalog.ReadScheduleFile(path[1])
	require.NoError(t, err)
	require.NotNil(t, sc.Finding)
	assert.Equal(t, found[1], strconv.Itoa(engine.ShownStep(sc.Finding.Step)), "the finding where the exploration found it")
	assert.Equal(t, m[1], strconv.Itoa(len(sc.Choices)), "the schedule is the run as found")

	_, sout, _, _ := exploreFLRShared(t, "--explain-runs", "0")
	sm := regexp.MustCompile(`(?m)^shrunk frozen-context: (\d+) steps?, .* -> (\d+) steps?`).FindStringSubmatch(sout)
	require.NotNil(t, sm, sout)
	assert.Equal(t, m[1], sm[1], "the same run before shrinking")

	code, rout, rerr := runSimCLI(t, "replay", path[1])
	require.Equal(t, cmdbase.ExitFinding, code, "stderr: %s", rerr)
	assert.Contains(t, rout, "trace hash "+sc.TraceHash+" (matches the recording)\n")
}

func TestExplore_SameSeedSameSchedule(t *testing.T) {
	var files [][]byte
	var outs []string
	for _, jobs := range []string{"1", "2"} {
		dir := t.TempDir()
		code, out, _ := exploreFLR(t, dir, "--jobs", jobs)
		require.Equal(t, cmdbase.ExitFinding, code)
		b, err := os.ReadFile(filepath.Join(dir, "test-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json"))
		require.NoError(t, err)
		files = append(files, b)
		// Everything but the throughput line and the output directory is
		// a function of the arguments.
		var keep []string
		for _, l := range strings.Split(out, "\n") {
			if !strings.HasPrefix(l, "throughput: ") {
				keep = append(keep, strings.ReplaceAll(l, dir, "DIR"))
			}
		}
		outs = append(outs, strings.Join(keep, "\n"))
	}
	assert.Equal(t, string(files[0]), string(files[1]), "the schedule file is byte for byte the same")
	assert.Equal(t, outs[0], outs[1])
}

func TestExplore_DefaultKnobsFindNothing(t *testing.T) {
	dir := t.TempDir()
	code, out, stderr := runSimCLI(t, "explore", "--scenario", flrScenario, "--spec", "draft-2023",
		"--strategy", "pct", "--schedules", "100", "--seed", "1", "--out", dir)
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s", stderr)
	assert.Contains(t, out, "findings: 0")
	assert.Contains(t, out, "no findings in 100 schedules of pct (a sample, not exhaustive: --strategy dfs searches every interleaving within a preemption bound)\n")
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Empty(t, entries, "nothing to write without a finding")
}

func TestExplore_BudgetDefaultsToTheScenario(t *testing.T) {
	code, out, _ := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "virtio-1.4", "--out", t.TempDir())
	require.Equal(t, cmdbase.ExitOK, code)
	assert.Contains(t, out, "explore test-smoke virtio-1.4: random 20 schedules, seed 2\n")
	assert.Contains(t, out, "schedules: 20,")
}

func TestExplore_DFSSaysWhatItCovered(t *testing.T) {
	code, out, _ := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023",
		"--strategy", "dfs", "--bound", "0", "--schedules", "5", "--out", t.TempDir())
	require.Equal(t, cmdbase.ExitOK, code)
	assert.Contains(t, out, "dfs up to 5 runs, seed 2, bound 0")
	assert.Regexp(t, `(?m)^dfs: (exhaustive|budget of 5 runs spent)`, out)
}

// The dfs summary accounts for every run: the pruned runs split into those
// state pruning cut short and those sleep sets did, how many of the first
// were known to end there without being run (known transitions), and the
// runs executed, which are the rest; the JSON document counts the same.
func TestExplore_DFSSummaryCountsKnownRuns(t *testing.T) {
	code, out, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs",
		"--bound", "1", "--jobs", "1", "--out", t.TempDir())
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	num := func(re string) int {
		m := regexp.MustCompile(re).FindStringSubmatch(out)
		require.NotNil(t, m, "%s in:\n%s", re, out)
		n, err := strconv.Atoi(m[1])
		require.NoError(t, err)
		return n
	}
	schedules, pruned := num(`(?m)^schedules: (\d+) `), num(`\(\+(\d+) pruned\)`)
	assert.Equal(t, pruned, num(`(?m)^dfs: the (\d+) pruned runs stopped before their end and are not schedules: `))
	hits := num(`: (\d+) by state pruning \(the run reached a state earlier runs had already explored completely from there\)`)
	sleep := 0 // this search's sleep sets leave a step to pick wherever state pruning does not stop it first
	if strings.Contains(out, " by sleep sets (") {
		sleep = num(`, (\d+) by sleep sets \(every step enabled there was asleep: it would only reorder independent steps of an interleaving already run`)
	}
	known := num(`(?m)^dfs: (\d+) of the \d+ state-pruned runs were known to end there without running them \(known transitions\)$`)
	executed := num(`(\d+) runs? executed`)
	assert.Positive(t, hits)
	assert.Equal(t, pruned, hits+sleep, "every pruned run is state pruning's or sleep sets'")
	assert.Positive(t, known)
	assert.LessOrEqual(t, known, hits)
	assert.Equal(t, schedules+pruned, executed+known)

	code, js, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs",
		"--bound", "1", "--jobs", "1", "--out", t.TempDir(), "--format", "json")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	var doc struct {
		Explored map[string]any `json:"explored"`
	}
	require.NoError(t, json.Unmarshal([]byte(js), &doc), js)
	for field, want := range map[string]int{"schedules": schedules, "pruned": pruned, "state_hits": hits, "pruned_sleep_sets": sleep, "pruned_known": known} {
		got, _ := doc.Explored[field].(float64) // absent: 0
		assert.Equal(t, want, int(got), field)
	}
}

// dfs picked on the command line for a scenario explored otherwise prunes
// states and gets a budget meant to exhaust the bound, end to end (the
// flags that say otherwise: TestExplore_DFSDefaults).
func TestExplore_DFSPickedHereDefaults(t *testing.T) {
	code, out, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs",
		"--bound", "0", "--out", t.TempDir())
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	assert.Contains(t, out, "dfs up to 1000000 runs, seed 2, bound 0, state pruning\n")
	assert.Regexp(t, `(?m)^dfs: exhaustive( bound 0: \d+ interleavings \(the bound cut some picks\)| \(bound 0 never cut\))$`, out)
}

// dfs with DPOR, with a split, and with a state cap of its own, says so in
// its header.
func TestExplore_DFSReductions(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--reduction", "dpor"}, "dfs up to 100000 runs, seed 2, bound 0, reduction dpor\n"},
		// dpor prunes no states (--states with it is refused): --states=false agrees.
		{[]string{"--reduction", "dpor", "--states=false"}, "dfs up to 100000 runs, seed 2, bound 0, reduction dpor\n"},
		{[]string{"--reduction", "none", "--split-depth", "2", "--states"}, "dfs up to 100000 runs, seed 2, bound 0, reduction none, split depth 2, state pruning\n"},
		// A state cap the header names unless it is the default.
		{[]string{"--state-cap", "4096"}, "dfs up to 100000 runs, seed 2, bound 0, state pruning up to 4096 states\n"},
		{[]string{"--state-cap", "1048576"}, "dfs up to 100000 runs, seed 2, bound 0, state pruning\n"},
	} {
		args := append([]string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "0",
			"--schedules", "100000", "--out", t.TempDir()}, tc.args...)
		code, out, stderr := runSimCLI(t, args...)
		require.Equal(t, cmdbase.ExitOK, code, stderr)
		assert.Contains(t, out, tc.want)
		assert.Contains(t, out, "dfs: exhaustive")
	}
}

// A dfs search whose state table fills before it exhausts its space says
// at which run, in the text and in JSON; with the default table the same
// search says nothing of it.
func TestExplore_StateTableFull(t *testing.T) {
	base := []string{"explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--strategy", "dfs", "--bound", "2",
		"--schedules", "1000", "--jobs", "1", "--progress", "never"}
	for _, tc := range []struct {
		name string
		args []string
		full bool
	}{
		{"the least cap fills", []string{"--state-cap", "1024"}, true},
		{"the default cap does not", nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append(append(slices.Clone(base), tc.args...), "--out", t.TempDir())...)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			assert.Contains(t, out, "dfs: budget of 1000 runs spent before the space was exhausted\n")
			re := regexp.MustCompile(`(?m)^dfs: state table full at run (\d+), known transitions at run (\d+) \(1024 each\): later ones not remembered; .* --state-cap N remembers up to N of each$`)
			assert.Equal(t, tc.full, re.MatchString(out), out)
			code, js, stderr := runSimCLI(t, append(append(slices.Clone(base), tc.args...), "--out", t.TempDir(), "--format", "json")...)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			var doc struct {
				Explored map[string]any `json:"explored"`
			}
			require.NoError(t, json.Unmarshal([]byte(js), &doc), js)
			for _, field := range []string{"states_full", "transitions_full", "state_cap"} {
				_, ok := doc.Explored[field]
				assert.Equal(t, tc.full, ok, field)
			}
			if m := re.FindStringSubmatch(out); m != nil {
				assert.Equal(t, m[1], fmt.Sprint(doc.Explored["states_full"]), "the text and JSON say the same run")
				assert.Equal(t, m[2], fmt.Sprint(doc.Explored["transitions_full"]))
				assert.InDelta(t, 1024, doc.Explored["state_cap"], 0)
			}
		})
	}
}

// Results that cannot be written exit 2, not 1: a batch system takes 1 for
// a finding, a success (docs/scale.md). Here the shard summary's path is a
// directory already.
func TestExplore_UnwritableResultsExit2(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.Mkdir(filepath.Join(dir, "test-smoke_draft-2023.shard-0-of-2.summary.json"), 0o755))
	code, _, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--shard", "0/2", "--out", dir)
	assert.Equal(t, cmdbase.ExitUsage, code, stderr)
	assert.Contains(t, stderr, "shard summary")
}

// Shard summaries are named by target and shard, not by budget: a shard of
// another exploration into the same --out is refused before it runs, while
// the same exploration run again replaces its summary.
func TestExplore_ShardKeepsAnotherExplorationsSummary(t *testing.T) {
	dir := t.TempDir()
	shard := func(seed string) (int, string) {
		code, _, stderr := runSimCLI(t, "explore", "--scenario", smokeScenario, "--spec", "draft-2023", "--schedules", "4",
			"--seed", seed, "--shard", "0/2", "--out", dir)
		return code, stderr
	}
	code, stderr := shard("2")
	require.Equal(t, cmdbase.ExitOK, code, stderr)
	p := filepath.Join(dir, "test-smoke_draft-2023.shard-0-of-2.summary.json")
	before := mustRead(t, p)
	code, stderr = shard("3")
	assert.Equal(t, cmdbase.ExitUsage, code, stderr)
	assert.Contains(t, stderr, "holds the summary of another exploration")
	assert.Equal(t, before, mustRead(t, p), "the other exploration's summary was changed")
	code, stderr = shard("2")
	assert.Equal(t, cmdbase.ExitOK, code, stderr)
}

func TestExplore_Shards(t *testing.T) {
	total := 0
	for _, shard := range []string{"0/2", "1/2"} {
		code, out, _ := runSimCLI(t, "explore", "--scenario", smokeScenario, "--shard", shard, "--out", t.TempDir())
		require.Equal(t, cmdbase.ExitOK, code)
		m := regexp.MustCompile(`(?m)^schedules: (\d+),`).FindStringSubmatch(out)
		require.NotNil(t, m, out)
		n := 0
		for _, c := range m[1] {
			n = n*10 + int(c-'0')
		}
		total += n
	}
	assert.Equal(t, 20, total, "two shards cover the budget once")
}

func TestExplore_UsageErrorsExit2(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"no scenario", []string{"explore"}, "--scenario is required"},
		{"unknown scenario", []string{"explore", "--scenario", "no-such-scenario"}, `no scenario "no-such-scenario"`},
		{"bad strategy", []string{"explore", "--scenario", smokeScenario, "--strategy", "bfs"}, `--strategy "bfs"`},
		{"zero schedules", []string{"explore", "--scenario", smokeScenario, "--schedules", "0"}, "--schedules 0"},
		{"bad shard", []string{"explore", "--scenario", smokeScenario, "--shard", "2/2"}, `--shard "2/2"`},
		{"shard syntax", []string{"explore", "--scenario", smokeScenario, "--shard", "1of2"}, `--shard "1of2"`},
		{"empty shard", []string{"explore", "--scenario", smokeScenario, "--shard", ""}, `--shard ""`},
		{"bad knob", []string{"explore", "--scenario", smokeScenario, "--knob", "flr-vs-mode=maybe"}, `unknown value "maybe"`},
		{"knob of another edition", []string{"explore", "--scenario", smokeScenario, "--spec", "virtio-1.4", "--knob", "transitions=strict-chain"},
			"--knob transitions=strict-chain: knob transitions does not apply to virtio-1.4"},
		{"bad setting", []string{"explore", "--scenario", smokeScenario, "--set", "novalue"}, `--set "novalue"`},
		{"bad edition", []string{"explore", "--scenario", smokeScenario, "--spec", "1.4"}, `unknown edition "1.4"`},
		{"extra argument", []string{"explore", "--scenario", smokeScenario, "extra"}, "unexpected arguments"},
		{"scenario as an argument", []string{"explore", smokeScenario}, `unexpected argument "` + smokeScenario + `": explore takes its scenario as --scenario ` + smokeScenario},
		{"scenario file with a blank as an argument", []string{"explore", "my race.scn"}, `unexpected argument "my race.scn": explore takes its scenario as --scenario 'my race.scn'`},
		{"bad depth", []string{"explore", "--scenario", smokeScenario, "--depth", "0"}, "--depth 0"},
		{"bad reduction", []string{"explore", "--scenario", smokeScenario, "--reduction", "magic"}, `unknown reduction "magic"`},
		{"bad split depth", []string{"explore", "--scenario", smokeScenario, "--split-depth", "-1"}, "--split-depth -1"},
		// Shards share out the subtrees below a split: with none, a shard
		// took the balanced depth in place of the 0 given.
		{"no split for shards", []string{"explore", "--scenario", smokeScenario, "--strategy", "dfs", "--split-depth", "0", "--shard", "1/2"},
			"--split-depth 0 splits the tree into no subtrees for --shard 1/2 to share out: give 1..64, or leave it out"},
		{"bad progress", []string{"explore", "--scenario", smokeScenario, "--progress", "sometimes"}, `--progress "sometimes"`},
		{"no-shrink with a shrink bound", []string{"explore", "--scenario", smokeScenario, "--no-shrink", "--shrink-replays", "10"}, "--no-shrink and --shrink-replays"},
		{"dpor with states", []string{"explore", "--scenario", smokeScenario, "--strategy", "dfs", "--reduction", "dpor", "--states"}, "--states and reduction dpor contradict each other"},
		{"states with dpor", []string{"explore", "--scenario", smokeScenario, "--strategy", "dfs", "--states=true", "--reduction", "dpor"}, "--states and reduction dpor contradict each other"},
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

func TestBench_PrintsThroughput(t *testing.T) {
	code, out, stderr := runSimCLI(t, "bench", "--scenario", smokeScenario, "--schedules", "5")
	require.Equal(t, cmdbase.ExitOK, code, "stderr: %s", stderr)
	assert.Contains(t, out, "bench test-smoke draft-2023: pct, 1 job\n")
	assert.Contains(t, out, "schedules: 5, decisions: ")
	assert.Regexp(t, `(?m)^throughput: \d+ schedules/s, \d+ ns/decision$`, out)
}

// TestBench_JudgesOnlyTheCanonicalExploration: the throughput targets are
// the canonical exploration's; another scenario, edition, knob or
// strategy is measured without calling its figure a defect.
func TestBench_JudgesOnlyTheCanonicalExploration(t *testing.T) {
	judged := `(?m)^target: (>= 50000 schedules/s met|>= 50000 schedules/s missed \(not below the defect line of 10000\)|below 10000 schedules/s: a defect to report \(target 50000\))$`
	none := `(?m)^target: none for this exploration \(the 50000 schedules/s target is the canonical one's: flr-during-freeze draft-2023, default knobs, pct\)$`
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"canonical", nil, judged},
		{"canonical, a default knob named", []string{"--knob", "flr-vs-mode=hold-reply"}, judged},
		{"scenario file", []string{"--scenario", smokeScenario}, none},
		{"another edition", []string{"--spec", "virtio-1.4"}, none},
		{"a knob", []string{"--knob", "flr-vs-mode=complete-anyway"}, none},
		{"random", []string{"--strategy", "random"}, none},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, append([]string{"bench", "--schedules", "5"}, c.args...)...)
			require.Equal(t, cmdbase.ExitOK, code, stderr)
			assert.Regexp(t, c.want, out)
			assert.Equal(t, 1, strings.Count(out, "target: "), out)
		})
	}
}

func TestBench_UsageErrorsExit2(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"zero schedules", []string{"bench", "--schedules", "0"}, "--schedules 0"},
		{"negative seconds", []string{"bench", "--seconds", "-1"}, "--seconds -1"},
		{"dfs", []string{"bench", "--strategy", "dfs"}, `--strategy "dfs"`},
		{"extra argument", []string{"bench", "x"}, "unexpected arguments"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Contains(t, stderr, c.want)
		})
	}
}

// dfsDefaults: the scenario's dfs line keeps its reduction and budget
// unless a flag or a raised bound says otherwise; dfs picked by --strategy
// prunes states and gets DefaultDFSRunBudget and the bound `migsim run`
// proves the line's pass rows at.
func TestExplore_DFSDefaults(t *testing.T) {
	dfsLine := scenario.Budget{Strategy: engine.StrategyDFS, Bound: 1, Schedules: 5000, Reduction: "states"}
	pctLine := scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 100}
	pct3Line := scenario.Budget{Strategy: engine.StrategyPCT, Schedules: 100, ProofBound: 3}
	with := func(l scenario.Budget, bound, schedules int) scenario.Budget {
		l.Strategy, l.Bound = engine.StrategyDFS, bound
		if schedules > 0 {
			l.Schedules = schedules
		}
		return l
	}
	tests := []struct {
		name          string
		line, b       scenario.Budget
		changed       []string
		wantSchedules int
		wantStates    bool
		wantBound     int
	}{
		{"the line as written", dfsLine, dfsLine, nil, 5000, true, 1},
		{"the line's bound, lowered", dfsLine, with(dfsLine, 0, 0), []string{"bound"}, 5000, true, 0},
		{"the line's bound, raised", dfsLine, with(dfsLine, 2, 0), []string{"bound"}, DefaultDFSRunBudget, true, 2},
		{"unbounded", dfsLine, with(dfsLine, -1, 0), []string{"bound"}, DefaultDFSRunBudget, true, -1},
		{"raised, with a budget", dfsLine, with(dfsLine, 2, 70), []string{"bound", "schedules"}, 70, true, 2},
		{"raised, no state pruning", dfsLine, with(dfsLine, 2, 0), []string{"bound", "states"}, DefaultDFSRunBudget, false, 2},
		{"picked by --strategy", pctLine, with(pctLine, 1, 0), []string{"strategy", "bound"}, DefaultDFSRunBudget, true, 1},
		{"picked, with a budget", pctLine, with(pctLine, 0, 70), []string{"strategy", "schedules"}, 70, true, 2},
		{"picked, states off", pctLine, with(pctLine, 0, 0), []string{"strategy", "states"}, DefaultDFSRunBudget, false, 2},
		{"picked, the line's proof bound", pct3Line, with(pct3Line, 0, 0), []string{"strategy"}, DefaultDFSRunBudget, true, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			changed := func(f string) bool { return slices.Contains(tc.changed, f) }
			b, red, states, err := dfsDefaults(tc.b, tc.line, changed, engine.ReductionSleep, false) // --states=false where changed
			require.NoError(t, err)
			assert.Equal(t, tc.wantSchedules, b.Schedules)
			assert.Equal(t, tc.wantStates, states)
			assert.Equal(t, tc.wantBound, b.Bound, "the bound")
			assert.Equal(t, engine.ReductionSleep, red)
		})
	}
}

// TestShrinkReplaysBoundsShrinking: --shrink-replays N stops shrinking
// after N replays in explore and run alike; the finding is still shrunk
// as far as it got, written, and said to be cut by the budget.
func TestShrinkReplaysBoundsShrinking(t *testing.T) {
	shrunk := regexp.MustCompile(`shrunk(?: frozen-context)?: \d+ steps?, \d+ preemptions? -> \d+ steps?, \d+ preemptions?: [^(]+\((\d+) replays?, \d+ executed\)`)
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, extra ...string) (int, string)
	}{
		{"explore", func(t *testing.T, extra ...string) (int, string) {
			if len(extra) == 0 {
				code, out, _, _ := exploreFLRShared(t, "--explain-runs", "0")
				return code, out
			}
			code, out, _ := exploreFLR(t, t.TempDir(), append([]string{"--explain-runs", "0"}, extra...)...)
			return code, out
		}},
		{"run", func(t *testing.T, extra ...string) (int, string) {
			args := append([]string{"run", "--spec", "draft-2023", "--jobs", "1", flrScenario}, extra...)
			if len(extra) == 0 {
				// TestRun_ViolationRowIsShrunkWhateverTheJobs's run with one job.
				code, out, _ := sharedCLI(args...)
				return code, out
			}
			code, out, _ := runSimCLI(t, args...)
			return code, out
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var replays []int
			for _, extra := range [][]string{nil, {"--shrink-replays", "3"}} {
				_, out := tc.run(t, extra...)
				m := shrunk.FindStringSubmatch(out)
				require.NotNil(t, m, "a shrunk finding:\n%s", out)
				n, err := strconv.Atoi(m[1])
				require.NoError(t, err)
				replays = append(replays, n)
				// A shrink its budget cut says so, and does not claim
				// that nothing smaller fails the same way.
				if extra == nil {
					assert.NotContains(t, m[0], "the replay budget ran out")
				} else {
					assert.Contains(t, m[0], "the replay budget ran out")
					assert.NotContains(t, m[0], "no smaller schedule fails the same way")
				}
			}
			assert.Greater(t, replays[0], 3, "unbounded, shrinking takes more than 3 replays")
			assert.Equal(t, 3, replays[1], "bounded at 3")
		})
	}
}

// TestExplore_MemoFlagReachesTheShrink: the shrink answers candidates that
// replay into a run it already ran from its memo (fewer runs executed than
// replays); --memo=false runs every one, under any strategy, and the
// shrink is the same.
func TestExplore_MemoFlagReachesTheShrink(t *testing.T) {
	shrunk := regexp.MustCompile(`(?m)^shrunk frozen-context: (.*) \((\d+) replays, (\d+) executed\)`)
	parse := func(out string) (string, int, int) {
		m := shrunk.FindStringSubmatch(out)
		require.NotNil(t, m, "a shrunk finding:\n%s", out)
		replays, err := strconv.Atoi(m[2])
		require.NoError(t, err)
		executed, err := strconv.Atoi(m[3])
		require.NoError(t, err)
		return m[1], replays, executed
	}
	// The explanation is left out: it is not what is compared.
	_, on, _, _ := exploreFLRShared(t, "--explain-runs", "0")
	sizesOn, replaysOn, executedOn := parse(on)
	assert.Less(t, executedOn, replaysOn, "the memo answers some candidates")
	_, off, _ := exploreFLR(t, t.TempDir(), "--memo=false", "--explain-runs", "0")
	sizesOff, replaysOff, executedOff := parse(off)
	assert.Equal(t, replaysOff, executedOff, "--memo=false runs every candidate")
	assert.Equal(t, [2]any{sizesOn, replaysOn}, [2]any{sizesOff, replaysOff}, "the same shrink")

	code, dfs, stderr := exploreFLR(t, t.TempDir(), "--strategy", "dfs", "--bound", "1", "--memo=false", "--explain-runs", "0")
	require.Equal(t, cmdbase.ExitFinding, code, "dfs takes --memo=false for its shrink: %s", stderr)
	_, replays, executed := parse(dfs)
	assert.Equal(t, replays, executed)
}

// TestExplore_ProgressNeverIsSilent: --progress never leaves stderr free
// of anything progress-like, the line that says a finding came included;
// the other modes print that line (stderr is no terminal here, so auto
// prints no status lines).
func TestExplore_ProgressNeverIsSilent(t *testing.T) {
	const banner = "a finding among the "
	cases := []struct {
		mode           string
		banner, status bool
	}{
		{"never", false, false},
		{"auto", true, false},
		{"always", true, true},
	}
	for _, c := range cases {
		t.Run(c.mode, func(t *testing.T) {
			var code int
			var out, stderr string
			if c.mode == "auto" {
				// auto is --progress's default: exploreFLRShared's run with
				// these arguments is this one (its directory aside, which
				// nothing here reads), kept with its stderr.
				code, out, stderr, _ = exploreFLRShared(t, "--explain-runs", "0")
			} else {
				code, out, stderr = exploreFLR(t, t.TempDir(), "--explain-runs", "0", "--progress", c.mode)
			}
			require.Equal(t, cmdbase.ExitFinding, code, stderr)
			assert.Contains(t, out, "finding frozen-context at schedule #")
			assert.Equal(t, c.banner, strings.Contains(stderr, banner), stderr)
			assert.Equal(t, c.status, strings.Contains(stderr, "explore: 100/100 schedules"), stderr)
			if c.mode == "never" {
				assert.Empty(t, stderr)
			}
		})
	}
}

// TestExplore_UsageHintOnlyForFlagMistakes: the usage hint follows a
// mistake in the flags, not a scenario that does not load; --reduction
// names the value, the valid ones and a near miss; the help gives
// --reduction one default and the synopsis lists --max-steps.
func TestExplore_UsageHintOnlyForFlagMistakes(t *testing.T) {
	const hint = "run 'migsim explore --help' for usage\n"
	cases := []struct {
		name string
		args []string
		want string // the whole of stderr
	}{
		{"bad reduction", []string{"explore", "--scenario", smokeScenario, "--strategy", "dfs", "--reduction", "dpr"},
			"migsim explore: --reduction: unknown reduction \"dpr\" (want sleep, dpor or none); did you mean dpor?\n" + hint},
		{"bad edition", []string{"explore", "--scenario", smokeScenario, "--spec", "1.4"},
			"migsim explore: --spec: unknown edition \"1.4\" (want draft-2023 or virtio-1.4); did you mean virtio-1.4?\n" + hint},
		{"scenario file missing", []string{"explore", "--scenario", "testdata/sim/none.scn"},
			"migsim explore: open testdata/sim/none.scn: no such file or directory\n"},
		{"scenario file does not parse", []string{"explore", "--scenario", badScenario},
			"migsim explore: " + badScenario + ":2:5: vfs lots: want a number 1..65535\n"},
		{"unknown catalog scenario", []string{"explore", "--scenario", "no-such-scenario"},
			"migsim explore: no scenario \"no-such-scenario\" among the catalog's 59 (`migsim run --list` lists them)\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, out, stderr := runSimCLI(t, c.args...)
			assert.Equal(t, cmdbase.ExitUsage, code)
			assert.Empty(t, out)
			if strings.HasPrefix(c.want, "migsim explore: no scenario") {
				ss, err := catalog.Catalog()
				require.NoError(t, err)
				c.want = strings.Replace(c.want, "59", strconv.Itoa(len(ss)), 1)
			}
			assert.Equal(t, c.want, stderr)
		})
	}
	_, help, _ := runSimCLI(t, "explore", "--help")
	assert.Contains(t, help, "[--max-steps N]")
	for _, l := range strings.Split(help, "\n") {
		if strings.Contains(l, "--reduction string") {
			assert.Equal(t, 1, strings.Count(l, "default"), l)
		}
	}
}
