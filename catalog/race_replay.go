package catalog

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/vocab"
)

// placeReplay replays a recorded run in another world, keeping each
// actor's place in the recording: the race check's replay of a finding's
// schedule without migration, where the migration's steps are gone and a
// strict or lenient replay by index would shift every later pick
// (docs/scenarios.md, "Replaying a finding without migration").
//
// Each recorded step belongs to its actor, named as the recorded world
// named it, through its counterpart (withoutMigrationName). Each actor
// has a position in its own recorded steps, at first its first. At a
// decision every enabled step gets a rank: the index in the recording of
// the first recorded step of its actor, at or after the actor's position,
// with the step's label (by label); else the index of the actor's next
// recorded step (by actor); else none. The pick is the step of the
// lowest rank; at equal ranks a step matched by label before one matched
// by actor, then the previous actor's step, then the first in enabled
// order; when no step has a rank, Decision.Continue. A pick matched by
// label moves its actor's position past that recorded step; one matched
// by actor moves nothing (the actor did something the recording does not
// have, and keeps its place). So recorded steps whose actor never has a
// matching step here (the hypervisor's migration steps, the owners'
// admin commands) are passed over without costing the others their
// place, and the guests, peers and devices take their recorded steps in
// the recorded order as far as the run allows.
type placeReplay struct {
	// index[actor][label] lists the actor's own positions (indices into
	// steps[actor]) of its recorded steps with that label, ascending.
	index map[string]map[string][]int
	// steps[actor] lists the recording's indices of the actor's steps.
	steps map[string][]int
	// pos[actor] is the actor's position in steps[actor].
	pos map[string]int
	// name names an actor of the running world.
	name func(actor int) string
	// taken[i] is set once recorded step i was matched by label; last is
	// the highest such i (-1 before any).
	taken []bool
	last  int
}

// passedOver is the number of recorded steps before the last one the
// replay took by label that it never took: steps with no counterpart in
// the run (the hypervisor's migration steps, an owner's admin commands).
func (r *placeReplay) passedOver() int {
	n := 0
	for i := 0; i < r.last; i++ {
		if !r.taken[i] {
			n++
		}
	}
	return n
}

// newPlaceReplay returns the replay of the recorded steps labels, whose
// actors the recorded world named names (names[i] the actor of step i;
// "" for a step of no known actor, which no pick matches), in the world
// whose actors name names.
func newPlaceReplay(names, labels []string, name func(actor int) string) *placeReplay {
	r := &placeReplay{index: map[string]map[string][]int{}, steps: map[string][]int{}, pos: map[string]int{}, name: name,
		taken: make([]bool, len(labels)), last: -1}
	for i, label := range labels {
		if i >= len(names) || names[i] == "" {
			continue
		}
		a := withoutMigrationName(names[i])
		if strings.HasPrefix(label, names[i]+":") {
			label = a + label[len(names[i]):]
		}
		if r.index[a] == nil {
			r.index[a] = map[string][]int{}
		}
		r.index[a][label] = append(r.index[a][label], len(r.steps[a]))
		r.steps[a] = append(r.steps[a], i)
	}
	return r
}

// withoutMigrationName is the name, in the world without migration, of
// the actor a migrating world names name: the VM never leaves the source
// there, so a VF of a destination host (dst.vf1) and a bus lane to one
// (bus.dst.…) are their source namesakes; every other actor (a guest
// vCPU, a peer, the hypervisor, a PF) is itself.
func withoutMigrationName(name string) string {
	src := vocab.Hosts[0]
	for _, h := range vocab.Hosts[1:] {
		if rest, ok := strings.CutPrefix(name, h+".vf"); ok {
			return src + ".vf" + rest
		}
		if rest, ok := strings.CutPrefix(name, "bus."+h+"."); ok {
			return "bus." + src + "." + rest
		}
	}
	return name
}

const noRank = int(^uint(0) >> 1)

func (r *placeReplay) footprintBlind() {}

// Choose picks the enabled step of the lowest rank (placeReplay).
func (r *placeReplay) Choose(d *engine.Decision) (int, error) {
	best, bestRank, bestLabel, bestPrev := -1, noRank, false, false
	bestActor, bestPos := "", -1
	for i, e := range d.Enabled {
		a := r.name(e.Actor)
		own := r.steps[a]
		p := r.pos[a]
		rank, byLabel, at := noRank, false, -1
		if ps := r.index[a][e.Label]; len(ps) > 0 {
			if k := sort.SearchInts(ps, p); k < len(ps) {
				rank, byLabel, at = own[ps[k]], true, ps[k]
			}
		}
		if !byLabel && p < len(own) {
			rank = own[p]
		}
		prev := e.Actor == d.Prev
		better := rank < bestRank ||
			rank == bestRank && rank != noRank && (byLabel && !bestLabel || byLabel == bestLabel && prev && !bestPrev)
		if best < 0 || better {
			best, bestRank, bestLabel, bestPrev, bestActor, bestPos = i, rank, byLabel, prev, a, at
		}
	}
	if best < 0 || bestRank == noRank {
		return d.Continue(), nil
	}
	if bestLabel {
		r.pos[bestActor] = bestPos + 1
		r.taken[bestRank] = true
		r.last = max(r.last, bestRank)
	}
	return best, nil
}

// errNamed ends the run that names a recording's actors once every
// recorded step ran.
var errNamed = errors.New("catalog: every recorded step named")

// actorNamer follows a recorded choice list strictly and names the actor
// of each step it picks, as the running world names it.
type actorNamer struct {
	choices []engine.Choice
	names   []string
	name    func(actor int) string
}

func (n *actorNamer) footprintBlind() {}

func (n *actorNamer) Choose(d *engine.Decision) (int, error) {
	if d.Index >= len(n.choices) {
		return 0, errNamed
	}
	c := n.choices[d.Index]
	if c.Index < 0 || c.Index >= len(d.Enabled) || d.Enabled[c.Index].Label != c.Label {
		return 0, fmt.Errorf("catalog: the finding's schedule does not replay at step %d: recorded %d %q", engine.ShownStep(d.Index), c.Index, c.Label)
	}
	n.names = append(n.names, n.name(d.Enabled[c.Index].Actor))
	return c.Index, nil
}

// recordedActors replays run's choices in the target's migrating world,
// as they were recorded, and returns the name of each step's actor there
// (world.World.ActorName): what the replay without migration matches
// actors by. A run that ends before its last choice leaves the rest "".
func (t Target) recordedActors(run FoundRun) ([]string, error) {
	var w *world.World
	f := func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = t.World(st, nil)
		return w, err
	}
	n := &actorNamer{choices: run.Choices, name: func(actor int) string { return w.ActorName(actor) }}
	_, err := engine.Run(f, run.Seed, n, engine.RunConfig{MaxSteps: t.maxSteps()})
	if err != nil && !errors.Is(err, errNamed) {
		return nil, err
	}
	names := n.names
	for len(names) < len(run.Choices) {
		names = append(names, "")
	}
	return names, nil
}

// findingWithoutMigration runs the finding's schedule without migration
// under placeReplay and returns that run's finding (nil for none) and how
// many recorded steps the replay passed over (placeReplay.passedOver).
func (t Target) findingWithoutMigration(run FoundRun) (*engine.Finding, int, error) {
	names, err := t.recordedActors(run)
	if err != nil {
		return nil, 0, err
	}
	labels := make([]string, len(run.Choices))
	for i, c := range run.Choices {
		labels[i] = c.Label
	}
	var w *world.World
	ch := newPlaceReplay(names, labels, func(actor int) string { return w.ActorName(actor) })
	fd, err := t.runWithoutMigration(run.Seed, ch, func(b *world.World) { w = b })
	return fd, ch.passedOver(), err
}
