package catalog

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
)

// TestScheduleScenario_ProseEditsKeepSchedules: a schedule file records
// the hash of what its runs depend on, so rewording the scenario's prose,
// adding a row or changing an explore budget keeps it replayable, while an
// edit to an actor makes it stale. A file of format 3 recorded the hash
// of the whole parsed form and goes stale on any edit, as it always did.
func TestScheduleScenario_ProseEditsKeepSchedules(t *testing.T) {
	s := writeScenario(t, "flr.scn", judgeFLRScenario)
	tg, res := continuedRun(t, s)
	sc := tg.Schedule(engine.StrategyRandom, 1, 0, res)
	require.Equal(t, schedfile.Format, sc.Format)
	v3 := *sc
	v3.Format, v3.ScenarioHash = schedfile.FormatV3, s.Hash

	cases := []struct {
		name, old, new string
		fresh          bool // a format-4 schedule still replays
	}{
		{"title added", "question 1\n", "question 1\ntitle FLR racing Freeze\n", true},
		{"explain added", "vfs 1\n", "explain The guest starts an FLR.\nvfs 1\n", true},
		{"row added", "expect draft-2023 pass\n", "expect draft-2023 pass\nexpect draft-2023 flr-vs-mode=defer-flr pass\n", true},
		{"explore budget", "schedules=300", "schedules=600", true},
		{"operation changed", "pattern=0x22", "pattern=0x23", false},
		{"setting removed", "set hv-await=ready\n", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			src := strings.Replace(judgeFLRScenario, c.old, c.new, 1)
			require.NotEqual(t, judgeFLRScenario, src)
			require.NoError(t, os.WriteFile(s.File, []byte(src), 0o644))
			_, err := ScheduleScenario(sc)
			if c.fresh {
				require.NoError(t, err)
				got, err := ReplaySchedule(sc, engine.RunConfig{})
				require.NoError(t, err)
				assert.Equal(t, res.TraceHash, got.TraceHash, "the same run")
			} else {
				require.ErrorIs(t, err, ErrStale)
				assert.Contains(t, err.Error(), filepath.Base(s.File))
			}
			_, err = ScheduleScenario(&v3)
			require.ErrorIs(t, err, ErrStale, "format 3 hashed the whole scenario")
		})
	}
	require.NoError(t, os.WriteFile(s.File, []byte(judgeFLRScenario), 0o644))
	_, err := ScheduleScenario(&v3)
	require.NoError(t, err, "an unedited scenario: format 3 still reads")
}
