package report

import (
	"context"
	"fmt"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/explain"
	"github.com/migsim/migsim/engine/schedfile"
)

// NarrowSliceOn narrows the causal slice (engine.CausalSlice) of res, a
// replay of sc on the target t, by running it (explain.NarrowSlice,
// docs/engine.md "Explaining"), each run bounded by maxSteps, at most runs
// runs (0: explain.DefaultNarrowRuns); when ctx ends first, the narrowing
// so far, marked Interrupted. `replay --slice` can print its steps with
// trace.SliceLinesOf and its Text.
func NarrowSliceOn(ctx context.Context, t catalog.Target, sc *schedfile.Schedule, res engine.Result, maxSteps, runs int) (explain.Narrowed, error) {
	t.MaxSteps = maxSteps
	f, err := t.Factory(sc.Seed)
	if err != nil {
		return explain.Narrowed{}, fmt.Errorf("report: narrow slice: %w", err)
	}
	n, err := explain.NarrowSliceContext(ctx, f, sc.Seed, res, engine.CausalSlice(res), maxSteps, runs)
	if err != nil {
		return explain.Narrowed{}, fmt.Errorf("report: narrow slice: %w", err)
	}
	return n, nil
}
