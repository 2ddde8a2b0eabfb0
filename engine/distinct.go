package engine

import "github.com/migsim/migsim/engine/distinct"

// DefaultDistinctCap is how many distinct interleavings an exploration
// keeps (ExploreConfig.DistinctCap): 2,097,152 hashes in a table of at
// most 4,194,304 slots, 32 MiB. Past it Summary.Distinct stops growing and
// Summary.DistinctCapped says the count is a lower bound (docs/engine.md,
// "Distinct interleavings"; package engine/distinct).
const DefaultDistinctCap = distinct.DefaultCap
