// Package merge combines the summaries of the shards of one exploration
// (engine.ExploreConfig Shard and Shards, explored with MergeData) into the
// summary one unsharded process gives: what `migsim merge` prints
// (docs/scale.md). Its own tests check the merge of crafted summaries
// (errors, sums, unions, dfs renumbering); engine's external tests
// (engine/merge_test.go) check that real shards of toy systems merge into
// what one process gives.
package merge

import (
	"cmp"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/migsim/migsim/engine"
)

// Summaries combines the summaries of every shard of one exploration
// (each explored with MergeData) into the summary a single unsharded
// process gives with the same configuration (for dfs: the same split
// depth): counts add up, distinct interleavings are the union, the first
// finding of each oracle is the lowest schedule index over all shards
// (for dfs, indices are renumbered in depth-first order across subtrees).
// When a shard kept only its first engine.ExploreConfig.DistinctCap
// interleavings (DistinctCapped), so does the merge: the union of what the
// shards kept is a lower bound, DistinctCapped set, and may differ from
// the lower bound one process would give, which kept the first DistinctCap
// over all schedules. When a shard's dfs state table or known transitions
// reached their cap, so did the merge's: StatesFullAt and
// TransitionsFullAt are the earliest run, in its own shard's count, at
// which a shard's did, StateCap the largest shard's cap.
// Elapsed is the slowest shard's; Executed, ExecutedDecisions and Memo add up (they are cost,
// not result). With StopOnFinding the shards stop independently and the
// merge is only what they ran.
func Summaries(parts []engine.Summary) (engine.Summary, error) {
	out, err := Named(parts, nil)
	if err != nil {
		return out, fmt.Errorf("engine: merge: %w", err)
	}
	return out, nil
}

// Named is Summaries with names[i] naming parts[i] in its errors (a shard
// summary's file); without a name a part is "summary i". Its errors carry
// no package prefix: they name the parts, and the caller says what it was
// merging.
func Named(parts []engine.Summary, names []string) (engine.Summary, error) {
	if len(parts) == 0 {
		return engine.Summary{}, errors.New("no summaries")
	}
	name := func(i int) string {
		if i < len(names) {
			return names[i]
		}
		return fmt.Sprintf("summary %d", i)
	}
	first := parts[0]
	n := max(first.Shards, 1)
	// seen maps a shard to 1 + the index of the part that is it. Its size
	// is the number of parts, never the shard count, which a summary file
	// states and may state as anything.
	seen := make(map[int]int, len(parts))
	for i, p := range parts {
		switch {
		case p.Strategy != first.Strategy || p.Seed != first.Seed || max(p.Shards, 1) != n:
			return engine.Summary{}, fmt.Errorf("%s is shard %d/%d of a %s exploration with seed %d, %s is shard %d/%d of a %s exploration with seed %d: not one exploration",
				name(i), p.Shard, p.Shards, p.Strategy, p.Seed, name(0), first.Shard, first.Shards, first.Strategy, first.Seed)
		case p.Reduction != first.Reduction:
			return engine.Summary{}, fmt.Errorf("%s explored with reduction %s, %s with %s: not one exploration", name(i), p.Reduction, name(0), first.Reduction)
		case p.SplitDepth != first.SplitDepth:
			return engine.Summary{}, fmt.Errorf("%s explored with split depth %d, %s with %d: not one exploration", name(i), p.SplitDepth, name(0), first.SplitDepth)
		case p.PCTSteps != first.PCTSteps:
			return engine.Summary{}, fmt.Errorf("%s learnt pct k %d, %s k %d: not one exploration", name(i), p.PCTSteps, name(0), first.PCTSteps)
		case p.Shard < 0 || p.Shard >= n:
			return engine.Summary{}, fmt.Errorf("%s: shard %d out of range 0..%d", name(i), p.Shard, n-1)
		case seen[p.Shard] > 0:
			return engine.Summary{}, fmt.Errorf("shard %d/%d appears twice (%s and %s)", p.Shard, n, name(seen[p.Shard]-1), name(i))
		case p.Distinct > 0 && len(p.Interleavings) == 0:
			return engine.Summary{}, fmt.Errorf("shard %d/%d (%s) was explored without MergeData", p.Shard, n, name(i))
		}
		seen[p.Shard] = i + 1
	}
	if len(seen) < n {
		// The parts are distinct shards in 0..n-1, fewer than n: one of the
		// first len(parts)+1 shards is missing.
		missing := 0
		for seen[missing] > 0 {
			missing++
		}
		return engine.Summary{}, fmt.Errorf("shard %d/%d is missing", missing, n)
	}
	out := engine.Summary{Strategy: first.Strategy, Seed: first.Seed, Shards: 1, PCTSteps: first.PCTSteps,
		Reduction: first.Reduction, SplitDepth: first.SplitDepth, Complete: true}
	var offsets map[int]int
	if first.Strategy == engine.StrategyDFS {
		offsets = map[int]int{}
		var subs []engine.SubtreeRuns
		for _, p := range parts {
			subs = append(subs, p.Subtrees...)
		}
		slices.SortFunc(subs, func(a, b engine.SubtreeRuns) int { return cmp.Compare(a.ID, b.ID) })
		at := 0
		for _, s := range subs {
			offsets[s.ID] = at
			at += s.Runs
		}
		out.Subtrees = subs
	}
	best := map[string]engine.Report{}
	for i, p := range parts {
		if err := addCounts(&out, p); err != nil {
			return engine.Summary{}, fmt.Errorf("%s: %w", name(i), err)
		}
		out.Complete = out.Complete && p.Complete
		out.BoundHit = out.BoundHit || p.BoundHit
		out.Interrupted = out.Interrupted || p.Interrupted
		out.DistinctCapped = out.DistinctCapped || p.DistinctCapped
		out.StatesFullAt = earliest(out.StatesFullAt, p.StatesFullAt)
		out.TransitionsFullAt = earliest(out.TransitionsFullAt, p.TransitionsFullAt)
		out.StateCap = max(out.StateCap, p.StateCap)
		out.Memo.Full = out.Memo.Full || p.Memo.Full
		out.Memo.Dropped = out.Memo.Dropped || p.Memo.Dropped
		out.Elapsed = max(out.Elapsed, p.Elapsed)
		out.Interleavings = append(out.Interleavings, p.Interleavings...)
		for _, r := range p.Findings {
			if offsets != nil {
				r.Index = offsets[r.Subtree] + r.SubtreeIndex
			}
			if b, ok := best[r.Finding.Oracle]; !ok || r.Index < b.Index {
				best[r.Finding.Oracle] = r
			}
		}
	}
	slices.Sort(out.Interleavings)
	out.Interleavings = slices.Compact(out.Interleavings)
	out.Distinct = len(out.Interleavings)
	for _, r := range best {
		out.Findings = append(out.Findings, r)
	}
	slices.SortFunc(out.Findings, func(a, b engine.Report) int { return cmp.Compare(a.Index, b.Index) })
	return out, nil
}

// addCounts adds the counts of part p to out, or says which count would
// pass the largest int64 (or go below zero): no exploration runs that
// many, but a summary file may state anything its checks let through,
// and a sum that wraps around would print a negative count.
func addCounts(out *engine.Summary, p engine.Summary) error {
	for _, c := range []struct {
		name string
		sum  *int64
		v    int64
	}{
		{"Decisions", &out.Decisions, p.Decisions},
		{"ExecutedDecisions", &out.ExecutedDecisions, p.ExecutedDecisions},
	} {
		if err := checkedAdd(c.name, c.sum, c.v); err != nil {
			return err
		}
	}
	for _, c := range []struct {
		name string
		sum  *int
		v    int
	}{
		{"Schedules", &out.Schedules, p.Schedules}, {"Pruned", &out.Pruned, p.Pruned}, {"Failing", &out.Failing, p.Failing},
		{"Executed", &out.Executed, p.Executed}, {"StateHits", &out.StateHits, p.StateHits},
		{"Memo.Hits", &out.Memo.Hits, p.Memo.Hits}, {"Memo.Verified", &out.Memo.Verified, p.Memo.Verified},
		{"Memo.Nodes", &out.Memo.Nodes, p.Memo.Nodes},
	} {
		s := int64(*c.sum)
		if err := checkedAdd(c.name, &s, int64(c.v)); err != nil {
			return err
		}
		*c.sum = int(s)
	}
	return nil
}

// checkedAdd adds v to *sum, both at least 0, or returns an error naming
// the count when v is negative or the sum would pass math.MaxInt64.
func checkedAdd(name string, sum *int64, v int64) error {
	if v < 0 {
		return fmt.Errorf("%s: %d is negative", name, v)
	}
	if v > math.MaxInt64-*sum {
		return fmt.Errorf("%s: %d added to the %d of the summaries before it passes %d", name, v, *sum, int64(math.MaxInt64))
	}
	*sum += v
	return nil
}

// earliest returns the earlier of two runs at which a table filled, either
// of them 0 when it did not.
func earliest(a, b int) int {
	if a == 0 || (b > 0 && b < a) {
		return b
	}
	return a
}
