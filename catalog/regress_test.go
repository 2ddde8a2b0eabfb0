package catalog

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// regressDir is RegressDir seen from the package directory.
const regressDir = "testdata/regress"

// regressFiles lists the regression schedules.
func regressFiles(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(regressDir, "*.json"))
	require.NoError(t, err)
	sort.Strings(files)
	return files
}

// catalogCounterexamples returns, by regression file name, every catalog
// expectation whose verdict is a violation or an error: each needs a shrunk
// schedule under testdata/regress.
func catalogCounterexamples(t *testing.T) map[string]struct {
	s *scenario.Scenario
	e scenario.Expectation
} {
	t.Helper()
	ss, err := Catalog()
	require.NoError(t, err)
	out := map[string]struct {
		s *scenario.Scenario
		e scenario.Expectation
	}{}
	for _, s := range ss {
		for _, e := range s.Expect {
			if e.Verdict != scenario.VerdictViolation && e.Verdict != scenario.VerdictError {
				continue
			}
			rules, err := spec.ParseRules(e.Edition, e.Knobs)
			require.NoError(t, err, "%s:%d", s.File, e.Line)
			name := RegressName(s.Name, e.Edition, rules.Diff(e.Edition), SettingStrings(e.Settings))
			out[name] = struct {
				s *scenario.Scenario
				e scenario.Expectation
			}{s, e}
		}
	}
	return out
}

// TestRegress_Rewrite regenerates the regression schedules when -rewrite is
// given; otherwise it checks that the directory holds exactly one schedule
// per counterexample row of the catalog.
func TestRegress_Rewrite(t *testing.T) {
	want := catalogCounterexamples(t)
	if golden.Rewrite() {
		require.NoError(t, os.MkdirAll(regressDir, 0o755))
		for _, f := range regressFiles(t) {
			require.NoError(t, os.Remove(f))
		}
		names := make([]string, 0, len(want))
		for n := range want {
			names = append(names, n)
		}
		sort.Strings(names)
		for _, n := range names {
			c := want[n]
			o, err := Judge(context.Background(), c.s, c.e, JudgeConfig{})
			require.NoError(t, err)
			require.True(t, o.Match, "%s:%d: expected %s, got %s", c.s.File, c.e.Line,
				VerdictText(o.Expected, o.ExpectedOracle), VerdictText(o.Got, o.GotOracle))
			p, err := o.WriteRegress(regressDir)
			require.NoError(t, err)
			assert.Equal(t, n, filepath.Base(p))
		}
	}
	var have []string
	for _, f := range regressFiles(t) {
		have = append(have, filepath.Base(f))
	}
	var missing, orphan []string
	for n := range want {
		if _, err := os.Stat(filepath.Join(regressDir, n)); err != nil {
			missing = append(missing, n)
		}
	}
	for _, n := range have {
		if _, ok := want[n]; !ok {
			orphan = append(orphan, n)
		}
	}
	sort.Strings(missing)
	assert.Empty(t, missing, "counterexample rows without a regression schedule; regenerate with %s (or go test ./catalog -run TestRegress_Rewrite -rewrite)", RegenerateCommand)
	assert.Empty(t, orphan, "regression schedules for no catalog counterexample row; regenerate with %s", RegenerateCommand)
}

// TestRegress_Replay replays every regression schedule: the scenario
// (looked up in the catalog by name) must be unchanged, and the run must end
// in the recorded finding with the recorded trace hash. The replay is
// replayedRegress's, which the other tests of the regression files share.
func TestRegress_Replay(t *testing.T) {
	files := regressFiles(t)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			r := replayedRegress(t, f)
			require.NoError(t, r.readErr)
			sc := r.sc
			require.Empty(t, sc.ScenarioFile, "a regression schedule must come from the embedded catalog")
			_, err := ScheduleScenario(sc)
			if errors.Is(err, ErrStale) {
				require.Failf(t, "stale regression schedule", "%s: %v", f, err)
			}
			require.NoError(t, err)
			require.NoError(t, r.replayErr)
			res := r.res
			require.NotNil(t, sc.Finding, "a regression schedule records its finding")
			require.NotNil(t, res.Finding)
			assert.Equal(t, sc.Finding.Oracle, res.Finding.Oracle)
			assert.Equal(t, sc.TraceHash, engine.FormatHash(res.TraceHash))
		})
	}
}

func TestRegress_Name(t *testing.T) {
	cases := []struct {
		name     string
		scenario string
		ed       spec.Edition
		knobs    []string
		settings []string
		want     string
	}{
		{"defaults", "flr-during-freeze", spec.Virtio14, nil, nil, "flr-during-freeze_virtio-1.4.json"},
		{"knob", "flr-during-freeze", spec.Draft2023, []string{"flr-vs-mode=complete-anyway"}, nil,
			"flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway.json"},
		{"setting", "peer-kick", spec.Draft2023, []string{"freeze-notify=latch"}, []string{"stop-phase=no"},
			"peer-kick_draft-2023_freeze-notify=latch_set-stop-phase=no.json"},
		{"unsafe characters", "a/b", spec.Draft2023, nil, []string{"path=x y"}, "a-b_draft-2023_set-path=x-y.json"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, RegressName(c.scenario, c.ed, c.knobs, c.settings))
		})
	}
}

func TestRegress_StaleScheduleIsRefused(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, res := continuedRun(t, s)
	sc := tg.Schedule(engine.StrategyRandom, 1, 0, res)
	require.Empty(t, sc.ScenarioFile, "catalog scenarios are found by name")

	got, err := ReplaySchedule(sc, engine.RunConfig{})
	require.NoError(t, err, "an unchanged schedule replays")
	assert.Equal(t, res.TraceHash, got.TraceHash)

	sc.ScenarioHash = "0000000000000000"
	_, err = ReplaySchedule(sc, engine.RunConfig{})
	require.ErrorIs(t, err, ErrStale)
	assert.Contains(t, err.Error(), RegenerateCommand)
	assert.Contains(t, err.Error(), "explore again for a fresh schedule: migsim explore --scenario smoke-migrate --spec draft-2023")
	assert.Contains(t, err.Error(), fmt.Sprintf(" --strategy %s --seed %d", sc.Strategy, sc.BaseSeed), "the exploration the schedule came from")

	dfs := *sc
	dfs.Strategy = engine.StrategyDFS
	_, err = ReplaySchedule(&dfs, engine.RunConfig{})
	require.ErrorIs(t, err, ErrStale)
	assert.Contains(t, err.Error(), fmt.Sprintf(" --strategy dfs --seed %d (with the --bound it was found at", sc.BaseSeed),
		"the note on the bound follows the command, outside it")

	// A random or pct schedule found past the scenario's own budget is
	// reached again only by a budget that goes that far.
	budget := s.BudgetFor(spec.Draft2023).Schedules
	for _, tc := range []struct {
		strategy string
		index    int
		want     string
	}{
		{engine.StrategyRandom, 0, fmt.Sprintf(" --strategy random --seed %d", sc.BaseSeed)},
		{engine.StrategyRandom, budget - 1, fmt.Sprintf(" --strategy random --seed %d", sc.BaseSeed)},
		{engine.StrategyRandom, budget, fmt.Sprintf(" --strategy random --seed %d --schedules %d", sc.BaseSeed, budget+1)},
		{engine.StrategyPCT, 965, fmt.Sprintf(" --strategy pct --seed %d --schedules 966", sc.BaseSeed)},
	} {
		late := *sc
		late.Strategy, late.Index = tc.strategy, tc.index
		_, err = ReplaySchedule(&late, engine.RunConfig{})
		require.ErrorIs(t, err, ErrStale)
		assert.Contains(t, err.Error(), tc.want, "%s #%d", tc.strategy, tc.index)
		assert.NotContains(t, err.Error(), tc.want+" --schedules", "%s #%d: within the scenario's budget", tc.strategy, tc.index)
		assert.True(t, strings.HasSuffix(strings.TrimSpace(err.Error()), tc.want), "%s #%d: the command ends the hint", tc.strategy, tc.index)
	}

	// A file that records its exploration (format 5 on) names all of it,
	// a dfs search's bound too, and needs no note.
	found := *sc
	found.Strategy = engine.StrategyDFS
	found.Exploration = &schedfile.Exploration{Schedules: 77, Bound: 3, Reduction: "sleep", States: true, StateCap: engine.DefaultStateCap, MaxSteps: DefaultJudgeMaxSteps, ShrinkReplays: engine.DefaultShrinkReplays}
	_, err = ReplaySchedule(&found, engine.RunConfig{})
	require.ErrorIs(t, err, ErrStale)
	assert.True(t, strings.HasSuffix(strings.TrimSpace(err.Error()), fmt.Sprintf("migsim explore --scenario smoke-migrate --spec draft-2023 --strategy dfs --bound 3 --reduction sleep --states --schedules 77 --seed %d", sc.BaseSeed)), err.Error())

	dev := *sc
	dev.Device, dev.DeviceArgs = "exec:./my dev", []string{"-v"}
	_, err = ReplaySchedule(&dev, engine.RunConfig{})
	require.ErrorIs(t, err, ErrStale)
	assert.Contains(t, err.Error(), "judge the device again for a fresh one: migsim conform --device 'exec:./my dev' --scenario smoke-migrate --spec draft-2023 -- -v",
		"a device's counterexample is found again by the device, not by exploring the reference")
	assert.NotContains(t, err.Error(), "migsim explore")
}

func TestRegress_DivergenceNamesTheStep(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, res := continuedRun(t, s)
	require.Greater(t, res.Steps(), 5)
	sc := tg.Schedule(engine.StrategyRandom, 1, 0, res)
	sc.Choices[5].Label = "vcpu0:not-a-step"
	_, err = ReplaySchedule(sc, engine.RunConfig{})
	require.ErrorIs(t, err, engine.ErrDiverged)
	assert.Contains(t, err.Error(), "at step 6", "the choice at index 5 is step 6, as the trace numbers it")
}
