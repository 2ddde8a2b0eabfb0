// Package visited is what a depth-first search with state pruning
// remembers of the states it has explored (dfs.Config.States): the
// complete visits of every state and the rule by which an earlier visit
// covers a later one (Table), and the known transitions, where a step run
// from a state led (Transitions).
//
// A state is the system's state hash with its judge hash (Key): what the
// system's checks keep to judge later steps with, such as an image read
// earlier that a later read must match. Two paths may reach one state
// having shown the checks different things, and a check may then pass a
// later step on one and fail it on the other; so a visit covers only
// visits with the same state and the same judge hash.
//
// A visit records its previous actor when that actor has a step enabled
// (it decides which picks are preemptions), -1 when it has none (no pick
// is then a preemption). An earlier visit covers a later one when its
// sleep set was a subset of the later one's and its remaining preemption
// budget was large enough for every path the later one may run: at least
// the later one's when both have the same previous actor or the earlier
// had none, at least one more otherwise (only the first pick's cost can
// differ, by one: after it both paths have the same previous actor). It
// explored every path the later one would, and more. A visit added with an
// unbounded budget (-1) covers every later visit whatever its budget: the
// search adds one so when the bound never cut its subtree, since with any
// larger budget it would have run exactly the same paths.
//
// The package knows nothing of the search: which visits are complete,
// which decisions may be pruned and which transitions may be trusted is
// the search's to decide (package engine/dfs).
package visited
