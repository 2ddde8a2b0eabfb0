package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// TestTarget_StepBound: the bound a caller replays a judged finding under
// is the one Judge explored with. Unset, it is DefaultJudgeMaxSteps, above
// the engine's default: a replay under the engine's would cut a run the
// judge let go on, and a just-run finding that does not fail again is
// reported as non-determinism (engine.ShrinkConfig.JustRan).
func TestTarget_StepBound(t *testing.T) {
	require.Greater(t, DefaultJudgeMaxSteps, engine.DefaultMaxSteps)
	for _, tc := range []struct{ set, want int }{
		{0, DefaultJudgeMaxSteps},
		{-1, DefaultJudgeMaxSteps},
		{5000, 5000},
		{DefaultJudgeMaxSteps * 2, DefaultJudgeMaxSteps * 2},
	} {
		tg := Target{MaxSteps: tc.set}
		assert.Equal(t, tc.want, tg.StepBound(), "MaxSteps %d", tc.set)
		assert.Equal(t, tg.maxSteps(), tg.StepBound(), "the bound Judge's explorations run under")
	}
}
