package cmdprogress

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/progress"
)

// A shrink's status lines (--progress always: one per line) come when the
// smallest failing schedule changes and every shrinkEvery replays, not
// per replay; without progress lines there is no callback.
func TestShrinkProgress(t *testing.T) {
	assert.Nil(t, Shrink(nil))
	var b bytes.Buffer
	w, err := progress.ForMode("always", &b)
	require.NoError(t, err)
	cb := Shrink(w)
	big := engine.Size{Steps: 140, Preemptions: 3, Relevant: 90}
	small := engine.Size{Steps: 60, Preemptions: 1, Relevant: 40}
	for i := 1; i <= 250; i++ {
		best := big
		if i >= 7 {
			best = small
		}
		cb(i, 5000, best)
	}
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	assert.Equal(t, []string{
		"shrink: 1/5000 replays, the smallest failing schedule so far 140 steps, 3 preemptions",
		"shrink: 7/5000 replays, the smallest failing schedule so far 60 steps, 1 preemption",
		"shrink: 100/5000 replays, the smallest failing schedule so far 60 steps, 1 preemption",
		"shrink: 200/5000 replays, the smallest failing schedule so far 60 steps, 1 preemption",
	}, lines)
}
