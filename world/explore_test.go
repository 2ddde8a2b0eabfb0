package world_test

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// continueChooser always continues the previous actor, else takes the first
// enabled step: the fixed schedule of reference runs.
type continueChooser struct{}

func (continueChooser) Choose(d *engine.Decision) (int, error) { return d.Continue(), nil }

// exploreScenario runs n random schedules of a scenario file under one
// edition and knob set against its reference run and returns the first
// finding's oracle ("" for none) and its message.
func exploreScenario(t *testing.T, file string, ed spec.Edition, knobs []string, n int) (string, string) {
	t.Helper()
	src, err := os.ReadFile(file)
	require.NoError(t, err)
	s, err := scenario.ParseScenario(file, src)
	require.NoError(t, err)
	rules, err := spec.ParseRules(ed, knobs)
	require.NoError(t, err)
	var ref *world.World
	_, err = engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		ref, err = world.NewWorld(world.WorldConfig{Scenario: s, Edition: ed, Rules: rules, Reference: true, Oracles: oracle.All()}, st)
		return ref, err
	}, 1, continueChooser{}, engine.RunConfig{MaxSteps: 200000})
	require.NoError(t, err)
	refLog := ref.GuestLog()
	for i := 0; i < n; i++ {
		seed := engine.ScheduleSeed(1, i)
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			return world.NewWorld(world.WorldConfig{Scenario: s, Edition: ed, Rules: rules, ReferenceLog: refLog, Oracles: oracle.All()}, st)
		}, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{MaxSteps: 200000})
		require.NoError(t, err)
		if res.Finding != nil {
			return res.Finding.Oracle, res.Finding.Message
		}
	}
	return "", ""
}

func TestWorldExploreScenarios(t *testing.T) {
	cases := []struct {
		file  string
		ed    spec.Edition
		knobs []string
		want  string
	}{
		{"../catalog/scenarios/kick-during-stop.scn", spec.Draft2023, nil, ""},
		{"../catalog/scenarios/kick-during-stop.scn", spec.Virtio14, nil, ""},
		{"../catalog/scenarios/flr-during-freeze.scn", spec.Draft2023, nil, ""},
		{"../catalog/scenarios/flr-during-freeze.scn", spec.Virtio14, nil, "error:vf-reset"},
		{"../catalog/scenarios/flr-during-freeze.scn", spec.Draft2023, []string{"flr-vs-mode=complete-anyway"}, "one-running"},
		{"../catalog/scenarios/flr-during-freeze.scn", spec.Draft2023, []string{"flr-vs-mode=complete-anyway", "mode-after-flr=keep"}, "frozen-context"},
		{"../catalog/scenarios/flr-during-freeze.scn", spec.Draft2023, []string{"flr-vs-mode=defer-flr"}, ""},
	}
	for _, c := range cases {
		t.Run(c.file+"/"+c.ed.String(), func(t *testing.T) {
			got, msg := exploreScenario(t, c.file, c.ed, c.knobs, 100)
			t.Logf("%v %v: %q %s", c.ed, c.knobs, got, msg)
			require.Equal(t, c.want, got, msg)
		})
	}
}
