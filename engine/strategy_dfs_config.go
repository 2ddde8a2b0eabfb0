package engine

import (
	"fmt"

	"github.com/migsim/migsim/engine/dfs"
	"github.com/migsim/migsim/engine/visited"
)

// The dfs strategy's configuration and vocabulary are package dfs's;
// engine names them.

// DFSConfig configures a depth-first search (dfs.Config).
type DFSConfig = dfs.Config

// Reduction selects dfs's partial-order reduction (dfs.Reduction).
type Reduction = dfs.Reduction

// The reductions (package dfs).
const (
	// ReductionSleep uses sleep sets only (the default).
	ReductionSleep = dfs.ReductionSleep
	// ReductionDPOR uses source-set dynamic partial-order reduction with
	// sleep sets.
	ReductionDPOR = dfs.ReductionDPOR
	// ReductionNone explores every pick within the bound.
	ReductionNone = dfs.ReductionNone
)

// Reductions lists the reduction names in a stable order (dfs.Reductions).
var Reductions = dfs.Reductions

// ParseReduction parses sleep, dpor or none (dfs.ParseReduction).
func ParseReduction(s string) (Reduction, error) { return dfs.ParseReduction(s) }

// DefaultSplitDepth is the split depth of a sharded search whose
// DFSConfig.SplitDepth is zero (dfs.DefaultSplitDepth).
const DefaultSplitDepth = dfs.DefaultSplitDepth

// BalancedSplitDepth returns the split depth measured to balance shards
// parts of a search with or without state pruning
// (dfs.BalancedSplitDepth).
func BalancedSplitDepth(shards int, states bool) int { return dfs.BalancedSplitDepth(shards, states) }

// EffectiveSplitDepth returns the split depth a search with the given
// SplitDepth and Shards uses (dfs.EffectiveSplitDepth).
func EffectiveSplitDepth(depth, shards int) int { return dfs.EffectiveSplitDepth(depth, shards) }

// DefaultStateCap caps the states remembered for state pruning, and the
// known transitions, when DFSConfig.StateCap and ExploreConfig.StateCap
// are zero (visited.DefaultCap).
const DefaultStateCap = visited.DefaultCap

// MinStateCap and MaxStateCap bound ExploreConfig.StateCap: a table
// smaller than the least a catalog proof fills is no use, and one of
// MaxStateCap visits and as many transitions takes about 13 GB
// (docs/engine.md, "A full state table").
const (
	MinStateCap = 1 << 10
	MaxStateCap = 1 << 26
)

// CheckStateCap refuses a state cap outside MinStateCap..MaxStateCap (zero
// is DefaultStateCap).
func CheckStateCap(n int) error {
	if n != 0 && (n < MinStateCap || n > MaxStateCap) {
		return fmt.Errorf("engine: state cap %d out of range: want %d..%d states (0: the default %d)", n, MinStateCap, MaxStateCap, DefaultStateCap)
	}
	return nil
}

// SubtreeRuns counts the complete runs of one subtree of the split
// (dfs.SubtreeRuns).
type SubtreeRuns = dfs.SubtreeRuns

// RunKind says how a dfs run counted (dfs.RunKind).
type RunKind = dfs.RunKind

// The kinds of dfs run (package dfs).
const (
	// RunComplete is a complete run of this shard (a schedule).
	RunComplete = dfs.RunComplete
	// RunPruned is a run of this shard abandoned by sleep sets, the bound
	// or state pruning.
	RunPruned = dfs.RunPruned
	// RunForeign is a run into (or of) another shard's subtree.
	RunForeign = dfs.RunForeign
)

// ErrForeign is returned by a sharded dfs for a run that enters a subtree
// of another shard (dfs.ErrForeign).
var ErrForeign = dfs.ErrForeign
