package dfs

import (
	"fmt"
	"slices"
)

// Reduction selects dfs's partial-order reduction.
type Reduction uint8

const (
	// ReductionSleep uses sleep sets only (the default).
	ReductionSleep Reduction = iota
	// ReductionDPOR uses source-set dynamic partial-order reduction
	// (Abdulla et al., POPL 2014) with sleep sets.
	ReductionDPOR
	// ReductionNone explores every pick within the bound: the reference
	// the reductions are tested against.
	ReductionNone
)

// EffectiveSplitDepth returns the split depth a search with the given
// SplitDepth and Shards uses.
func EffectiveSplitDepth(depth, shards int) int {
	switch {
	case depth > 0:
		return depth
	case shards > 1:
		return DefaultSplitDepth
	}
	return 0
}

// Reductions lists the reduction names in a stable order.
var Reductions = []string{"sleep", "dpor", "none"}

// String returns sleep, dpor or none.
func (r Reduction) String() string {
	if int(r) < len(Reductions) {
		return Reductions[r]
	}
	return fmt.Sprintf("reduction-%d", r)
}

// ParseReduction parses sleep, dpor or none.
func ParseReduction(s string) (Reduction, error) {
	if i := slices.Index(Reductions, s); i >= 0 {
		return Reduction(i), nil
	}
	return 0, fmt.Errorf("engine: unknown reduction %q (want sleep, dpor or none)", s)
}

// DefaultSplitDepth is the split depth of a sharded search whose
// Config.SplitDepth is zero.
const DefaultSplitDepth = 4

// BalancedSplitDepth returns the split depth that, measured over catalog
// searches of several shapes (docs/scale.md, "Choosing the split depth"),
// kept the largest of shards parts of a search smallest, with state
// pruning (states) or without: 0 for one shard (no split). Without state
// pruning 8: deep enough that the one large subtree of a lopsided tree
// is itself split among the shards. With state pruning every shard
// explores the states its own subtrees reach, whatever the depth, and no
// state above the split is pruned, so a deeper split adds runs to every
// shard without making the largest smaller: 2 for up to 4 shards, and
// DefaultSplitDepth for more, where 2 leaves too few subtrees. It depends
// on nothing but its arguments, which every shard of one exploration
// shares: every shard computes the same split, and the shards' merge is
// one search at that depth. Callers pass the state pruning the search
// does (none with ReductionDPOR).
func BalancedSplitDepth(shards int, states bool) int {
	switch {
	case shards <= 1:
		return 0
	case !states:
		return 8
	case shards <= 4:
		return 2
	}
	return DefaultSplitDepth
}

// Config configures a depth-first search.
type Config struct {
	// Bound is the preemption bound (negative: none).
	Bound int
	// Reduction is the partial-order reduction.
	Reduction Reduction
	// SplitDepth is the number of branching decisions at the top of the
	// tree that are explored in full (every awake pick within the bound,
	// whatever the reduction): the picks at the last of them number the
	// subtrees in depth-first order, and a shard explores the subtrees
	// whose number is Shard mod Shards. Zero means no split, or
	// DefaultSplitDepth when Shards > 1. A sharded search and the merge of
	// its shards equal one unsharded search with the same SplitDepth.
	SplitDepth int
	// Shard and Shards select this search's subtrees.
	Shard, Shards int
	// States prunes a decision whose state (engine.StateHasher) and checks
	// (engine.JudgeHasher, when the system has one) have been explored
	// completely before with no more sleeping steps and a remaining bound
	// that pays for every path from it (state.go). Ignored with
	// ReductionDPOR, whose backtrack sets need every run.
	States bool
	// StateCap caps the complete visits state pruning remembers, and the
	// known transitions, each (zero: visited.DefaultCap). Past it the
	// search remembers no more of them: it stays sound, but prunes nothing
	// from the states it explores later (Search.StatesFullAt).
	StateCap int
}
