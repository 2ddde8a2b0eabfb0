package engine

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// copyPath keeps the events from src.from on with their own enabled
// steps, whether it starts at a draw or a decision, into a fresh log or
// into one whose buffers held another run.
func TestEventLog_CopyPath(t *testing.T) {
	f := toyConfig{racers: 2, incs: 2, computes: 3, workload: true}.factory()
	r := NewRunner(RunConfig{})
	var src, long eventLog
	r.log = &long
	_, err := r.RunSeed(f, 5, NewRandom(NewStream(5, StreamSchedule)))
	require.NoError(t, err)
	r.log = &src
	res, err := r.RunSeed(f, 3, NewRandom(NewStream(3, StreamSchedule)))
	require.NoError(t, err)
	leaf := leafOf(&res)
	lastDraw, lastDecision := -1, -1 // before the run's last event
	for k, e := range src.events[:len(src.events)-1] {
		if e.kind == evDraw {
			lastDraw = k
		} else {
			lastDecision = k
		}
	}
	require.Positive(t, lastDraw, "the toy draws after its first event")
	require.Positive(t, lastDecision)
	cases := []struct {
		name  string
		from  int
		reuse bool
	}{
		{"whole run", 0, false},
		{"from a draw", lastDraw, false},
		{"from a decision", lastDecision, false},
		{"last event", len(src.events) - 1, false},
		{"past the end", len(src.events), false},
		{"into a used log", lastDraw, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var dst eventLog
			if c.reuse {
				dst.copyPath(&long)
			}
			src.from, src.leaf = c.from, leaf
			dst.copyPath(&src)
			require.Len(t, dst.events, len(src.events)-c.from)
			assert.Equal(t, 0, dst.from)
			assert.Same(t, leaf, dst.leaf)
			assert.True(t, dst.closed)
			steps := 0
			for k := range dst.events {
				d, s := &dst.events[k], &src.events[c.from+k]
				assert.Equal(t, s.kind, d.kind)
				assert.Equal(t, s.value, d.value)
				if d.kind == evDecision {
					assert.Equal(t, src.enabled(s), dst.enabled(d), "event %d", k)
					steps += int(d.n)
				}
			}
			assert.Len(t, dst.steps, steps, "only the copied decisions' steps")
		})
	}
}
