package world

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// firstChooser always continues the previous actor, else takes the first
// enabled step: the deterministic chooser of reference runs in tests.
type firstChooser struct{}

func (firstChooser) Choose(d *engine.Decision) (int, error) { return d.Continue(), nil }

const smokeScenario = `scenario smoke
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0xa1
  read sector=0 count=2
  flush
`

// TestWorldSmoke migrates a guest that probes, writes, reads and flushes, in
// both editions: the run without migration and the migrated run see the
// same guest log, nothing fails and no oracle fires.
func TestWorldSmoke(t *testing.T) {
	s, err := scenario.ParseScenario("smoke.scn", []byte(smokeScenario))
	require.NoError(t, err)
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			logs := map[bool][]string{}
			for _, ref := range []bool{true, false} {
				var w *World
				res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
					var err error
					w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Reference: ref}, st)
					return w, err
				}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 100000})
				require.NoError(t, err)
				require.Nil(t, res.Finding, "reference=%v", ref)
				log := w.GuestLog()
				for _, l := range log {
					assert.NotContains(t, l, "FAIL", "reference=%v", ref)
				}
				assert.True(t, strings.HasPrefix(log[len(log)-1], "vcpu0: final:"), "the guest finished")
				logs[ref] = log
			}
			assert.Equal(t, logs[true], logs[false], "the guest cannot tell it moved")
			assert.Contains(t, strings.Join(logs[false], "\n"), "read sector=0 count=2: status=0")
		})
	}
}

// TestDefaultFlowIsACopy: the default flows are parsed once and handed out as
// copies, so a world that prepends an await (hv-await) or a test that edits
// its flow changes no other world's flow.
func TestDefaultFlowIsACopy(t *testing.T) {
	for _, ed := range spec.Editions {
		a := DefaultFlow(ed)
		n := len(a.Ops)
		require.Equal(t, "precheck", a.Ops[0].Verb)
		a.Ops[0].Verb = "changed"
		a.Ops = append([]scenario.Op{{Verb: "await"}}, a.Ops...)
		a.Edition = ed
		b := DefaultFlow(ed)
		assert.Len(t, b.Ops, n)
		assert.Equal(t, "precheck", b.Ops[0].Verb)
		assert.Equal(t, spec.Edition(0), b.Edition)
	}
}
