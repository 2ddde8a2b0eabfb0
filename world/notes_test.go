package world_test

import (
	"regexp"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/record"
)

// TestNotes: a function's note reads "[step] host.function: text" once the
// notes are asked for; a recorded run keeps them too, and its trace holds
// the devices' notes; a run that is neither recorded nor asked to keep
// notes keeps none (its devices are quiet), and walks the same steps.
func TestNotes(t *testing.T) {
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	fn := regexp.MustCompile(`^\[\d+\] (src|dst)\.(pf|vf\d+): \S`)
	var labels [3][]string
	for i, c := range []struct{ notes, record bool }{{true, false}, {false, true}, {false, false}} {
		keep := c.notes || c.record
		w, err := world.NewWorld(world.WorldConfig{Scenario: s, Edition: spec.Virtio14,
			Rules: spec.DefaultRules(spec.Virtio14), Notes: c.notes, Record: c.record}, engine.NewStreams(1))
		require.NoError(t, err)
		t.Cleanup(w.Close)
		_, f := walk(w, 2000, func(en []engine.Step) int {
			labels[i] = append(labels[i], en[0].Label)
			return 0
		}, nil)
		require.Nil(t, f)
		if !keep {
			assert.Empty(t, w.Notes(), "a quiet run keeps no notes")
			continue
		}
		var named int
		for _, n := range w.Notes() {
			require.Regexp(t, `^\[\d+\] \S`, n)
			if fn.MatchString(n) {
				named++
			}
		}
		assert.Positive(t, named, "the functions' notes name host and function: %v", w.Notes())
		if c.record {
			traced := 0
			for _, e := range w.Events() {
				if e.Kind == record.TraceNote {
					traced++
				}
			}
			assert.Positive(t, traced, "a recorded trace holds the devices' notes")
		}
	}
	assert.Equal(t, labels[0], labels[1], "notes change no step")
	assert.Equal(t, labels[0], labels[2], "notes change no step")
}
