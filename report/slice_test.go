package report

import (
	"context"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/trace"
)

// The reset racing the freeze: of its 171 steps the narrowed slice keeps
// the guest's reset and the source's admin commands, and its lines name
// them.
func TestNarrowSliceOn(t *testing.T) {
	sc, err := catalog.ReadScheduleFile(regress)
	require.NoError(t, err)
	tg, err := catalog.TargetOf(sc)
	require.NoError(t, err)
	res, err := catalog.ReplayOn(tg, sc, engine.RunConfig{MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	n, err := NarrowSliceOn(context.Background(), tg, sc, res, catalog.DefaultJudgeMaxSteps, 0)
	require.NoError(t, err)
	require.True(t, n.Check.Kept)
	assert.False(t, n.Cut)
	assert.Less(t, len(n.Slice), len(res.Choices)/5, "narrowed %d of %d", len(n.Slice), len(res.Choices))
	var labels []string
	for _, i := range n.Slice {
		labels = append(labels, res.Choices[i].Label)
	}
	assert.Contains(t, labels, "vcpu0:mmio-write device_status=00")
	assert.Contains(t, labels, "src.pf:admin(tag 0)")

	var text string
	for i, c := range res.Choices {
		text += strconv.Itoa(engine.ShownStep(i)) + " t=0s " + c.Label + "\n"
	}
	lines := trace.SliceLinesOf(text, n.Slice, n.Text(len(res.Choices)))
	assert.Contains(t, lines, "steps placed")
	assert.Contains(t, lines, "vcpu0:mmio-write device_status=00")

	// A context already ended (a Ctrl-C): the footprint slice, checked,
	// and no drop tried, marked interrupted.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	cut, err := NarrowSliceOn(ctx, tg, sc, res, catalog.DefaultJudgeMaxSteps, 0)
	require.NoError(t, err)
	assert.True(t, cut.Interrupted)
	assert.True(t, cut.Cut)
	assert.Equal(t, 1, cut.Runs, "the check of the slice as given, then nothing")
	assert.Len(t, cut.Slice, len(engine.CausalSlice(res)))
}
