package catalog

import (
	"context"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
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
			assert.NotContains(t, o.Caveat, "passed over", "no migration operation: every recorded step has its counterpart")
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

// TestReferenceRace_Text: the caveat names its evidence, and only the
// finding's own schedule giving the finding's own difference says the
// finding is the race; any other run says it may be.
func TestReferenceRace_Text(t *testing.T) {
	fd := engine.Finding{Oracle: "transparent", Step: 9, Message: "entry 4 of its log differs"}
	for _, tc := range []struct {
		name         string
		race         ReferenceRace
		want, absent string
	}{
		{"the finding's schedule, same difference", ReferenceRace{Evidence: RaceEvidenceFinding, Schedule: -1, Seed: 7, Finding: fd, SameDifference: true},
			"the finding's own schedule, replayed without migration (seed 7), gives the same difference " +
				"from the run without migration (at step 10): the scenario's guest program races with itself, and this transparent finding is that race",
			"may be"},
		{"the finding's schedule without its migration's steps", ReferenceRace{Evidence: RaceEvidenceFinding, Schedule: -1, Seed: 7, Finding: fd,
			SameDifference: true, PassedOver: 45},
			"the finding's own schedule, replayed without migration (seed 7; 45 recorded steps with no counterpart without migration passed over), " +
				"gives the same difference", "may be"},
		{"one step passed over", ReferenceRace{Evidence: RaceEvidenceFinding, Schedule: -1, Seed: 7, Finding: fd, PassedOver: 1},
			"(seed 7; 1 recorded step with no counterpart without migration passed over), also ends with another guest log", "is that race"},
		{"the finding's schedule, another difference", ReferenceRace{Evidence: RaceEvidenceFinding, Schedule: -1, Seed: 7, Finding: fd},
			"also ends with another guest log than the run without migration (transparent at step 10: entry 4 of its log differs): " +
				"the scenario's guest program races with itself, so this transparent finding may be that race",
			"is that race"},
		{"a pct schedule", ReferenceRace{Evidence: RaceEvidencePCT, Schedule: 3, Seed: 8, Finding: fd},
			"without migration the guest's log already depends on the schedule (pct schedule 3, seed 8: transparent at step 10:",
			"is that race"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			text := tc.race.Text()
			assert.Contains(t, text, tc.want)
			assert.NotContains(t, text, tc.absent)
		})
	}
}
