package sim

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

type firstChooser struct{}

func (firstChooser) Choose(d *Decision) (int, error) { return d.Continue(), nil }

const smokeScenario = `scenario smoke
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0xa1
  read sector=0 count=2
  flush
`

func TestWorldSmoke(t *testing.T) {
	s, err := ParseScenario("smoke.scn", []byte(smokeScenario))
	require.NoError(t, err)
	for _, ed := range spec.Editions {
		for _, ref := range []bool{true, false} {
			var w *World
			f := func(st Streams) (System, error) {
				var err error
				w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Reference: ref}, st)
				return w, err
			}
			res, err := Run(f, 1, firstChooser{}, RunConfig{MaxSteps: 100000})
			require.NoError(t, err)
			t.Logf("%s ref=%v steps=%d finding=%+v", ed, ref, res.Steps(), res.Finding)
			for _, l := range w.GuestLog() {
				t.Log(l)
			}
			for _, n := range w.Notes() {
				t.Log(n)
			}
		}
	}
}
