package catalog

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// TestRaceCaveat_NarrowRace: a scenario with no migration operation whose
// guest program races with itself at one narrow point, which the random
// runs without migration miss, gets the caveat from the finding's own
// schedule replayed without migration: the same difference, so the
// finding is that race.
func TestRaceCaveat_NarrowRace(t *testing.T) {
	for _, file := range []string{"testdata/race/reprobe-races-resize.scn", "testdata/race/narrow-race.scn"} {
		t.Run(filepath.Base(file), func(t *testing.T) {
			s, err := LoadScenarioFile(file)
			require.NoError(t, err)
			e := s.Expect[0]
			tg, err := NewTarget(s, e.Edition, e.Knobs, nil)
			require.NoError(t, err)
			race, err := tg.ReferenceRace(context.Background(), s.BudgetFor(e.Edition).Seed, ReferenceRaceRuns)
			require.NoError(t, err)
			assert.Nil(t, race, "the random runs miss the narrow race: the replay is what finds it")

			o, err := Judge(context.Background(), s, e, JudgeConfig{Jobs: 1})
			require.NoError(t, err)
			require.Equal(t, "transparent", o.GotOracle)
			assert.Equal(t, RaceEvidenceFinding, o.CaveatEvidence)
			assert.False(t, o.RaceCheckInterrupted)
			assert.Contains(t, o.Caveat, "the finding's own schedule, replayed without migration")
			assert.Contains(t, o.Caveat, "gives the same difference from the run without migration")
			assert.Contains(t, o.Caveat, "this transparent finding is that race, not the migration")
		})
	}
}

// TestRaceCaveat_CatalogTransparentRows: the check never excuses a finding
// the migration causes. For every catalog row that expects a transparent
// violation, of either edition, its regression schedule (the row's shrunk
// finding) replayed without migration, and the random and pct runs without
// migration, all give the reference log: no caveat. -short takes each
// edition's first row.
func TestRaceCaveat_CatalogTransparentRows(t *testing.T) {
	rows := catalogCounterexamples(t)
	names := make([]string, 0, len(rows))
	for n, c := range rows {
		if c.e.Verdict == scenario.VerdictViolation && c.e.Oracle == transparentName {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	editions := map[spec.Edition]int{}
	for _, n := range names {
		c := rows[n]
		editions[c.e.Edition]++
		if testing.Short() && editions[c.e.Edition] > 1 {
			continue
		}
		t.Run(n, func(t *testing.T) {
			sc, _ := replayed(t, n)
			require.NotNil(t, sc.Finding)
			require.Equal(t, transparentName, sc.Finding.Oracle)
			tg, err := TargetOf(sc)
			require.NoError(t, err)
			rc, err := tg.RaceCaveat(context.Background(), sc.BaseSeed, FoundRun{Seed: sc.Seed, Choices: sc.Choices, Finding: sc.Finding})
			require.NoError(t, err)
			assert.Equal(t, RaceCheck{}, rc, "%s:%d: a transparent finding of the migration got a caveat", c.s.File, c.e.Line)
		})
	}
	for _, ed := range spec.Editions {
		assert.NotZero(t, editions[ed], "no catalog row of %s expects a transparent violation", ed)
	}
}
