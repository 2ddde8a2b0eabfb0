package catalog

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// judgeFLRScenario is a copy of the FLR-during-freeze question: under
// draft-2023 with flr-vs-mode=complete-anyway and mode-after-flr=keep the
// FLR completes inside Freeze and the frozen-context oracle fires. Its
// virtio-1.4 row says n/a although the default virtio-1.4 flow runs it (and
// stops on the guest's FLR: vf-reset, not an operation the edition lacks):
// a checked n/a that does not hold. A scenario states each row once, so
// the deliberately wrong pass row of the complete-anyway knobs is built
// in code (wrongFLRRow).
const judgeFLRScenario = `scenario judge-flr-freeze
question 1
vfs 1
set hv-await=ready

guest vcpu0
  probe
  write sector=0 count=4 pattern=0x11
  signal ready
  flr
  probe
  write sector=4 count=4 pattern=0x22
  read sector=0 count=8

expect draft-2023 pass
expect draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep violation frozen-context
expect virtio-1.4 n/a freeze -- wrong: the default virtio-1.4 flow runs
explore strategy=pct schedules=300 depth=3 seed=1
`

// judgeSmokeScenario migrates a guest that writes and reads back.
const judgeSmokeScenario = `scenario judge-smoke
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0xa1
  read sector=0 count=2
expect draft-2023 pass
expect virtio-1.4 pass
explore strategy=random schedules=20 seed=3
`

// shortShrink bounds the shrinking of a judged row's finding under -short
// (the race detector's run, where shrinking the FLR scenario's finding
// costs most of a judged row): the tests that use it check verdicts, jobs,
// the memo and oracle sets, which do not depend on how far shrinking got.
func shortShrink() engine.ShrinkConfig {
	if testing.Short() {
		return engine.ShrinkConfig{MaxReplays: 200}
	}
	return engine.ShrinkConfig{}
}

// shortRuns caps every exploration of a judged row under -short: the
// race detector's run, where a judged FLR row costs seconds, while the
// tests that use it check verdicts, jobs, the memo and oracle sets, which
// the first schedules already show (the FLR row's violation comes at
// schedule 5 of its pct round and 0 of its random one). Without -short the
// rows explore their whole budgets.
func shortRuns() int {
	if testing.Short() {
		return 40
	}
	return 0
}

// writeScenario stores src under a temporary directory and loads it from
// there, so schedules recorded from it name a file that exists.
// continuedRun runs s under draft-2023 with its defaults, seed 1, each
// actor continued until it blocks (continueChooser): the run the
// schedule-file tests record and edit.
func continuedRun(t *testing.T, s *scenario.Scenario) (Target, engine.Result) {
	t.Helper()
	tg, err := NewTarget(s, spec.Draft2023, nil, nil)
	require.NoError(t, err)
	f, err := tg.Factory(1)
	require.NoError(t, err)
	res, err := engine.Run(f, 1, continueChooser{}, engine.RunConfig{MaxSteps: DefaultJudgeMaxSteps})
	require.NoError(t, err)
	return tg, res
}

func writeScenario(t *testing.T, name, src string) *scenario.Scenario {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	s, err := LoadScenarioFile(p)
	require.NoError(t, err)
	return s
}

func TestJudge_VerdictOf(t *testing.T) {
	cases := []struct {
		name    string
		finding *engine.Finding
		verdict scenario.Verdict
		oracle  string
	}{
		{"no finding is pass", nil, scenario.VerdictPass, ""},
		{"an oracle is a violation", &engine.Finding{Oracle: "frozen-context"}, scenario.VerdictViolation, "frozen-context"},
		{"a named flow error is an error", &engine.Finding{Oracle: "error:EINVAL/INVALID_FIELD"}, scenario.VerdictError, "EINVAL/INVALID_FIELD"},
		{"owner reset", &engine.Finding{Oracle: "error:owner-reset"}, scenario.VerdictError, "owner-reset"},
		{"live is a violation", &engine.Finding{Oracle: engine.OracleLive}, scenario.VerdictViolation, engine.OracleLive},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			v, o := VerdictOf(c.finding)
			assert.Equal(t, c.verdict, v)
			assert.Equal(t, c.oracle, o)
		})
	}
}

func TestJudge_BudgetFor(t *testing.T) {
	s, err := scenario.ParseScenario("b.scn", []byte(`scenario b
guest vcpu0
  probe
explore strategy=pct schedules=70
explore edition=virtio-1.4 strategy=dfs schedules=9 bound=2
`))
	require.NoError(t, err)
	none, err := scenario.ParseScenario("n.scn", []byte("scenario n\nguest vcpu0\n  probe\n"))
	require.NoError(t, err)
	cases := []struct {
		name     string
		s        *scenario.Scenario
		ed       spec.Edition
		strategy string
		n, bound int
	}{
		{"edition line wins", s, spec.Virtio14, engine.StrategyDFS, 9, 2},
		{"line for every edition", s, spec.Draft2023, engine.StrategyPCT, 70, 0},
		{"no explore line: default", none, spec.Draft2023, scenario.DefaultBudget.Strategy, scenario.DefaultBudget.Schedules, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := c.s.BudgetFor(c.ed)
			assert.Equal(t, c.strategy, b.Strategy)
			assert.Equal(t, c.n, b.Schedules)
			assert.Equal(t, c.bound, b.Bound)
		})
	}
}

// wrongFLRRow is judgeFLRScenario's violation row expected to pass: a
// wrong expectation.
func wrongFLRRow(s *scenario.Scenario) scenario.Expectation {
	e := s.Expect[1]
	e.Verdict, e.Oracle, e.Note = scenario.VerdictPass, "", "deliberately wrong"
	return e
}

func TestJudge_Expectations(t *testing.T) {
	s := flrScenario(t)
	require.Len(t, s.Expect, 3)
	cases := []struct {
		name    string
		expect  scenario.Expectation
		got     scenario.Verdict
		oracle  string
		match   bool
		shrunk  bool
		explore bool
	}{
		{"default knobs pass", s.Expect[0], scenario.VerdictPass, "", true, false, true},
		{"complete-anyway finds frozen-context", s.Expect[1], scenario.VerdictViolation, "frozen-context", true, true, true},
		{"a wrong expectation does not match", wrongFLRRow(s), scenario.VerdictViolation, "frozen-context", false, true, true},
		{"an n/a row that runs is a mismatch", s.Expect[2], scenario.VerdictError, "vf-reset", false, false, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := judgeFLR(t, c.expect, JudgeConfig{Jobs: 2, MaxRuns: shortRuns(), Shrink: shortShrink()})
			assert.Equal(t, c.got, o.Got)
			assert.Equal(t, c.oracle, o.GotOracle)
			assert.Equal(t, c.match, o.Match)
			assert.Empty(t, o.Defect)
			assert.Equal(t, c.shrunk, o.Shrunk != nil)
			assert.Equal(t, c.shrunk, o.Schedule != nil)
			assert.Equal(t, c.explore, o.Explored.Schedules > 0)
			if c.explore && o.Finding == nil {
				want := s.BudgetFor(c.expect.Edition).Schedules
				if n := shortRuns(); n > 0 {
					want = min(want, n)
				}
				assert.Equal(t, want, o.Explored.Schedules, "a pass explores the whole budget")
			}
		})
	}
}

// TestJudge_ShrunkScheduleReplays: the shrunk schedule of a violation row
// names its knobs and scenario, is written where WriteRegress says, and
// replays to the same oracle. Under -short (the race detector's run) the
// row explores shortRuns schedules and shrinks shortShrink replays: the
// violation comes at schedule 5 of the pct round, and a partly shrunk
// schedule is still one the checks below apply to.
func TestJudge_ShrunkScheduleReplays(t *testing.T) {
	s := flrScenario(t)
	o := judgeFLR(t, s.Expect[1], JudgeConfig{MaxRuns: shortRuns(), Shrink: shortShrink()})
	require.NotNil(t, o.Schedule)
	require.NotNil(t, o.Shrunk)
	assert.LessOrEqual(t, o.Shrunk.After.Steps, o.Shrunk.Before.Steps)
	assert.Equal(t, []string{"flr-vs-mode=complete-anyway", "mode-after-flr=keep"}, o.Schedule.Knobs)
	assert.Equal(t, s.File, o.Schedule.ScenarioFile, "a scenario outside the catalog is found again by its path")
	assert.Equal(t, scenario.RunHash(s), o.Schedule.ScenarioHash)

	p, err := o.WriteRegress(t.TempDir())
	require.NoError(t, err)
	assert.Equal(t, "judge-flr-freeze_draft-2023_flr-vs-mode=complete-anyway_mode-after-flr=keep.json", filepath.Base(p))
	sc, err := ReadScheduleFile(p)
	require.NoError(t, err)
	res, err := ReplaySchedule(sc, engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.Equal(t, "frozen-context", res.Finding.Oracle)
	assert.Equal(t, sc.TraceHash, engine.FormatHash(res.TraceHash))
}

// The outcomes of jobs 1 and 2 are judgeFLR's, shared with
// TestMemo_JudgeSameOutcome and TestJudge_Expectations.
func TestJudge_JobsDoNotChangeTheOutcome(t *testing.T) {
	s := flrScenario(t)
	type key struct {
		hash, explored string
		index          int
		shrunk         engine.Size
	}
	var got []key
	for _, jobs := range []int{1, 2, 4} {
		o := judgeFLR(t, s.Expect[1], JudgeConfig{Jobs: jobs, MaxRuns: shortRuns(), Shrink: shortShrink()})
		require.NotNil(t, o.Schedule)
		got = append(got, key{o.Schedule.TraceHash, o.ExploredText(), o.FindingIndex, o.Shrunk.After})
	}
	assert.Equal(t, []key{got[0], got[0], got[0]}, got)
}

// TestJudge_JobsDoNotChangeAPassRowsProof: a pass row's proof (dfs with
// state pruning, jobs sharing the states explored) says the same whatever
// the jobs. Under -short (the race detector's run) every exploration of
// the row is capped at shortRuns: the proof still runs dfs with state
// pruning on two jobs, and still leaves its bound unexhausted, so the
// fallback runs too. Without -short the outcomes are judgeFLR's, shared
// with TestMemo_JudgeSameOutcome (1 job) and TestJudge_Expectations (2).
func TestJudge_JobsDoNotChangeAPassRowsProof(t *testing.T) {
	s := flrScenario(t)
	var got []string
	for _, jobs := range []int{1, 2} {
		o := judgeFLR(t, s.Expect[0], JudgeConfig{Jobs: jobs, MaxRuns: shortRuns()})
		assert.True(t, o.Match, o.Mismatch)
		require.Len(t, o.Runs, 4, "the sampling, its cross-check, the proof and its fallback to bound 0")
		assert.Equal(t, "dfs", o.Runs[2].Budget.Strategy, "the pass row has a proof")
		got = append(got, o.ExploredText())
	}
	assert.Equal(t, got[0], got[1])
}

// TestRowBudgets: every row is explored under its line's budget, then under
// the other sampling strategy; a sampling line lists the proof too (dfs at
// bound 2 with state pruning under the line's proof budget), whatever the
// row expects.
func TestRowBudgets(t *testing.T) {
	pct := scenario.Budget{Strategy: "pct", Schedules: 100, Depth: 3, Seed: 5, Line: 9, Proof: 700}
	random := scenario.Budget{Strategy: "random", Schedules: 20, Depth: 3, Seed: 1, Proof: scenario.DefaultProofRuns}
	dfs := scenario.Budget{Strategy: "dfs", Schedules: 5000, Bound: 2, Depth: 3, Seed: 1, Reduction: "states"}
	noProof := pct
	noProof.Proof = 0
	bound3 := pct
	bound3.ProofBound = 3
	proof := func(b scenario.Budget) scenario.Budget {
		return scenario.Budget{Strategy: "dfs", Schedules: b.Proof, Bound: 2, Depth: b.Depth, Seed: b.Seed, Line: b.Line, Reduction: "states"}
	}
	asRandom := scenario.Budget{Strategy: "random", Schedules: 100, Depth: 3, Seed: 5, Line: 9}
	asPCT := scenario.Budget{Strategy: "pct", Schedules: 20, Depth: 3, Seed: 1}
	cases := []struct {
		name string
		b    scenario.Budget
		want []scenario.Budget // after the line's own budget
	}{
		{"pct line", pct, []scenario.Budget{asRandom, proof(pct)}},
		{"pct line with proof-bound=3", bound3, []scenario.Budget{asRandom, {Strategy: "dfs", Schedules: 700, Bound: 3, Depth: 3, Seed: 5, Line: 9, Reduction: "states"}}},
		{"random line: pct too, which reaches narrow windows random seldom does", random, []scenario.Budget{asPCT, proof(random)}},
		{"proof=0", noProof, []scenario.Budget{asRandom}},
		{"dfs line", dfs, []scenario.Budget{{Strategy: "pct", Schedules: DefaultCrossSchedules, Depth: 3, Seed: 1}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got := RowBudgets(c.b)
			require.NotEmpty(t, got)
			assert.Equal(t, c.b, got[0], "the scenario's own budget comes first")
			assert.Equal(t, c.want, got[1:])
			proof, ok := ProofBudget(c.b)
			assert.Equal(t, ok, got[len(got)-1].Strategy == "dfs" && c.b.Strategy != "dfs", "ProofBudget names the proof RowBudgets ends with")
			if ok {
				assert.Equal(t, got[len(got)-1], proof)
			}
		})
	}
}

func TestJudge_SameSeedSameTraceHash(t *testing.T) {
	s := writeScenario(t, "flr.scn", judgeFLRScenario)
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			tg, err := NewTarget(s, ed, nil, nil)
			require.NoError(t, err)
			f, err := tg.Factory(engine.ScheduleSeed(1, 0))
			require.NoError(t, err)
			var hashes []uint64
			for range 2 {
				seed := engine.ScheduleSeed(1, 7)
				res, err := engine.Run(f, seed, engine.NewPCT(engine.NewStream(seed, engine.StreamSchedule), 3, 100), engine.RunConfig{MaxSteps: DefaultJudgeMaxSteps})
				require.NoError(t, err)
				require.Positive(t, res.Steps())
				hashes = append(hashes, res.TraceHash)
			}
			assert.Equal(t, hashes[0], hashes[1])
		})
	}
}

// A wrong operation is refused when the scenario loads, with its position,
// and Judge refuses a scenario that was parsed but never checked: no
// verdict is produced for it.
func TestJudge_ScenarioErrorRefusedBeforeAnyRun(t *testing.T) {
	src := `scenario judge-bad-op
guest vcpu0
  probe
  frobnicate x=1
expect draft-2023 violation transparent
explore strategy=random schedules=3
`
	p := filepath.Join(t.TempDir(), "bad.scn")
	require.NoError(t, os.WriteFile(p, []byte(src), 0o644))
	_, err := LoadScenarioFile(p)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.scn:4:3: unknown guest operation frobnicate")
	var ce *scenario.CheckError
	assert.ErrorAs(t, err, &ce)

	s, err := scenario.ParseScenario("bad.scn", []byte(src))
	require.NoError(t, err, "the syntax is fine")
	o, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.scn:4:3: unknown guest operation frobnicate")
	assert.Zero(t, o.Got, "no verdict")
}

func TestJudge_SmokePassesBothEditions(t *testing.T) {
	s := writeScenario(t, "smoke.scn", judgeSmokeScenario)
	for _, e := range s.Expect {
		t.Run(e.Edition.String(), func(t *testing.T) {
			o, err := Judge(context.Background(), s, e, JudgeConfig{})
			require.NoError(t, err)
			assert.True(t, o.Match, "got %s: %v", VerdictText(o.Got, o.GotOracle), o.Finding)
			// The sampling, the other sampling strategy, then the pass
			// row's proof under the default proof budget (this small world
			// needs more to exhaust bound 2). The proof did not exhaust its
			// bound, so the same budget searches bound 0 too, and the text
			// says how far that got.
			assert.Regexp(t, `^random 20 schedules; pct 20 schedules; bound 2 not exhausted: run budget of 100 spent, \d+ interleavings.*; (exhaustive bound 0: \d+ interleavings|bound 0 not exhausted: run budget of 100 spent)`, o.ExploredText())
			require.Len(t, o.Runs, 4)
			assert.Equal(t, "pct", o.Runs[1].Budget.Strategy, "the cross-check")
			proof := scenario.Budget{Strategy: "dfs", Schedules: scenario.DefaultProofRuns, Bound: scenario.DefaultProofBound,
				Depth: 3, Seed: 3, Line: o.Budget.Line, Reduction: "states"}
			assert.Equal(t, proof, o.Runs[2].Budget)
			proof.Bound = FallbackBound
			assert.Equal(t, proof, o.Runs[3].Budget, "the fallback: the proof's budget at bound 0")
		})
	}
}

// TestJudge_RowProof: an expect line's own proof= is that row's proof run
// budget, and its edition's other rows keep their explore line's (the
// sibling row here is the same world under the other edition, so only the
// budget differs).
func TestJudge_RowProof(t *testing.T) {
	src := strings.Replace(judgeSmokeScenario, "expect virtio-1.4 pass\n", "expect virtio-1.4 proof=37 pass\n", 1)
	s := writeScenario(t, "row-proof.scn", src)
	require.Equal(t, 37, s.Expect[1].Proof)
	for i, want := range []int{scenario.DefaultProofRuns, 37} {
		o, err := Judge(context.Background(), s, s.Expect[i], JudgeConfig{})
		require.NoError(t, err)
		assert.True(t, o.Match)
		require.Len(t, o.Runs, 4)
		assert.Equal(t, want, o.Runs[2].Budget.Schedules, "row %d's proof budget", i)
		assert.Equal(t, want, o.Runs[3].Budget.Schedules, "row %d's fallback has the proof's budget", i)
		assert.Regexp(t, fmt.Sprintf(`; bound 2 not exhausted: run budget of %d spent`, want), o.ExploredText())
	}
}

// TestJudge_RowBudgetCaps: a row is judged with its own proof= where it
// has one, raised by ProofRuns, and MaxRuns caps the line's and the row's
// budgets alike (the conformance kit's --schedules, -short tests).
func TestJudge_RowBudgetCaps(t *testing.T) {
	s, err := scenario.ParseScenario("caps.scn", []byte("scenario caps\n"+
		"expect draft-2023 pass\nexpect draft-2023 proof=9000 pass\nexpect draft-2023 violation live\n"+
		"explore strategy=pct schedules=300 proof=700\n"))
	require.NoError(t, err)
	for _, c := range []struct {
		name            string
		row             int
		cfg             JudgeConfig
		schedules, runs int
	}{
		{"the line's", 0, JudgeConfig{}, 300, 700},
		{"the row's own", 1, JudgeConfig{}, 300, 9000},
		{"raised", 1, JudgeConfig{ProofRuns: 12000}, 300, 12000},
		{"the row's own, capped", 1, JudgeConfig{MaxRuns: 10}, 10, 10},
		{"raised, then capped", 0, JudgeConfig{ProofRuns: 12000, MaxRuns: 50}, 50, 50},
		{"a violation row's proof is raised too", 2, JudgeConfig{ProofRuns: 12000}, 300, 12000},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := c.cfg.rowBudget(s, s.Expect[c.row])
			assert.Equal(t, []int{c.schedules, c.runs}, []int{b.Schedules, b.Proof})
		})
	}
}

func TestJudge_SettingsParse(t *testing.T) {
	cases := []struct {
		name string
		in   []string
		want []scenario.Arg
		err  string
	}{
		{"empty", nil, nil, ""},
		{"pairs", []string{"stop-phase=false", "capacity=4096"}, []scenario.Arg{{Key: "stop-phase", Value: "false"}, {Key: "capacity", Value: "4096"}}, ""},
		{"empty value", []string{"k="}, []scenario.Arg{{Key: "k", Value: ""}}, ""},
		{"no equals", []string{"a=1", "bare"}, nil, `setting 1 "bare": want key=value`},
		{"no key", []string{"=1"}, nil, `setting 0 "=1": want key=value`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := ParseSettings(c.in)
			if c.err != "" {
				assert.EqualError(t, err, c.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, c.want, got)
			assert.Equal(t, len(c.in), len(SettingStrings(got)))
		})
	}
}

// naScenario freezes the source: virtio-1.4 has no Freeze.
const naScenario = `scenario judge-na
vfs 1
guest vcpu0
  probe
  signal ready
hypervisor
  await ready
  mode src stop
  mode src freeze
  mode src active
expect virtio-1.4 n/a stop -- the first mode word virtio-1.4 lacks
expect draft-2023 n/a stop -- wrong: draft-2023 has Stop
explore strategy=random schedules=5 seed=1
`

// TestJudge_NAIsChecked: an n/a row is run once under its edition; it
// matches only when the flow stops on the operation the row names. A
// scenario states each row once: the virtio-1.4 row's wrong variants (the
// wrong operation, none) are built in code.
func TestJudge_NAIsChecked(t *testing.T) {
	s := writeScenario(t, "na.scn", naScenario)
	require.Len(t, s.Expect, 2)
	variant := func(oracle, note string) scenario.Expectation {
		e := s.Expect[0]
		e.Oracle, e.Note = oracle, note
		return e
	}
	// got is what the row got (GOT and ORACLE, JSON's got and oracle): the
	// word the run stopped on, whatever the row expects.
	cases := []struct {
		row      scenario.Expectation
		match    bool
		mismatch string
		got      string
	}{
		{s.Expect[0], true, "", "n/a stop"},
		{variant("freeze", "wrong: the flow stops on stop first"), false, "n/a freeze, but the run stops because virtio-1.4 has no stop", "n/a stop"},
		{variant("", "no reason given"), false, "n/a states no reason", "n/a stop"},
		{s.Expect[1], false, "the row runs under draft-2023", "pass"},
	}
	for i, c := range cases {
		o, err := Judge(context.Background(), s, c.row, JudgeConfig{})
		require.NoError(t, err)
		assert.Equal(t, c.match, o.Match, "row %d: %s", i, o.Mismatch)
		assert.Equal(t, c.got, o.GotText(), "row %d", i)
		if c.mismatch != "" {
			assert.Contains(t, o.Mismatch, c.mismatch)
		} else {
			assert.Empty(t, o.Mismatch)
			assert.Equal(t, "checked: virtio-1.4 has no stop (mode src stop)", o.ExploredText())
		}
	}
}

// TestJudge_KeepsExploringAfterTheExpectedFinding: a row that expects one
// violation does not match when another oracle fires too, in any schedule
// of either exploration (here a device that reads guest memory on a
// doorbell while stopped, on a row that expects transparent).
func TestJudge_KeepsExploringAfterTheExpectedFinding(t *testing.T) {
	s, err := CatalogScenario("retry-without-discard")
	require.NoError(t, err)
	m, ok := mutants.Lookup("prefetch-when-stopped")
	require.True(t, ok)
	e := s.Expect[0]
	require.Equal(t, "transparent", e.Oracle)
	o, err := Judge(context.Background(), s, e, JudgeConfig{Member: m.Factory(blk.New)})
	require.NoError(t, err)
	assert.False(t, o.Match)
	assert.Contains(t, o.Mismatch, "found no-dma-when-stopped besides transparent")
	require.Len(t, o.Runs, 2)
	assert.Equal(t, []string{"random", "pct"}, []string{o.Runs[0].Budget.Strategy, o.Runs[1].Budget.Strategy})
}

// TestJudge_ProofRunsRaisesTheProof: JudgeConfig.ProofRuns (migsim run
// --proof-runs) raises every row's proof budget, and the row the default
// budget leaves unexhausted is proved; larger budgets are left alone. The
// row under the default budget is judgeFLR's, shared with
// TestJudge_Expectations and TestJudge_JobsDoNotChangeAPassRowsProof (2
// jobs; the jobs do not change what a pass row explores).
func TestJudge_ProofRunsRaisesTheProof(t *testing.T) {
	if !testing.Short() { // the race run (-short) keeps the table below: two judged rows cost it ~25 s
		s := flrScenario(t)
		e := s.Expect[0]
		require.Equal(t, scenario.VerdictPass, e.Verdict)
		o := judgeFLR(t, e, JudgeConfig{Jobs: 2})
		assert.Regexp(t, `; bound 2 not exhausted: run budget of 100 spent`, o.ExploredText())
		o, err := Judge(context.Background(), s, e, JudgeConfig{ProofRuns: 5000})
		require.NoError(t, err)
		assert.True(t, o.Match)
		require.Len(t, o.Runs, 3, "an exhausted proof has no fallback")
		assert.Equal(t, 5000, o.Runs[2].Budget.Schedules)
		assert.Regexp(t, `^pct 300 schedules; random 300 schedules; exhaustive bound 2: \d+ interleavings[^;]*$`, o.ExploredText())
	}

	pct := scenario.Budget{Strategy: "pct", Schedules: 100, Depth: 3, Seed: 1, Proof: 700}
	dfs := scenario.Budget{Strategy: "dfs", Schedules: 5000, Bound: 2, Seed: 1}
	unbounded := dfs
	unbounded.Bound = -1
	with := func(b scenario.Budget, f func(*scenario.Budget)) scenario.Budget { f(&b); return b }
	for _, c := range []struct {
		name          string
		runs, require int
		b             scenario.Budget
		want          scenario.Budget
	}{
		{"off", 0, 0, pct, pct},
		{"raises a sampling line's proof", 900, 0, pct, with(pct, func(b *scenario.Budget) { b.Proof = 900 })},
		{"never lowers it", 500, 0, pct, pct},
		{"a dfs line's run budget", 8000, 0, dfs, with(dfs, func(b *scenario.Budget) { b.Schedules = 8000 })},
		// RequireProof (--require-proof) raises the bound a proof searches.
		{"a sampling line's proof bound", 0, 3, pct, with(pct, func(b *scenario.Budget) { b.ProofBound = 3 })},
		{"the default proof bound is kept", 0, 2, pct, with(pct, func(b *scenario.Budget) { b.ProofBound = scenario.DefaultProofBound })},
		{"a higher proof-bound= is kept", 0, 2, with(pct, func(b *scenario.Budget) { b.ProofBound = 4 }), with(pct, func(b *scenario.Budget) { b.ProofBound = 4 })},
		{"a dfs line's bound", 0, 3, dfs, with(dfs, func(b *scenario.Budget) { b.Bound = 3 })},
		{"an unbounded dfs line stays unbounded", 0, 3, unbounded, unbounded},
		{"both", 8000, 3, dfs, with(dfs, func(b *scenario.Budget) { b.Schedules, b.Bound = 8000, 3 })},
	} {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, JudgeConfig{ProofRuns: c.runs, RequireProof: c.require}.withProofRuns(c.b))
		})
	}
}

// TestCheckScenario_RowProofBuiltInCode: a scenario built or edited in code
// (no columns) is checked for its rows' own proofs like a parsed one.
func TestCheckScenario_RowProofBuiltInCode(t *testing.T) {
	base, err := scenario.ParseScenario("built.scn", []byte(judgeSmokeScenario))
	require.NoError(t, err)
	for _, c := range []struct {
		name string
		edit func(s *scenario.Scenario)
		want string
	}{
		{"a pass row's own proof", func(s *scenario.Scenario) { s.Expect[0].Proof = 500 }, ""},
		{"on a violation row", func(s *scenario.Scenario) {
			s.Expect[0].Verdict, s.Expect[0].Oracle, s.Expect[0].ProofBound = scenario.VerdictViolation, "transparent", 3
		}, "a violation row is cross-checked instead"},
		{"under a dfs line", func(s *scenario.Scenario) {
			s.Explore[0] = scenario.Budget{Strategy: "dfs", Schedules: 5, Bound: 2, Seed: 1, Line: s.Explore[0].Line}
			s.Expect[1].Proof = 500
		}, "the virtio-1.4 rows' explore line is dfs"},
		{"a bound alone where the line proves nothing", func(s *scenario.Scenario) {
			s.Explore[0].Proof, s.Expect[0].ProofBound = 0, 3
		}, "the draft-2023 rows' explore line has proof=0"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := base.Clone()
			c.edit(s)
			err := CheckScenario(s)
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// TestFallbackSearch: only a pass row's dfs search that neither exhausted
// its bound nor found anything falls back, to bound 0 with its own budget.
func TestFallbackSearch(t *testing.T) {
	proof := scenario.Budget{Strategy: "dfs", Schedules: 100, Bound: 2, Seed: 1, Reduction: "states"}
	at0 := proof
	at0.Bound = FallbackBound
	found := engine.Summary{Findings: []engine.Report{{}}}
	tests := []struct {
		name string
		b    scenario.Budget
		sum  engine.Summary
		want bool
	}{
		{"budget spent", proof, engine.Summary{}, true},
		{"exhausted", proof, engine.Summary{Complete: true}, false},
		{"a finding", proof, found, false},
		{"already at bound 0", at0, engine.Summary{}, false},
		{"unbounded", scenario.Budget{Strategy: "dfs", Schedules: 100, Bound: -1}, engine.Summary{}, false},
		{"sampling", scenario.Budget{Strategy: "pct", Schedules: 100}, engine.Summary{}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := fallbackSearch(tc.b, tc.sum)
			assert.Equal(t, tc.want, ok)
			if tc.want {
				assert.Equal(t, at0, got)
			}
		})
	}
}

// TestJudge_NoFallback: JudgeConfig.NoFallback (the conformance kit's)
// leaves the bound-0 search out after a proof that did not exhaust.
func TestJudge_NoFallback(t *testing.T) {
	s := writeScenario(t, "smoke.scn", judgeSmokeScenario)
	o, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{NoFallback: true})
	require.NoError(t, err)
	assert.True(t, o.Match)
	require.Len(t, o.Runs, 3, "the sampling, its cross-check and the proof")
	assert.NotContains(t, o.ExploredText(), "bound 0")
}

// peerKickRaceScenario: a peer rings the doorbell of a request the guest
// posted and never kicked. Under draft-2023 a doorbell that reaches the
// member between its Freeze and its resume is lost to the guest; random
// sampling of this line almost never puts it there, pct does at once.
const peerKickRaceScenario = `scenario peer-kick-race
title A peer rings the guest's doorbell while the migration runs
vfs 1
set hv-await=ready

guest vcpu0
  probe
  post write sector=0 count=2 pattern=0x33
  signal ready
  wait
  read sector=0 count=2

peer p2p
  await ready
  kick vf=1 q=0

expect draft-2023 pass
explore strategy=random schedules=50 seed=1
`

// TestJudge_PassRowCrossChecked: a pass row of a random line is sampled
// with pct too, which finds the narrow race random sampling misses, so the
// row does not pass on random's word and a proof that ran out of budget.
// A sampling that found something is followed by no proof, whatever the
// row expects.
func TestJudge_PassRowCrossChecked(t *testing.T) {
	s := writeScenario(t, "peer-kick-race.scn", peerKickRaceScenario)
	o, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{Jobs: 1, Shrink: shortShrink()})
	require.NoError(t, err)
	require.Len(t, o.Runs, 2)
	assert.Equal(t, []string{"random", "pct"}, []string{o.Runs[0].Budget.Strategy, o.Runs[1].Budget.Strategy})
	assert.Empty(t, o.Runs[0].Explored.Findings, "random sampling misses the window")
	require.NotEmpty(t, o.Runs[1].Explored.Findings, "pct finds it")
	assert.False(t, o.Match)
	assert.Equal(t, scenario.VerdictViolation, o.Got)
	assert.Equal(t, "transparent", o.GotOracle)
	assert.Equal(t, 1, o.FindingRun)
	assert.Contains(t, o.Mismatch, "pct 50: found transparent")
}
