package catalog

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
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

			transparent := &engine.Finding{Oracle: "transparent"}
			caveat, err := tg.RaceCaveat(context.Background(), 1, transparent)
			require.NoError(t, err)
			assert.Equal(t, race.Text(), caveat)
			caveat, err = tg.RaceCaveat(context.Background(), 1, &engine.Finding{Oracle: "frozen-context"})
			require.NoError(t, err)
			assert.Empty(t, caveat, "only a transparent finding may be the program's race")
			ctx, cancel := context.WithCancel(context.Background())
			cancel()
			race, err = tg.ReferenceRace(ctx, 1, ReferenceRaceRuns)
			require.NoError(t, err)
			assert.Nil(t, race, "an ended context runs nothing")
		})
	}
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
