// Package engine owns deterministic exploration of any concurrent system
// behind the small System interface: the scheduler and its virtual clock,
// pull coroutines for actor bodies, the strategies (random, pct, dfs with
// a preemption bound, sleep sets, source-set DPOR and state pruning,
// replay, byte-driven), seed streams, versioned schedule files, the
// parallel explorer with its decision-tree memo, shards of every strategy
// and their merge, and the schedule shrinker with its causal slice.
//
// engine knows nothing of virtio, PCI or migration: it sees steps with
// labels and footprints, findings with oracle names, and the choices that
// picked them. Every random choice flows from one seed, so a schedule
// replays to the same trace hash, byte for byte. The toy systems of its
// tests (a lost update, a noisy race) show the contract.
package engine
