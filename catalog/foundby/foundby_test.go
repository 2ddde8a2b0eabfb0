package foundby_test

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog/foundby"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/report"
	"github.com/migsim/migsim/scenario"
)

// Of gives the command that runs the recorded exploration again: every
// parameter of the strategy, the defaults left out only where the
// command line's default is the value recorded; a scenario file by its
// path from the schedule's directory; a device's counterexample as the
// conform line; and, for a file that does not record its exploration,
// why not.
func TestOf(t *testing.T) {
	base := func(strategy string, e *schedfile.Exploration) *schedfile.Schedule {
		return &schedfile.Schedule{Format: schedfile.Format, Edition: "virtio-1.4", Knobs: []string{"read=full"}, Settings: []string{"capacity=8"},
			Scenario: "s", Strategy: strategy, BaseSeed: 42, Index: 7, Exploration: e}
	}
	def := engine.DefaultShrinkReplays
	cases := []struct {
		name string
		sc   *schedfile.Schedule
		want foundby.Origin
	}{
		{"pct", base(engine.StrategyPCT, &schedfile.Exploration{Schedules: 300, Depth: 3, MaxSteps: 200_000, ShrinkReplays: def}),
			foundby.Origin{Command: "migsim explore --scenario s --spec virtio-1.4 --knob read=full --set capacity=8 --strategy pct --depth 3 --schedules 300 --seed 42"}},
		{"random, bounds not the defaults", base(engine.StrategyRandom, &schedfile.Exploration{Schedules: 5, MaxSteps: 900, ShrinkReplays: 12, Shard: 1, Shards: 3}),
			foundby.Origin{Command: "migsim explore --scenario s --spec virtio-1.4 --knob read=full --set capacity=8 --strategy random --schedules 5 --seed 42 --shard 1/3 --max-steps 900 --shrink-replays 12"}},
		{"random, written as it ran", base(engine.StrategyRandom, &schedfile.Exploration{Schedules: 10, MaxSteps: 200_000, WriteRun: true}),
			foundby.Origin{Command: "migsim explore --scenario s --spec virtio-1.4 --knob read=full --set capacity=8 --strategy random --schedules 10 --seed 42 --write-run 7"}},
		{"dfs, state pruning", base(engine.StrategyDFS, &schedfile.Exploration{Schedules: 1000, Bound: 2, Reduction: "sleep", States: true, StateCap: engine.DefaultStateCap, MaxSteps: 200_000, NoShrink: true}),
			foundby.Origin{Command: "migsim explore --scenario s --spec virtio-1.4 --knob read=full --set capacity=8 --strategy dfs --bound 2 --reduction sleep --states --schedules 1000 --seed 42 --no-shrink"}},
		{"dfs, none", base(engine.StrategyDFS, &schedfile.Exploration{Schedules: 9, Bound: -1, Reduction: "dpor", SplitDepth: 3, MaxSteps: 200_000, ShrinkReplays: def}),
			foundby.Origin{Command: "migsim explore --scenario s --spec virtio-1.4 --knob read=full --set capacity=8 --strategy dfs --bound -1 --reduction dpor --states=false --split-depth 3 --schedules 9 --seed 42"}},
		{"dfs, small state table", base(engine.StrategyDFS, &schedfile.Exploration{Schedules: 9, Reduction: "none", States: true, StateCap: 2048, MaxSteps: 200_000, ShrinkReplays: def}),
			foundby.Origin{Command: "migsim explore --scenario s --spec virtio-1.4 --knob read=full --set capacity=8 --strategy dfs --bound 0 --reduction none --states --state-cap 2048 --schedules 9 --seed 42"}},
		{"format 4", func() *schedfile.Schedule {
			sc := base(engine.StrategyPCT, nil)
			sc.Format = schedfile.FormatV4
			return sc
		}(), foundby.Origin{Unknown: "a schedule file of format 4 records the strategy and base seed of the exploration that found it (pct, seed 42), not the rest of it (format 5 on)"}},
		{"format 1", func() *schedfile.Schedule {
			sc := base(engine.StrategyDFS, nil)
			sc.Format = schedfile.FormatV1
			return sc
		}(), foundby.Origin{Unknown: "a schedule file of format 1 records the strategy of the exploration that found it (dfs), not the rest of it (format 5 on)"}},
		{"none recorded", base(engine.StrategyPCT, nil),
			foundby.Origin{Unknown: "the file records no exploration: it was not found by one (a run replayed under other rules and saved)"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, foundby.Of(tc.sc))
		})
	}

	file := base(engine.StrategyRandom, &schedfile.Exploration{Schedules: 5, MaxSteps: 200_000, ShrinkReplays: def})
	file.ScenarioFile, file.Dir = "../scn/my scenario.scn", filepath.FromSlash("out/dir")
	assert.Equal(t, "migsim explore --scenario "+quote(filepath.Join("out", "scn", "my scenario.scn"))+" --spec virtio-1.4 --knob read=full --set capacity=8 --strategy random --schedules 5 --seed 42",
		foundby.Of(file).Command, "a scenario file, from the schedule's directory, quoted")

	dev := base(engine.StrategyPCT, &schedfile.Exploration{Schedules: 30, Depth: 3, MaxSteps: 200_000, ShrinkReplays: def})
	dev.Device, dev.DeviceArgs, dev.DeviceTimeout = "exec:./dev", []string{"-v"}, 9*time.Second
	assert.Equal(t, foundby.Origin{Command: "migsim conform --device exec:./dev --scenario s --spec virtio-1.4 --parts rows --timeout 9s -- -v",
		Row: "--strategy pct --depth 3 --schedules 30 --seed 42"}, foundby.Of(dev))
	assert.Equal(t, "migsim conform --device exec:./dev --scenario s --spec virtio-1.4 --parts rows --timeout 9s -- -v  # the row's exploration: --strategy pct --depth 3 --schedules 30 --seed 42",
		foundby.Of(dev).Text(), "the row's exploration a shell comment: the line pastes")
	goDev := base(engine.StrategyPCT, &schedfile.Exploration{Schedules: 30, Depth: 3, MaxSteps: 200_000, ShrinkReplays: def})
	goDev.Device = "go:mydev"
	assert.Equal(t, foundby.Origin{Unknown: "the conformance kit of a Go program found it with that program's device go:mydev, judging the row s under virtio-1.4 " +
		"(the row's exploration: --strategy pct --depth 3 --schedules 30 --seed 42): no migsim command runs that device"}, foundby.Of(goDev),
		"a Go program's device: no command line pretends to run it")
	assert.Equal(t, "unknown: x", foundby.Origin{Unknown: "x"}.Text())
}

// quote is a path as shellquote quotes one with a space.
func quote(p string) string { return "'" + p + "'" }

// The limits a schedule file's exploration is checked against are the
// command line's (schedfile does not import the packages that own them).
func TestLimitsAgree(t *testing.T) {
	assert.Equal(t, scenario.MaxSchedules, schedfile.MaxSchedules)
	assert.Equal(t, scenario.MaxSteps, schedfile.MaxSteps)
	assert.Equal(t, scenario.MaxDepth, schedfile.MaxDepth)
	assert.Equal(t, scenario.MaxBound, schedfile.MaxBound)
	assert.Equal(t, report.MaxShards, schedfile.MaxShards)
	assert.Equal(t, cmdbase.MaxShrinkReplays, schedfile.MaxShrinkReplays)
}

// A schedule whose scenario file is gone replays from the text it
// carries: its command names FILE, that text saved, and says so, since the
// recorded path would not paste; a file that is there is named, the text
// or no text.
func TestOf_ScenarioFileGone(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "here.scn"), []byte("scenario s\n"), 0o644))
	cases := []struct {
		name, file, text string
		want             foundby.Origin
	}{
		{"gone, text carried", "gone.scn", "scenario s\n", foundby.Origin{
			Command:  "migsim explore --scenario FILE --spec virtio-1.4 --strategy random --schedules 5 --seed 42",
			Scenario: "FILE: the scenario_text this schedule carries, saved to a file (" + filepath.Join(dir, "gone.scn") + " is gone)"}},
		{"there, text carried", "here.scn", "scenario s\n", foundby.Origin{
			Command: "migsim explore --scenario " + filepath.Join(dir, "here.scn") + " --spec virtio-1.4 --strategy random --schedules 5 --seed 42"}},
		{"gone, no text", "gone.scn", "", foundby.Origin{
			Command: "migsim explore --scenario " + filepath.Join(dir, "gone.scn") + " --spec virtio-1.4 --strategy random --schedules 5 --seed 42"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			sc := &schedfile.Schedule{Format: schedfile.Format, Edition: "virtio-1.4", Scenario: "s", Strategy: engine.StrategyRandom, BaseSeed: 42,
				Exploration:  &schedfile.Exploration{Schedules: 5, MaxSteps: 200_000, ShrinkReplays: engine.DefaultShrinkReplays},
				ScenarioFile: tc.file, ScenarioText: tc.text, Dir: dir}
			assert.Equal(t, tc.want, foundby.Of(sc))
		})
	}
	gone := foundby.Origin{Command: "migsim explore --scenario FILE", Scenario: "FILE: the text"}
	assert.Equal(t, "migsim explore --scenario FILE  # FILE: the text", gone.Text(), "what FILE is, a shell comment: the line pastes")
}
