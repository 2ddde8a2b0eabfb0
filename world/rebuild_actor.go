package world

import (
	"fmt"

	"github.com/migsim/migsim/engine/coro"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/guestcp"
	"github.com/migsim/migsim/world/rerun"
)

// rebuildGuest rebuilds what guest g's code owns (its driver, its
// coroutine and pending request) on a copy of the world whose shell g holds
// the original's record: a new driver runs the guest's program from its
// start against the record, writing nothing to the world, and is left
// suspended where the original was (docs/engine.md, "Rebuilding an actor
// from its record"). A guest inside a trapped FLR is refused: it runs the
// hypervisor's code (reset_done), suspended in the hypervisor's state,
// which its record does not hold. A record with a checkpoint (guestcp)
// gives the new driver, and the program runs from the checkpoint's
// operation against the rest of the record.
func (w *World) rebuildGuest(g *guestActor) error {
	if g.trapping {
		return fmt.Errorf("world: rebuild %s: it is inside a trapped FLR, running the hypervisor's reset_done, which its record cannot rebuild", g.desc)
	}
	info, _, err := w.guestDriver(g.prog)
	if err != nil {
		return fmt.Errorf("world: rebuild %s: %w", g.desc, err)
	}
	g.tape = rerun.New(&g.log)
	body, from := g.code(info), 0
	if cp := g.tape.Checkpoint(); cp != nil {
		if g.drv, from, err = guestcp.Restore(cp, g); err != nil {
			return fmt.Errorf("world: rebuild %s: %w", g.desc, err)
		}
	}
	return g.rebuild(g.tape, func(y func(*actorReq) []byte) { g.opIdx = from; body(y) })
}

// rebuildPeer rebuilds what peer i's code owns (the peer, its coroutine
// and pending request) on a copy of the world whose shell (its actor)
// holds the original's record, as rebuildGuest does for a guest.
func (w *World) rebuildPeer(i int) error {
	p, a := w.peerShell(i)
	if p == nil {
		return fmt.Errorf("world: rebuild peer %d: the world has %d peers", i, len(w.peers))
	}
	vf, err := w.peerBacking(p)
	if err != nil {
		return fmt.Errorf("world: rebuild %s: %w", a.desc, err)
	}
	t := rerun.New(&a.log)
	return a.rebuild(t, w.peerCode(i, a, p, vf, t))
}

// peerShell returns the program and the actor of peer i: the peers are
// the world's peer programs in scenario order (buildActors).
func (w *World) peerShell(i int) (*scenario.Program, *actor) {
	for _, p := range w.scen.Actors {
		if p.Kind != scenario.ActorPeer || p.Edition != 0 && p.Edition != w.ed {
			continue
		}
		if i--; i >= 0 {
			continue
		}
		for _, a := range w.actors {
			if a.desc == "peer "+p.Name {
				return p, a
			}
		}
		return nil, nil
	}
	return nil, nil
}

// rebuild runs body on a new coroutine, fast-forwarding through the
// actor's record on t up to where the record ends: at a yield, where the
// actor stays suspended on its pending request, or at the body's end
// (rerun.Tape.Rebuild).
func (a *actor) rebuild(t *rerun.Tape, body func(yield func(*actorReq) []byte)) error {
	if !a.log.Enabled() {
		return fmt.Errorf("world: rebuild %s: the world does not record its actors", a.desc)
	}
	done := a.done
	if err := t.Rebuild(func() { a.req, a.co = nil, coro.New(body); a.next() }); err != nil {
		return fmt.Errorf("world: rebuild %s: %w", a.desc, err)
	}
	if a.done != done {
		return fmt.Errorf("world: rebuild %s: the rebuilt code is done=%v, the actor done=%v", a.desc, a.done, done)
	}
	return nil
}
