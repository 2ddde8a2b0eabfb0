// Package sim owns the deterministic world: the scheduler and its strategies
// (random, pct, dfs, replay), the virtual clock, the actors (guest driver,
// hypervisor, peer device), scenarios, oracles, the explorer, the schedule
// shrinker, and traces with their exports. Every random choice flows from one
// seed; the same schedule replays to the same trace, byte for byte.
package sim
