package hv

import (
	"fmt"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/actorlog"
)

// Rebuild is what building a copy's hypervisor again from its actor's
// record takes (docs/engine.md, "Rebuilding an actor from its record").
type Rebuild struct {
	// World is the copy's world, Log the actor's record in it (the
	// original's, up to the copy), which the rebuilt hypervisor goes on
	// writing, and HostAt the copy's host of index i.
	World  World
	Log    *actorlog.Log
	HostAt func(i int) Host
	// Program is the program the hypervisor runs; FlowFile where its
	// lines are when it is not the scenario file.
	Program  *scenario.Program
	FlowFile string
	// Code, when set, stands between the rebuilt hypervisor's code and
	// its record: a test plants a bug in the code there.
	Code func(World) World
}

// Start builds a new hypervisor on the program and boots it against the
// whole record (NewReplayer): the Recorder then runs its program (Run),
// fast-forwarding until the record is consumed. An error refuses the
// rebuild.
func (b Rebuild) Start() (*Recorder, *Hypervisor, error) {
	rec := NewReplayer(b.World, b.Log, b.HostAt, b.Log.Prefix(b.Log.Len()))
	var w World = rec
	if b.Code != nil {
		w = b.Code(rec)
	}
	h, err := New(w, b.Program)
	if err != nil {
		return nil, nil, err
	}
	if b.FlowFile != "" {
		h.SetFlowFile(b.FlowFile)
	}
	if err := rec.Boot(h); err != nil {
		return nil, nil, fmt.Errorf("boot: %w", err)
	}
	if err := rec.Err(); err != nil {
		return nil, nil, fmt.Errorf("boot: %w", err)
	}
	return rec, h, nil
}
