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
	// its record: a test plants a bug in the code there. FromStart boots
	// the hypervisor against its whole record even when the record holds
	// a checkpoint (a test compares the two).
	Code      func(World) World
	FromStart bool
	// Restore, when set, picks the checkpoint the rebuild restores among
	// those the record holds (their indexes, in order; it is called only
	// when there is one) and the entry the fast-forward resumes at: a
	// test restores each of them (resuming one past it, which passes the
	// later ones), or plants a resumption at another place. Nil: the
	// last, resumed one past it.
	Restore func(checkpoints []int) (restore, resume int)
}

// Start builds the hypervisor against the record (NewReplayer): restored
// from the last checkpoint the record holds (checkpoint.go), else a new
// one on the program booted against the record. The Recorder then runs
// its program (Run) from there, fast-forwarding until the record is
// consumed. An error refuses the rebuild.
func (b Rebuild) Start() (*Recorder, *Hypervisor, error) {
	entries := b.Log.Share(b.Log.Len())
	rec := NewReplayer(b.World, b.Log, b.HostAt, &entries)
	var w World = rec
	if b.Code != nil {
		w = b.Code(rec)
	}
	if cp, at := lastCheckpoint(&entries); cp != nil && !b.FromStart {
		resume := at + 1
		if b.Restore != nil {
			at, resume = b.Restore(checkpointsIn(&entries))
			if cp, _ = entries.At(at).V.(*checkpoint); cp == nil {
				return nil, nil, fmt.Errorf("hv: entry %d of the record is no checkpoint", at)
			}
		}
		h, err := rec.restore(cp, w)
		if err != nil {
			return nil, nil, err
		}
		// The checkpoint holds the flow file the world named before the
		// boot; named again as a rebuild from the start names it.
		h.SetFlowFile(b.FlowFile)
		rec.rep.Skip(resume)
		rec.lastCP = at
		return rec, h, nil
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

// Mismatch says how the rebuilt hypervisor, its code run up to its first
// suspension (on the operation labelled pending) or its end (done),
// differs from the original, done or not (origDone): it stopped inside
// its record, or ended where the original is suspended, or is suspended
// where the original is done; nil when it does not differ. An original
// done whose record holds no end of its program (the flow's end, FlowEnd)
// was stopped, not ended: its world was closed (World.Close, as when
// engine.Run has returned at a finding or a step bound) before the copy
// was made.
func (r *Recorder) Mismatch(done, origDone bool, pending string) error {
	n := r.log.Len()
	switch {
	case r.rep != nil:
		return fmt.Errorf("the rebuilt program stopped inside its record (record not consumed: %d of %d entries)", r.rep.Pos(), r.rep.Len())
	case done == origDone:
		return nil
	case done:
		return fmt.Errorf("the rebuilt program ended at the end of its record (%d entries) where the original is suspended on an operation", n)
	}
	why := "the original is done"
	if !recordEnds(r.log.Prefix(n)) {
		why = "the original's actor is done without its program's end in its record: it was stopped (its world closed), not ended"
	}
	return fmt.Errorf("the rebuilt program is suspended on %q at the end of its record (%d entries) where %s", pending, n, why)
}

// recordEnds reports whether a hypervisor's record holds the end of its
// program (the flow's end, FlowEnd).
func recordEnds(entries []actorlog.Entry) bool {
	for i := len(entries) - 1; i >= 0; i-- {
		if entries[i].Call == callFlowEnd {
			return true
		}
	}
	return false
}
