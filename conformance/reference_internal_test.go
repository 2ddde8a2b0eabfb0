package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// TestRefRuns: a row's run without migration is made once per seed and
// step bound, and every caller reads that run; a factory of the set's runs
// compares each world's guest log with its seed's run.
func TestRefRuns(t *testing.T) {
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tgt, err := catalog.NewTarget(s, spec.Draft2023, nil, nil)
	require.NoError(t, err)
	var rs refRuns
	for _, tc := range []struct {
		name     string
		seed     uint64
		maxSteps int
		same     bool // the run of seed 1 under the default bound
	}{
		{"the same seed and bound", 1, 0, true},
		{"the default bound named", 1, catalog.DefaultJudgeMaxSteps, true},
		{"another seed", 2, 0, false},
		{"another bound", 1, catalog.DefaultJudgeMaxSteps + 1, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			first := rs.get(tgt, 1)
			other := tgt
			other.MaxSteps = tc.maxSteps
			got := rs.get(other, tc.seed)
			require.NoError(t, got.err)
			assert.Equal(t, tc.same, got == first, "the same run")
			want, _, err := other.ReferenceTrouble(tc.seed)
			require.NoError(t, err)
			assert.Equal(t, want, got.log, "the run without migration of that seed")
		})
	}
	f, err := rs.factory(tgt, 1)
	require.NoError(t, err)
	sys, err := f(engine.NewStreams(1))
	require.NoError(t, err)
	assert.NotNil(t, sys)
}
