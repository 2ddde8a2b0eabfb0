package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// TestReferenceOncePerSeed: a target that remembers its reference runs
// (Judge's) runs each seed's once: FactoryInfo's two probes are
// remembered, and a later Reference of either seed (the impact's, the run
// facts', the race check's) returns the log that run made, not a new run's
// copy. A target without the memory runs the reference on every call.
func TestReferenceOncePerSeed(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, err := NewTarget(s, spec.Draft2023, nil, nil)
	require.NoError(t, err)
	probe := engine.ScheduleSeed(1, 0)
	other := engine.SplitMix64(probe ^ 0x7265666572656e63)

	plain1, err := tg.Reference(probe)
	require.NoError(t, err)
	plain2, err := tg.Reference(probe)
	require.NoError(t, err)
	require.NotEmpty(t, plain1)
	assert.Equal(t, plain1, plain2)
	assert.NotSame(t, &plain1[0], &plain2[0], "without the memory every call runs the reference")

	tg.refs = &referenceLogs{}
	_, seedFree, err := tg.FactoryInfo(probe)
	require.NoError(t, err)
	assert.True(t, seedFree)
	require.Len(t, tg.refs.runs, 2, "the probe and the second seed")
	for _, seed := range []uint64{probe, other} {
		first, err := tg.Reference(seed)
		require.NoError(t, err)
		again, err := tg.Reference(seed)
		require.NoError(t, err)
		assert.Equal(t, plain1, first, "the remembered run is the run")
		assert.Same(t, &first[0], &again[0], "seed %d ran once", seed)
		assert.Same(t, &tg.refs.runs[seed].log[0], &first[0], "seed %d is FactoryInfo's run", seed)
	}
	assert.Len(t, tg.refs.runs, 2, "no seed ran twice")
}

// TestReferenceLogsCapped: past its cap the memory keeps no new seed, and a
// seed it did not keep still gives its run.
func TestReferenceLogsCapped(t *testing.T) {
	s, err := CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, err := NewTarget(s, spec.Draft2023, nil, nil)
	require.NoError(t, err)
	tg.refs = &referenceLogs{cap: 1}
	first, err := tg.Reference(1)
	require.NoError(t, err)
	second, err := tg.Reference(2)
	require.NoError(t, err)
	again, err := tg.Reference(2)
	require.NoError(t, err)
	require.Len(t, tg.refs.runs, 1, "the cap")
	assert.Contains(t, tg.refs.runs, uint64(1))
	assert.Equal(t, second, again, "a seed past the cap runs again, to the same log")
	assert.NotSame(t, &second[0], &again[0], "a seed past the cap is not kept")
	kept, err := tg.Reference(1)
	require.NoError(t, err)
	assert.Same(t, &first[0], &kept[0])
}
