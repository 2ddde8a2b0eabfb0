package catalog

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// racyGuestFile submits a write and starts an FLR without waiting for it:
// whether the write reaches the disk depends on the schedule, with or
// without migration (cmd/migsim's tests use it too).
const racyGuestFile = "testdata/racy-guest.scn"

// racyAndCalm returns the racy scenario's text and the same program
// waiting for its write before the FLR.
func racyAndCalm(t *testing.T) (racy, calm string) {
	b, err := os.ReadFile(racyGuestFile)
	require.NoError(t, err)
	return string(b), strings.Replace(string(b), "  flr\n", "  wait\n  flr\n", 1)
}

// TestReferenceRace: a guest program whose log depends on the schedule
// without migration is found by its runs without migration; one that
// waits is not.
func TestReferenceRace(t *testing.T) {
	racyGuestScenario, calmGuestScenario := racyAndCalm(t)
	for _, tc := range []struct {
		name, src string
		race      bool
	}{
		{"racy", racyGuestScenario, true},
		{"calm", calmGuestScenario, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := writeScenario(t, tc.name+".scn", tc.src)
			tg, err := NewTarget(s, spec.Draft2023, nil, nil)
			require.NoError(t, err)
			race, err := tg.ReferenceRace(context.Background(), 1, ReferenceRaceRuns)
			require.NoError(t, err)
			if !tc.race {
				assert.Nil(t, race)
				return
			}
			require.NotNil(t, race)
			assert.Equal(t, "transparent", race.Finding.Oracle, "the runs without migration disagree on the guest's log")
			assert.Contains(t, race.Text(), "races with itself")
			assert.Contains(t, race.Finding.Message, "the guest can tell this schedule from the run without migration's, with no migration in either run: entry ",
				"a run without migration tells no move")

			transparent := &engine.Finding{Oracle: "transparent"}
			rc, err := tg.RaceCaveat(context.Background(), 1, FoundRun{Finding: transparent})
			require.NoError(t, err)
			assert.Equal(t, RaceCheck{Caveat: race.Text(), Evidence: RaceEvidenceRandom}, rc,
				"without the finding's schedule the random runs come first")
			rc, err = tg.RaceCaveat(context.Background(), 1, FoundRun{Finding: &engine.Finding{Oracle: "frozen-context"}})
			require.NoError(t, err)
			assert.Equal(t, RaceCheck{}, rc, "only a transparent finding may be the program's race")
		})
	}
}

// TestRaceCaveat_Interrupted: a check ctx ends before its runs are done
// says how far it got and that it proves nothing; it never looks as though
// it ran clean. A finding no check is for needs none, ended ctx or not.
func TestRaceCaveat_Interrupted(t *testing.T) {
	racy, _ := racyAndCalm(t)
	tg, err := NewTarget(writeScenario(t, "racy.scn", racy), spec.Draft2023, nil, nil)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	race, err := tg.ReferenceRace(ctx, 1, ReferenceRaceRuns)
	assert.Nil(t, race, "an ended context runs nothing")
	var cutErr *RaceCheckInterruptedError
	require.ErrorAs(t, err, &cutErr)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Equal(t, RaceCheckInterruptedError{Runs: 0, Of: ReferenceRaceRuns, Err: context.Canceled}, *cutErr)

	for _, tc := range []struct {
		oracle, caveat string
		cut            bool
	}{
		{"transparent", "the check whether the guest's program races with itself (runs without migration) was interrupted " +
			"after 0 of 40 runs: it proves nothing, and this transparent finding may be that race and not the migration " +
			"(run again to finish the check)", true},
		{"frozen-context", "", false},
	} {
		rc, err := tg.RaceCaveat(ctx, 1, FoundRun{Finding: &engine.Finding{Oracle: tc.oracle}})
		require.NoError(t, err, tc.oracle)
		assert.Equal(t, RaceCheck{Caveat: tc.caveat, Interrupted: tc.cut}, rc, tc.oracle)
	}
}

// TestJudgeAll_RaceCheckInterrupted: a signal after a row's explorations
// ran to their end, during the runs without migration that judge its
// transparent finding, keeps the row (it is whole: its verdict does not
// depend on the check) with a caveat that says the check was interrupted,
// and JudgeAll returns the context's error: the run was cut short.
func TestJudgeAll_RaceCheckInterrupted(t *testing.T) {
	racy, _ := racyAndCalm(t)
	s := writeScenario(t, "racy.scn", racy)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ended := 0
	cfg := JudgeConfig{Jobs: 1, MaxRuns: shortRuns(), Shrink: shortShrink(), ShrinkCtx: context.Background(),
		Progress: func(p engine.Progress) {
			if p.Final {
				if ended++; ended == 2 {
					cancel() // the line's and the cross-check's explorations ended whole
				}
			}
		}}
	rows, err := JudgeAll(ctx, []*scenario.Scenario{s}, 0, cfg, io.Discard)
	require.ErrorIs(t, err, context.Canceled)
	require.Len(t, rows, 1)
	o := rows[0]
	require.Len(t, o.Runs, 2)
	assert.False(t, o.Interrupted, "the explorations ran to their end")
	assert.Equal(t, "transparent", o.GotOracle)
	assert.True(t, o.RaceCheckInterrupted)
	assert.Contains(t, o.Caveat, "was interrupted after 0 of 41 runs: it proves nothing", "the finding's replay, the random and the pct runs")
	assert.Empty(t, o.CaveatEvidence)
}

// TestJudge_CaveatOfARacyGuest: a row whose transparent finding may be the
// guest program's own race says so (Caveat); a transparent finding of a
// catalog question, whose guest program gives one log whatever the
// schedule, has no caveat.
func TestJudge_CaveatOfARacyGuest(t *testing.T) {
	racyGuestScenario, _ := racyAndCalm(t)
	s := writeScenario(t, "racy.scn", racyGuestScenario)
	o, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{Jobs: 1, MaxRuns: shortRuns(), Shrink: shortShrink()})
	require.NoError(t, err)
	require.NotNil(t, o.Finding)
	assert.Equal(t, "transparent", o.GotOracle)
	assert.Contains(t, o.Caveat, "the scenario's guest program races with itself")

	q, err := CatalogScenario("retry-without-discard")
	require.NoError(t, err)
	require.Equal(t, "transparent", q.Expect[0].Oracle)
	o, err = Judge(context.Background(), q, q.Expect[0], JudgeConfig{Jobs: 1, MaxRuns: shortRuns(), Shrink: shortShrink()})
	require.NoError(t, err)
	assert.Equal(t, "transparent", o.GotOracle)
	assert.Empty(t, o.Caveat)
}
