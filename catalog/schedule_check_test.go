package catalog

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/scenario"
)

// A schedule whose edition or knobs the world does not know is refused with
// the file and the field named.
func TestReadScheduleFile_WorldFields(t *testing.T) {
	cases := []struct {
		file string
		want string
	}{
		{"bad-edition.json", `field edition: spec: unknown edition "virtio-2.0"`},
		{"bad-knob.json", `field knobs: knob flr-vs-mode: unknown value "maybe"`},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			path := filepath.Join("testdata", "sched", tc.file)
			_, err := ReadScheduleFile(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "catalog: schedule "+path+": ")
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// A format-1 schedule (hash of the scenario file's bytes, the file's path
// as given where it was recorded, no checksum) still reads and replays; its
// finding and trace hash are reproduced.
func TestReadScheduleFile_Format1StillReplays(t *testing.T) {
	sc, err := ReadScheduleFile(filepath.Join("testdata", "sched", "format1-flr-freeze.json"))
	require.NoError(t, err)
	require.Equal(t, schedfile.FormatV1, sc.Format)
	res, err := ReplaySchedule(sc, engine.RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.Equal(t, sc.Finding.Oracle, res.Finding.Oracle)
	assert.Equal(t, sc.TraceHash, engine.FormatHash(res.TraceHash))
}

// Knobs and settings are checked as the recorder writes them.
func TestCheckSchedule_KnobsAndSettings(t *testing.T) {
	base := schedfile.Schedule{Edition: "draft-2023"}
	cases := []struct {
		name     string
		knobs    []string
		settings []string
		want     string
	}{
		{"default knob written out", []string{"read=incremental-clear"}, nil, "is not how a schedule records them"},
		{"unsorted", []string{"transitions=strict-chain", "read=full"}, nil, "is not how a schedule records them"},
		{"unknown knob", []string{"reed=full"}, nil, `field knobs: unknown knob "reed"`},
		{"unknown setting", nil, []string{"bogus=1"}, "field settings: unknown setting bogus"},
		{"bad setting value", nil, []string{"capacity=-5"}, "field settings: set capacity=-5: want a number 1..4294967296"},
		{"fine", []string{"read=full", "transitions=strict-chain"}, []string{"capacity=4096"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := base
			s.Knobs, s.Settings = c.knobs, c.settings
			err := CheckSchedule(&s)
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.want)
		})
	}
}

// A schedule's finding names an oracle the registry knows, a verdict that
// is not an oracle, or error:NAME for a known error name: anything else is
// refused naming the field, with a suggestion for a near miss. Every
// regression schedule's finding passes.
func TestCheckSchedule_FindingOracle(t *testing.T) {
	for _, name := range []string{"frozen-context", "transparent", "live", "panic", "scenario", "reference",
		"error:incompatible", "error:EINVAL/INVALID_FIELD", "error:n/a:halt"} {
		s := schedfile.Schedule{Edition: "draft-2023", Finding: &engine.Finding{Oracle: name}}
		assert.NoError(t, CheckSchedule(&s), name)
	}
	cases := map[string]string{
		"nonsense":      `field finding.oracle: unknown oracle "nonsense": want an oracle (`,
		"frozen-contxt": `; did you mean frozen-context?`,
		"error:bogus":   `field finding.oracle: unknown oracle "error:bogus"`,
		"error:n/a:":    `field finding.oracle: unknown oracle "error:n/a:"`,
		"error:corupt":  `; did you mean error:corrupt?`,
		"Transparent x": `unknown oracle "Transparent x"`,
	}
	for name, want := range cases {
		s := schedfile.Schedule{Edition: "draft-2023", Finding: &engine.Finding{Oracle: name}}
		err := CheckSchedule(&s)
		require.Error(t, err, name)
		assert.Contains(t, err.Error(), want)
	}
	files, err := filepath.Glob(filepath.Join("testdata", "regress", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, f := range files {
		_, err := ReadScheduleFile(f)
		assert.NoError(t, err, f)
	}
}

// A negative dfs bound (none) reads as "unbounded" where the table and a
// mismatch print it (the questions' page: questionsdoc.TestBudgetText); a
// bound prints as itself.
func TestBoundText_Unbounded(t *testing.T) {
	unb := scenario.Budget{Strategy: engine.StrategyDFS, Bound: -1, Schedules: 500}
	two := scenario.Budget{Strategy: engine.StrategyDFS, Bound: 2, Schedules: 500}
	assert.Equal(t, "exhaustive: 12 interleavings (unbounded)", explored.DFSText(unb, engine.Summary{Schedules: 12, Complete: true}))
	assert.Equal(t, "unbounded", describeCount(unb))
	assert.Equal(t, "bound 2", describeCount(two))
}
