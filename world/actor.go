package world

import (
	"github.com/migsim/migsim/engine/coro"
	"github.com/migsim/migsim/world/actorlog"
	"github.com/migsim/migsim/world/por"
)

// actorReq is the next visible operation an actor is suspended on: the
// scheduler may run it when ready reports true (nil: always); do performs it
// in the world and returns its result to the actor.
type actorReq struct {
	label string
	ready func() bool
	do    func() []byte
	// trap is set on a configuration write that starts a trapped FLR: the
	// step goes on into the hypervisor's code (hypervisor.go, trapFLR).
	trap bool
	// post is set on a guest's MMIO write when writes travel on the bus
	// (posted-writes in flight): the step puts it on a lane, and any later
	// request may then push it ahead of itself (package posted).
	post bool
	// access is what an access to a VF touches besides the member's own
	// state (por.VFAccess: por.VFTruth, por.VFReset).
	access uint8
	// cls is the operation's classification for footprints, parsed from
	// the label on first use (stepfp.Steps.Classify, classified).
	cls        por.Step
	classified bool
	// settle is set on a guest's last wait, for the others to be done
	// (guestActor.settle): othersDone counts a guest waiting there as done.
	settle bool
	// kept is set when do's result is what the actor's code keeps for
	// itself (peer.Req.Kept): its chain records no result.
	kept bool
}

// actor is a guest vCPU, the hypervisor or a peer device, running its
// program on a coroutine that yields at every visible operation.
type actor struct {
	id     int
	name   string
	co     *coro.Coro[*actorReq, []byte]
	req    *actorReq
	done   bool
	halted bool
	// trapping is set while the actor runs the hypervisor's code (a
	// trapped FLR): its steps change the hypervisor's state (shareChains).
	trapping bool
	// released is set when the world stalls (World.Epoch) while the actor
	// is blocked: the wait it is blocked on may then give up. It ends
	// when the actor runs its next step or the clock advances, so a wait
	// the actor starts after giving up waits for what it waits for (an
	// admin completion the owner has yet to post) until the world stalls
	// again.
	released bool
	// chain summarises the actor's state for state hashing (state_hash.go).
	chain uint64
	// log records what the actor's code received from the world when the
	// world records its actors (WorldConfig.RecordActors). A copy of the
	// world shares its entries (actorlog.Log.Share): the copy's appends
	// must not write into the original's entries.
	log actorlog.Log
	// desc names the actor in messages ("guest vcpu0", "peer p1",
	// "hypervisor"); at says where its program is: the file and the line
	// of the operation it runs (0 past its last one).
	desc string
	at   func() (file string, line int)
}

// start runs body on a coroutine up to its first visible operation.
func (a *actor) start(w *World, body func(yield func(*actorReq) []byte)) {
	if w.cfg.RecordActors {
		a.log.Enable()
	}
	a.co = coro.New(body)
	a.next()
}

func (a *actor) next() {
	req, ok := a.co.Pending()
	if !ok {
		a.done = true
		a.req = nil
		return
	}
	a.req = req
}

// run performs the pending operation and runs the actor to its next one.
func (a *actor) run(w *World) {
	var res []byte
	if a.req.do != nil {
		res = a.req.do()
	}
	if w.observing == a {
		if a.req.kept {
			a.observe(nil)
		} else {
			a.observe(res)
		}
	}
	a.co.Resume(res)
	a.next()
}

// stop unwinds the actor's coroutine.
func (a *actor) stop() {
	if a.co != nil {
		a.co.Stop()
	}
	a.done = true
}

// Close releases every actor's coroutine and the members outside the
// process it built (memberBuilt). Call it when a run ends early.
func (w *World) Close() {
	for _, a := range w.actors {
		a.stop()
	}
	w.released.Release()
}

// IsActor reports whether step id is one of the world's actors (a guest
// vCPU, a peer, the hypervisor), not a device or a bus lane: what a
// finding's actors name (ActorName gives the name).
func (w *World) IsActor(id int) bool { return id >= 0 && id < len(w.actors) }
