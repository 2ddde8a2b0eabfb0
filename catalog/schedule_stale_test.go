package catalog

import (
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// A stale schedule's hint names a command that runs: the scenario file
// when it is there, and, when the scenario came from the text the schedule
// carries (its file gone, or never named), a FILE to save that text to,
// never the missing path or the words "scenario_text of the schedule" as
// --scenario's value.
func TestScheduleScenario_StaleHintRuns(t *testing.T) {
	s := writeScenario(t, "flr.scn", judgeFLRScenario)
	tg, res := continuedRun(t, s)
	edited := strings.Replace(judgeFLRScenario, "pattern=0x22", "pattern=0x23", 1)
	require.NotEqual(t, judgeFLRScenario, edited)

	for _, tc := range []struct {
		name      string
		file      bool   // the scenario file stays, edited
		named     bool   // the schedule names a scenario file
		want      string // the command's --scenario
		notWanted []string
	}{
		{"the file edited", true, true, "--scenario " + s.File + " ", []string{"FILE"}},
		{"the file gone, the text edited", false, true, "--scenario FILE ", []string{"gone.scn --spec"}},
		{"no file named, the text edited", false, false, "--scenario FILE ", []string{"scenario_text of the schedule --spec"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := tg.Schedule(engine.StrategyRandom, 1, 0, res)
			require.NotEmpty(t, sc.ScenarioText)
			require.NotEmpty(t, sc.ScenarioFile)
			if !tc.named {
				sc.ScenarioFile = ""
			}
			if tc.file {
				require.NoError(t, os.WriteFile(s.File, []byte(edited), 0o644))
				t.Cleanup(func() { require.NoError(t, os.WriteFile(s.File, []byte(judgeFLRScenario), 0o644)) })
			} else {
				sc.ScenarioFile = strings.Replace(sc.ScenarioFile, "flr.scn", "gone.scn", 1)
				if !tc.named {
					sc.ScenarioFile = ""
				}
				sc.ScenarioText = strings.Replace(sc.ScenarioText, "pattern=0x22", "pattern=0x23", 1)
			}
			_, err := ScheduleScenario(sc)
			require.ErrorIs(t, err, ErrStale)
			assert.Contains(t, err.Error(), "migsim explore "+tc.want)
			for _, n := range tc.notWanted {
				assert.NotContains(t, err.Error(), n)
			}
		})
	}
}
