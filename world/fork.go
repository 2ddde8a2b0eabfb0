package world

import (
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/hv"
	"github.com/migsim/migsim/world/kept"
	"github.com/migsim/migsim/world/worldcopy"
)

// A world copies itself for a dfs search that starts its runs from copies
// (engine.ExploreConfig.Fork) in two kinds of copy, so that a copy the
// search only keeps does not pay for rebuilding actors it may never run
// (docs/engine.md, "Forking dfs runs"):
//
//   - Fork of a world whose actors run (a built world, or one restored from
//     a kept copy) returns a kept copy: the world's data (copyData), its
//     actors' code not rebuilt. A kept copy is never run; it is only
//     forked and closed.
//   - Fork of a kept copy returns a runnable copy: the kept copy's data
//     copied again, then every actor's code rebuilt from its record, the
//     hypervisor first (a guest's trapped FLR reads World.hv), then the
//     guests, then the peers.

// Fork implements engine.Forker: a kept copy of the world, or false when
// the world does not record its actors (WorldConfig.RecordActors, or a
// copy made by ForkLast, whose records stopped), has a planted owner
// fault (WorldConfig.OwnerFault) or holds what the copier refuses.
func (w *World) Fork() (engine.System, bool) {
	if !w.cfg.RecordActors {
		kept.Refused("the world does not record its actors")
		return nil, false
	}
	for _, a := range w.actors {
		if !a.log.Enabled() {
			// Its record misses what it received since: a copy rebuilt
			// from it would not be this world.
			kept.Refused("a copy made to run last does not record its actors")
			return nil, false
		}
	}
	c, err := w.copyData(nil)
	if err != nil {
		kept.Refused(err.Error())
		return nil, false
	}
	return &keptWorld{w: c, f: worldcopy.Freeze(worldCopier, c)}, true
}

// keptWorld is a copy of a world's data whose actors' code is not rebuilt:
// what the search keeps at a decision. Only Fork and Close may be called.
type keptWorld struct {
	kept.Unrunnable
	w *World
	// f copies w, which nothing writes while it is kept: its copies
	// walk it once (worldcopy.Frozen).
	f *worldcopy.Frozen[World]
}

// ForkBytes implements engine.ForkSizer: the bytes a copy of the kept
// world's data holds (worldcopy.Count; 0 when it cannot be counted).
func (k *keptWorld) ForkBytes() int64 {
	if k.w == nil {
		return 0
	}
	census, _ := worldcopy.Count(worldCopier, k.w) // nil on an error
	return census.Bytes()
}

// Fork implements engine.Forker: a runnable copy of the kept world, or
// false when an actor's rebuild refuses or fails.
func (k *keptWorld) Fork() (engine.System, bool) {
	if k.w == nil {
		return nil, false // spoiled by a refused Take
	}
	c, err := k.w.copyData(k.f)
	if err != nil {
		kept.Refused(err.Error())
		return nil, false
	}
	if err := c.rebuildActors(); err != nil {
		kept.Refused(err.Error())
		c.Close()
		return nil, false
	}
	return c, true
}

// ForkLast implements engine.LastForker: Fork's runnable copy, recording nothing more.
func (k *keptWorld) ForkLast() (engine.System, bool) {
	s, ok := k.Fork()
	for i := 0; ok && i < len(s.(*World).actors); i++ {
		s.(*World).actors[i].log.Disable()
	}
	return s, ok
}

// Take implements engine.Taker: the kept copy itself made runnable, its
// actors rebuilt on its own data, when the search needs no other copy of
// it. A refusal spoils the kept copy, whose Fork then refuses.
func (k *keptWorld) Take() (engine.System, bool) {
	c := k.w
	if c == nil {
		return nil, false
	}
	k.w, k.f = nil, nil
	if err := c.rebuildActors(); err != nil {
		kept.Refused(err.Error())
		c.Close()
		return nil, false
	}
	return c, true
}

// rebuildActors rebuilds every actor's code on a copy of the world's data
// from its record: the hypervisor first, since a guest inside a trapped FLR
// reads World.hv, then the guests, then the peers. Done actors are rebuilt
// too: the end-of-run oracles read their drivers' and peers' logs.
func (w *World) rebuildActors() error {
	if w.hvActor != nil {
		if err := w.rebuildHypervisor(hv.Rebuild{}); err != nil {
			return err
		}
	}
	for _, g := range w.guests {
		if err := w.rebuildGuest(g); err != nil {
			return err
		}
	}
	for i := range w.peers {
		if err := w.rebuildPeer(i); err != nil {
			return err
		}
	}
	return nil
}

// Close releases nothing: a kept copy runs no coroutine.
func (k *keptWorld) Close() {}

// ActorName names an actor of the kept world.
func (k *keptWorld) ActorName(actor int) string {
	if k.w == nil {
		return ""
	}
	return k.w.ActorName(actor)
}

// ForkRefusals lists the copies the worlds of this process refused to
// make (Fork), by reason, most frequent first: "N reason" lines.
func ForkRefusals() []string { return kept.Refusals() }
