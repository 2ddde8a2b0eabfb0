package under

import (
	"path/filepath"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/internal/usererr"
)

// The catalog's counterexample of reset-racing-stop under draft-2023
// reset-vs-mode=complete-anyway (frozen-context); the scenario expects
// pass under reset-vs-mode=reply-on-start and under virtio-1.4's defaults.
const resetRacing = "reset-racing-stop_draft-2023_reset-vs-mode=complete-anyway.json"

func readRegress(t testing.TB, name string) *schedfile.Schedule {
	t.Helper()
	sc, err := catalog.ReadScheduleFile(filepath.Join("..", "testdata", "regress", name))
	require.NoError(t, err)
	return sc
}

// TestTarget: the command line's edition, knobs and settings take the
// place of the recorded ones of the same name, a recorded knob of another
// edition is left out and said so, and bad input is refused with the
// errors explore gives.
func TestTarget(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		o          Override
		edition    string
		knobs      []string // nil for none
		settings   []string // empty for none
		dropped    []string
		err        string
	}{
		{name: "knob replaces the recorded one", file: resetRacing, o: Override{Knobs: []string{"reset-vs-mode=reply-on-start"}},
			edition: "draft-2023", knobs: []string{"reset-vs-mode=reply-on-start"}, settings: []string{}},
		{name: "knob adds to the recorded one", file: resetRacing, o: Override{Knobs: []string{"read=full"}},
			edition: "draft-2023", knobs: []string{"read=full", "reset-vs-mode=complete-anyway"}, settings: []string{}},
		{name: "the edition's default is no knob", file: resetRacing, o: Override{Knobs: []string{"reset-vs-mode=hold-reply"}},
			edition: "draft-2023", settings: []string{}},
		{name: "other edition keeps a knob of both", file: resetRacing, o: Override{Edition: "virtio-1.4"},
			edition: "virtio-1.4", knobs: []string{"reset-vs-mode=complete-anyway"}, settings: []string{}},
		{name: "other edition leaves out a draft knob", file: "net-tx-reexecuted_draft-2023_reexec=all.json", o: Override{Edition: "virtio-1.4"},
			edition: "virtio-1.4", settings: []string{}, dropped: []string{"reexec=all"}},
		{name: "setting replaces the recorded one", file: "config-write-in-flight-at-halt_draft-2023_set-posted-writes=in-flight-unordered.json",
			o: Override{Settings: []string{"posted-writes=immediate"}}, edition: "draft-2023", settings: []string{"posted-writes=immediate"}},
		{name: "unknown knob", file: resetRacing, o: Override{Knobs: []string{"foo=bar"}},
			err: `target reset-racing-stop draft-2023: --knob foo=bar: unknown knob "foo"`},
		{name: "unknown value", file: resetRacing, o: Override{Knobs: []string{"reset-vs-mode=nope"}},
			err: `--knob reset-vs-mode=nope: knob reset-vs-mode: unknown value "nope"`},
		{name: "knob without value", file: resetRacing, o: Override{Knobs: []string{"reset-vs-mode"}},
			err: "knob reset-vs-mode without a value"},
		{name: "knob twice", file: resetRacing, o: Override{Knobs: []string{"reset-vs-mode=hold-reply", "reset-vs-mode=reply-on-start"}},
			err: "knob reset-vs-mode given twice"},
		{name: "knob of the other edition", file: resetRacing, o: Override{Edition: "virtio-1.4", Knobs: []string{"read=full"}},
			err: "target reset-racing-stop virtio-1.4: --knob read=full: knob read does not apply to virtio-1.4"},
		{name: "edition garbage", file: resetRacing, o: Override{Edition: "virtio-9"},
			err: `--spec: unknown edition "virtio-9" (want draft-2023 or virtio-1.4)`},
		{name: "unknown setting", file: resetRacing, o: Override{Settings: []string{"nope=1"}},
			err: "--set: unknown setting nope"},
		{name: "setting the scenario does not allow", file: "config-write-in-flight-at-halt_draft-2023_set-posted-writes=in-flight-unordered.json",
			o: Override{Settings: []string{"posted-writes=ordered"}}, err: "--set: set posted-writes=ordered: want one of"},
		{name: "setting without '='", file: resetRacing, o: Override{Settings: []string{"x"}},
			err: `--set "x": want key=value`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tg, dropped, err := Target(readRegress(t, tc.file), tc.o)
			if tc.err != "" {
				require.Error(t, err)
				assert.Contains(t, usererr.Text(err), tc.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.edition, tg.Edition.String())
			assert.Equal(t, tc.knobs, tg.Knobs())
			assert.Equal(t, tc.settings, catalog.SettingStrings(tg.Settings))
			assert.Equal(t, tc.dropped, dropped)
		})
	}
}

// TestReplay_Catalog: the catalog's counterexample replayed under the
// knob the catalog expects pass for has no finding, having followed every
// recorded choice; under its own knob it is the recorded run, step for
// step; under the other edition it goes elsewhere, and says where. The
// run a replay returns replays strictly on its target.
func TestReplay_Catalog(t *testing.T) {
	for _, tc := range []struct {
		name    string
		o       Override
		finding string // the run's oracle, "" for none
		why     Why    // of the first departure, 0 for none
	}{
		{"the recorded knob", Override{Knobs: []string{"reset-vs-mode=complete-anyway"}}, "frozen-context", 0},
		{"the knob expected to pass", Override{Knobs: []string{"reset-vs-mode=reply-on-start"}}, "", PastEnd},
		{"the other edition, expected to pass", Override{Edition: "virtio-1.4", Knobs: []string{"reset-vs-mode=hold-reply"}}, "", NotEnabled},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := readRegress(t, resetRacing)
			tg, _, err := Target(sc, tc.o)
			require.NoError(t, err)
			res, f, run, err := Replay(tg, sc, catalog.DefaultJudgeMaxSteps)
			require.NoError(t, err)
			assert.Equal(t, tc.finding, oracleOf(res.Finding))
			assert.Equal(t, Compare(sc.Choices, res.Choices), f)
			assert.Equal(t, len(sc.Choices), f.Recorded)
			assert.Equal(t, len(res.Choices), f.Steps)
			if tc.why == 0 {
				assert.Nil(t, f.First)
				assert.Equal(t, sc.TraceHash, engine.FormatHash(res.TraceHash), "the recorded run, step for step")
				assert.Equal(t, sc.Finding.Step, res.Finding.Step)
			} else {
				require.NotNil(t, f.First)
				assert.Equal(t, tc.why, f.First.Why)
				assert.NotEqual(t, sc.TraceHash, engine.FormatHash(res.TraceHash))
			}
			if tc.why == PastEnd {
				assert.Equal(t, len(sc.Choices), f.Followed, "every recorded choice followed, then the run went on")
			}
			again, err := catalog.ReplayOn(tg, run, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err, "the run replays strictly on its target")
			assert.Equal(t, res.TraceHash, again.TraceHash)
		})
	}
}

// TestReplay_Planted: what Follow reports is what the run did, on
// recorded lists edited to depart where the test says: a label no step
// has, a list cut short, a list that outlives the run.
func TestReplay_Planted(t *testing.T) {
	for _, tc := range []struct {
		name     string
		edit     func([]engine.Choice) []engine.Choice
		step     int
		why      Why
		followed func(n int) int // of the recorded choices' number
	}{
		{"a label no step has", func(cs []engine.Choice) []engine.Choice {
			cs[50].Label = "planted:nowhere"
			return cs
		}, 50, NotEnabled, func(n int) int { return n - 1 }},
		{"cut short", func(cs []engine.Choice) []engine.Choice { return cs[:100] }, 100, PastEnd, func(n int) int { return n }},
		{"outlives the run", func(cs []engine.Choice) []engine.Choice {
			return append(cs, engine.Choice{Index: 0, Actor: 0, Label: "planted:after-the-end"})
		}, 171, RunEnded, func(n int) int { return n - 1 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := readRegress(t, resetRacing)
			require.Len(t, sc.Choices, 171)
			recorded := slices.Clone(sc.Choices)
			sc.Choices = tc.edit(slices.Clone(sc.Choices))
			tg, _, err := Target(sc, Override{Knobs: []string{"reset-vs-mode=complete-anyway"}})
			require.NoError(t, err)
			res, f, _, err := Replay(tg, sc, catalog.DefaultJudgeMaxSteps)
			require.NoError(t, err)
			require.NotNil(t, f.First)
			d := *f.First
			assert.Equal(t, tc.step, d.Step)
			assert.Equal(t, tc.why, d.Why)
			assert.Equal(t, tc.followed(len(sc.Choices)), f.Followed)
			assert.Equal(t, tc.step, f.InARow)
			switch tc.why {
			case NotEnabled: // the fallback took the recorded actor's step: the recording's
				assert.Equal(t, "planted:nowhere", d.Recorded)
				assert.Equal(t, res.Choices[d.Step].Label, d.Taken)
				assert.Equal(t, recorded[d.Step].Label, d.Taken)
			case PastEnd:
				assert.Empty(t, d.Recorded)
				assert.Equal(t, res.Choices[d.Step].Label, d.Taken)
			case RunEnded:
				assert.Equal(t, "planted:after-the-end", d.Recorded)
				assert.Empty(t, d.Taken)
				assert.Len(t, res.Choices, 171)
			}
		})
	}
}

// TestFollowText: the lines replay prints for each kind of departure.
func TestFollowText(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    Follow
		want string
	}{
		{"none", Follow{Recorded: 3, Steps: 3, Followed: 3, InARow: 3},
			"followed 3 of 3 recorded choices as recorded; the run made 3 steps\n" +
				"no departure: the run made the recorded interleaving, step for step\n"},
		{"not enabled", Follow{Recorded: 5, Steps: 6, Followed: 4, InARow: 2, First: &Departure{Step: 2, Recorded: "a:x", Taken: "b:y", Why: NotEnabled}},
			"followed 4 of 5 recorded choices as recorded (the first 2 in a row); the run made 6 steps\n" +
				"first departure at step 3: recorded \"a:x\", took \"b:y\": the recorded step was not enabled\n"},
		{"ended", Follow{Recorded: 5, Steps: 2, Followed: 2, InARow: 2, First: &Departure{Step: 2, Recorded: "a:x", Why: RunEnded}},
			"followed 2 of 5 recorded choices as recorded; the run made 2 steps\n" +
				"first departure at step 3: recorded \"a:x\": the run ended before it (END)\n"},
		{"past the end", Follow{Recorded: 1, Steps: 2, Followed: 1, InARow: 1, First: &Departure{Step: 1, Taken: "b:y", Why: PastEnd}},
			"followed 1 of 1 recorded choice as recorded; the run made 2 steps\n" +
				"first departure at step 2: took \"b:y\": the run went on past the recorded choices\n"},
	} {
		t.Run(tc.name, func(t *testing.T) { assert.Equal(t, tc.want, tc.f.Text("END")) })
	}
}

func oracleOf(f *engine.Finding) string {
	if f == nil {
		return ""
	}
	return f.Oracle
}

// TestReplay_RecordedRulesAreTheRecording: every regression schedule of
// the catalog, replayed under its own edition (the recorded knobs and
// settings kept), is its recorded run step for step: no departure, the
// recorded trace hash and finding. The lenient replay adds nothing to a
// run the rules leave as it was.
func TestReplay_RecordedRulesAreTheRecording(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("..", "testdata", "regress", "*.json"))
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, p := range files {
		t.Run(filepath.Base(p), func(t *testing.T) {
			sc := readRegress(t, filepath.Base(p))
			tg, dropped, err := Target(sc, Override{Edition: sc.Edition})
			require.NoError(t, err)
			assert.Empty(t, dropped)
			res, f, _, err := Replay(tg, sc, max(catalog.DefaultJudgeMaxSteps, sc.Steps))
			require.NoError(t, err)
			assert.Nil(t, f.First, "%+v", f.First)
			assert.Equal(t, len(sc.Choices), f.Followed)
			assert.Equal(t, sc.TraceHash, engine.FormatHash(res.TraceHash))
			assert.Equal(t, oracleOf(sc.Finding), oracleOf(res.Finding))
		})
	}
}
