package rerun

import "github.com/migsim/migsim/world/actorlog"

// A checkpoint is the code's state at a boundary of its program (between
// two of its operations, where the code holds nothing on its stack), as
// data its code keeps (Boundary's keep): written in the record while the
// code runs live, when the record grew by checkpointEvery entries since
// the last one, neither before it holds checkpointFirst; passed while it
// fast-forwards. A rebuild restores the code's state from a copy of the
// record's last checkpoint (Checkpoint) and fast-forwards from there,
// instead of running the code from its start (docs/engine.md, "Rebuilding
// an actor from its record"). Keeping a guest's driver costs little next
// to fast-forwarding through its entries, so checkpoints are frequent: on
// the forked runs of net-rx-while-stopped the guests' code took 0.84 s of
// the profile with a checkpoint every 32 entries, 1.18 s every 128.
const (
	checkpointEvery = 32
	checkpointFirst = 32
)

// Boundary is a boundary of the code's program: live, with a record that
// is due for one, keep's value is written in it as a checkpoint (nil: the
// code could not keep its state there, and a rebuild goes on from an
// earlier one); fast-forwarding, the checkpoint the record holds here is
// passed. Without a tape, or with one that records nothing, it does
// nothing.
func (t *Tape) Boundary(keep func() any) {
	if t == nil || !t.log.Enabled() {
		return
	}
	if t.rp != nil {
		if e, ok := t.rp.Peek(); ok && e.Call == CallCheckpoint {
			t.lastCP = t.rp.Pos()
			t.Take(CallCheckpoint, 0)
		}
		return
	}
	n := t.log.Len()
	if n < checkpointFirst || t.lastCP > 0 && n-t.lastCP < checkpointEvery {
		return
	}
	// Written even when keep has nothing: the rebuilt code, passing it,
	// writes its next checkpoint where the original does.
	t.lastCP = n
	t.log.Add(actorlog.Entry{Call: CallCheckpoint, V: keep()})
}

// Checkpoint returns the value of the record's last checkpoint that holds
// one, and makes the next Rebuild fast-forward from past it; nil (and
// Rebuild runs the code from its start) when the record holds none.
func (t *Tape) Checkpoint() any {
	for i := t.log.Len() - 1; i >= 0; i-- {
		if e := t.log.At(i); e.Call == CallCheckpoint && e.V != nil {
			t.from, t.lastCP = i+1, i
			return e.V
		}
	}
	return nil
}
