package conformance_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/spec"
)

// TestReplayDir_KeepsEarlierCounterexamples: two kits that fail the same
// row with two devices, writing into one --replay-dir, each leave their own
// counterexample: the second does not replace the first's file (whose
// replay command the first report printed) but takes the first free
// edition of its name, NAME.1.json, as migsim explore keeps its schedule
// files; each file records the device that failed.
func TestReplayDir_KeepsEarlierCounterexamples(t *testing.T) {
	dir := t.TempDir()
	schedules := map[string]string{}
	for _, name := range []string{"builtin:mutant/loses-latched-doorbell", "builtin:mutant/irq-on-kick-when-stopped"} {
		d, ok := conformance.BuiltinDevice(name)
		require.True(t, ok, name)
		rep, err := conformance.Check(d, conformance.Short(), conformance.Parts(false, true), conformance.Scenarios("kick-during-stop"),
			conformance.Editions(spec.Draft2023), conformance.ReplayDir(dir))
		require.NoError(t, err)
		require.True(t, rep.Failed(), "%s fails kick-during-stop", name)
		for _, u := range rep.Units {
			for _, fl := range u.Failures {
				if fl.Schedule != "" && strings.HasSuffix(u.Name, "kick-during-stop/draft-2023") {
					schedules[name] = fl.Schedule
				}
			}
		}
		require.Contains(t, schedules, name, "%s: a counterexample of the default row", name)
	}
	first, second := schedules["builtin:mutant/loses-latched-doorbell"], schedules["builtin:mutant/irq-on-kick-when-stopped"]
	assert.NotEqual(t, first, second, "the second device's counterexample is written beside the first's")
	for name, path := range schedules {
		sc, err := catalog.ReadScheduleFile(path)
		require.NoError(t, err)
		assert.Equal(t, name, sc.Device, "%s records the device that failed", path)
	}
}
