package catalog

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// TestReferenceError_Needs: a reference run cut by a step bound below the
// default reports how many steps the run takes (the steps of the same run
// under the default bound), so that the user can be told what --max-steps
// to give; at the default bound, or for a finding other than the bound,
// nothing is run again and Needs stays 0.
func TestReferenceError_Needs(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
		tg, err := NewTarget(s, ed, nil, nil)
		require.NoError(t, err)
		full, _, err := tg.ReferenceRun(7, engine.RunConfig{}, false)
		require.NoError(t, err)
		require.Nil(t, full.Finding)
		for _, bound := range []int{1, full.Steps() - 1} {
			tg.MaxSteps = bound
			_, err := tg.Reference(7)
			var ref *ReferenceError
			require.True(t, errors.As(err, &ref), "%s bound %d: %v", ed, bound, err)
			assert.True(t, ref.Finding.StepBound(), "%s bound %d", ed, bound)
			assert.Equal(t, full.Steps(), ref.Needs, "%s bound %d", ed, bound)
		}
		tg.MaxSteps = full.Steps()
		_, err = tg.Reference(7)
		assert.NoError(t, err, "%s: the steps it needs are enough", ed)

		other := engine.Finding{Oracle: engine.OracleLive, Message: "deadlock: no step enabled"}
		tg.MaxSteps = 1
		assert.Zero(t, tg.referenceError(7, other).Needs, "%s: not a step bound", ed)
		tg.MaxSteps = DefaultJudgeMaxSteps
		cut := engine.Finding{Oracle: engine.OracleLive, Message: "step bound 200000 reached"}
		if assert.True(t, cut.StepBound()) {
			assert.Zero(t, tg.referenceError(7, cut).Needs, "%s: at the default bound nothing runs again", ed)
		}
	}
}
