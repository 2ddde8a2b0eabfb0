package conformance

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// TestCounterexample_NotShrunkSaysWhy: a failing run the device does not
// fail again when it is replayed (a device that runs differently on the
// same choices) cannot be shrunk. The failure says so, with the shrink's
// reason, and its schedule is the run as the exploration found it.
func TestCounterexample_NotShrunkSaysWhy(t *testing.T) {
	rows, err := catalogRows()
	require.NoError(t, err)
	var r row
	for _, x := range rows {
		if x.s.Name == "smoke-migrate" && x.e.Edition == spec.Draft2023 && len(x.e.Knobs) == 0 {
			r = x
		}
	}
	require.NotNil(t, r.s, "smoke-migrate draft-2023 is in the catalog")
	dir := t.TempDir()
	k, err := newKit(FactoryDevice("builtin:blk", blk.New), []Option{Short(), ReplayDir(dir)})
	require.NoError(t, err)

	// The run: the reference device passes it, but the exploration
	// reported it failing (as a device that fails only now and then would
	// have it).
	tg, err := catalog.NewTarget(r.s, r.e.Edition, r.e.Knobs, nil)
	require.NoError(t, err)
	seed := engine.ScheduleSeed(1, 0)
	f, err := tg.Factory(seed)
	require.NoError(t, err)
	res, err := engine.Run(f, seed, engine.NewRandom(rand.New(rand.NewPCG(seed, 7))), engine.RunConfig{})
	require.NoError(t, err)
	require.Nil(t, res.Finding, "the reference device passes the run")
	require.NotEmpty(t, res.Choices)
	fd := &engine.Finding{Oracle: "readback", Step: len(res.Choices) - 1, Message: "mode read back differs"}
	failing := res
	failing.Finding = fd
	rep := engine.Report{Seed: seed, Finding: *fd, Result: failing}

	fl := Failure{Message: "at step 3: mode read back differs"}
	k.counterexample(&fl, r, blk.New, rep, catalog.Outcome{Budget: scenario.Budget{Strategy: engine.StrategyRandom, Schedules: 1, Seed: 1}})
	assert.Contains(t, fl.Message, "not shrunk: ")
	assert.Contains(t, fl.Message, `want finding "readback"`, "the shrink's reason")
	require.NotEmpty(t, fl.Schedule)
	require.FileExists(t, fl.Schedule)
	data, err := os.ReadFile(fl.Schedule)
	require.NoError(t, err)
	sc, err := schedfile.Parse(data)
	require.NoError(t, err)
	assert.Len(t, sc.Choices, len(res.Choices), "the schedule is the run as found")
	require.NotNil(t, sc.Exploration)
	assert.True(t, sc.Exploration.NoShrink, "the file says its run was written as found")
	assert.NotEmpty(t, fl.Replay)
}

// TestReplayCommand: the replay command a failure prints runs the device
// as the kit ran it: an exec device's arguments follow "--" and a deadline
// other than the default comes along; words a shell would split or expand
// are quoted. A device the CLI cannot name (Run's "device", a served
// device, a caller's factory even under a builtin: name) exists only in
// the caller's program: its replay is the Go call.
func TestReplayCommand(t *testing.T) {
	tests := []struct {
		name string
		dev  Device
		path string
		want string
	}{
		{"builtin", builtin(t, "builtin:blk"), "conform-replays/a.json",
			"migsim conform --device builtin:blk --replay conform-replays/a.json"},
		{"exec without arguments", ExecDevice([]string{"./dev.py"}, extdevice.Options{}), "r/a.json",
			"migsim conform --device exec:./dev.py --replay r/a.json"},
		{"exec with arguments", ExecDevice([]string{"./dev.py", "--mode", "strict"}, extdevice.Options{Timeout: extdevice.DefaultTimeout}), "r/a.json",
			"migsim conform --device exec:./dev.py --replay r/a.json -- --mode strict"},
		{"exec with a deadline", ExecDevice([]string{"./dev.py", "-v"}, extdevice.Options{Timeout: 30 * time.Second}), "r/a.json",
			"migsim conform --device exec:./dev.py --replay r/a.json --timeout 30s -- -v"},
		{"words to quote", ExecDevice([]string{"./my dev", "it's", ""}, extdevice.Options{}), "my replays/a.json",
			`migsim conform --device 'exec:./my dev' --replay 'my replays/a.json' -- 'it'\''s' ''`},
		{"Run's device", FactoryDevice("device", nil), "r/a.json",
			`conformance.Replay(<your device>, "r/a.json", engine.RunConfig{Trace: os.Stdout})`},
		{"served", ServedDevice("blk", nil, extdevice.Options{}), "my replays/a.json",
			`conformance.Replay(<your device>, "my replays/a.json", engine.RunConfig{Trace: os.Stdout})`},
		{"a caller's factory under a builtin name", FactoryDevice("builtin:blk", nil), "r/a.json",
			`conformance.Replay(<your device>, "r/a.json", engine.RunConfig{Trace: os.Stdout})`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			k := &kit{dev: tc.dev, cfg: defaults()}
			assert.Equal(t, tc.want, k.replayCommand(tc.path))
		})
	}
}
