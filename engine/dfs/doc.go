// Package dfs is the depth-first search of package engine's dfs strategy
// (docs/engine.md, "Strategies"): the tree of a deterministic system's
// choices explored run after run under a preemption bound, with sleep
// sets, source-set DPOR (dpor.go), state pruning and known transitions
// (state.go, transitions.go, the visits themselves in package
// engine/visited), and the split of the tree into the subtrees of shards
// (split.go). It sees a run's decisions (Decision) and steps (Step) as
// package engine hands them to it; engine.DFS runs it as a Chooser.
package dfs
