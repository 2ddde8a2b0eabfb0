package hv

import (
	"fmt"
	"reflect"

	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/actorlog"
	"github.com/migsim/migsim/world/worldcopy"
)

// A checkpoint is the hypervisor's state at a place of its record, as
// data: a copy of the Hypervisor and of the hosts, host memories and
// observers the Recorder handed it, without their world and their
// closures. The Recorder writes one in the record (an entry whose V is the
// *checkpoint) once the boot ends, and between two operations of the
// program (where the hypervisor's whole state is in the Hypervisor, none
// on its coroutine's stack) when the record grew by checkpointEvery
// entries since the last one; neither before the record holds
// checkpointFirst entries. The record's entries are shared by every
// copy of the world and none changes them; a rebuild restores the
// hypervisor from a copy of the record's last checkpoint and runs its
// code from there against the rest of the record, instead of running it
// from its start (docs/engine.md, "Rebuilding an actor from its record").
type checkpoint struct {
	hv    *Hypervisor
	hosts []*recHost
	mems  []*recMem
	obs   []*recObserver
	// frozen makes the restores' copies: no one writes a checkpoint,
	// so they walk it once (worldcopy.Frozen).
	frozen *worldcopy.Frozen[checkpoint]
}

// hvCopier copies a checkpoint. What reaches the world (the World, a
// recorded host's world host, a memory's port, an observer's) and the
// closures are left zero, bound again by restore (Hypervisor.bind,
// hvPort.bind); the requests at a checkpoint are none pending, and a
// port's wait gets its Ready from bind. The scenario and the program are
// only read, and an error value never changes: shared.
var hvCopier = worldcopy.New(worldcopy.Config{
	Share: func(t reflect.Type) bool {
		return t == reflect.TypeFor[*scenario.Scenario]() || t == reflect.TypeFor[*scenario.Program]() || t == reflect.TypeFor[error]()
	},
	Zero: map[reflect.Type][]string{
		reflect.TypeFor[checkpoint]():      {"frozen"},
		reflect.TypeFor[Hypervisor]():      {"w", "yield", "localDo", "runLocal", "rec"},
		reflect.TypeFor[owner.MigDevice](): {"now"},
		reflect.TypeFor[hvPort]():          {"w", "doCfg", "doMMIO", "slab"},
		reflect.TypeFor[Req]():             {"Ready", "Do"},
		reflect.TypeFor[recHost]():         {"r", "h"},
		reflect.TypeFor[recMem]():          {"r", "m"},
		reflect.TypeFor[recObserver]():     {"r", "o"},
	},
})

// keepCheckpoint writes the hypervisor's state in the record. A state the
// copier refuses (a closure it does not know) writes none: the rebuilds
// then run the boot against the record.
func (r *Recorder) keepCheckpoint() {
	cp, err := worldcopy.Copy(hvCopier, &checkpoint{hv: r.hv, hosts: r.hosts, mems: r.mems, obs: r.obs})
	if err != nil {
		r.cpErr = fmt.Errorf("hv: checkpoint: %w", err)
		return
	}
	cp.frozen = worldcopy.Freeze(hvCopier, cp)
	r.cpErr = nil
	r.lastCP = r.log.Len()
	r.add(actorlog.Entry{Call: callCheckpoint, V: cp})
}

// checkpointEvery is how many entries the record holds at least since its
// last checkpoint when the hypervisor's code writes one more between two
// operations of its program, and checkpointFirst how many it holds at
// least when it writes one (the end of the boot included). A rebuild pays
// one restore (a copy of the checkpoint) and the fast-forward through the
// entries after it; a live run pays one copy per checkpoint it writes. On
// the forked proofs of the net rows (docs/engine.md, "Rebuilding an actor
// from its record") a restore costs about as much as the fast-forward
// through 50 entries, and the live runs write one checkpoint for about 18
// rebuilds: every 64 entries the fast-forward after the last one is 35-38
// entries on average instead of 160-170 (every 256 past the first 192);
// every 32 it is 28 (an operation's own entries are not cut) for twice
// the copies.
const (
	checkpointEvery = 64
	checkpointFirst = 64
)

// boundary is where the hypervisor's program is between two operations
// (its state is all in the Hypervisor): recording, a checkpoint is written
// when the record grew by checkpointEvery entries since the last one;
// fast-forwarding, the record's checkpoint there is passed.
func (r *Recorder) boundary() {
	if r.rep != nil {
		r.passCheckpoint()
		return
	}
	if n := r.log.Len(); n >= checkpointFirst && n-r.lastCP >= checkpointEvery {
		r.keepCheckpoint()
	}
}

// passCheckpoint hands back the checkpoint the record holds at this
// place, if it holds one.
func (r *Recorder) passCheckpoint() {
	if e, ok := r.rep.Peek(); ok && e.Call == callCheckpoint {
		r.lastCP = r.rep.Pos()
		r.next(callCheckpoint, 0)
	}
}

// CheckpointErr is why the recorder wrote no checkpoint at the end of the
// boot, nil if it wrote one.
func (r *Recorder) CheckpointErr() error { return r.cpErr }

// lastCheckpoint is the last checkpoint a record holds and its index; nil
// when it holds none.
func lastCheckpoint(log *actorlog.Log) (*checkpoint, int) {
	i := log.LastCall(callCheckpoint)
	if i < 0 {
		return nil, -1
	}
	cp, _ := log.At(i).V.(*checkpoint)
	return cp, i
}

// checkpointsIn are the indexes of the checkpoints a record holds.
func checkpointsIn(log *actorlog.Log) []int {
	var out []int
	for i := range log.Len() {
		if e := log.At(i); e.Call == callCheckpoint && e.V != nil {
			out = append(out, i)
		}
	}
	return out
}

// restore builds the hypervisor from a copy of cp, bound to r and to w
// (what its code calls: r, or a test's plant around it).
func (r *Recorder) restore(cp *checkpoint, w World) (*Hypervisor, error) {
	c, err := cp.frozen.Copy()
	if err != nil {
		return nil, fmt.Errorf("hv: restore the checkpoint: %w", err)
	}
	for _, x := range c.hosts {
		if x != nil {
			x.r, x.h = r, r.hostAt(x.i)
		}
	}
	for _, m := range c.mems {
		m.r, m.m = r, r.inner.HostMem(r.hostAt(int(m.i)))
	}
	for _, o := range c.obs {
		o.r, o.o = r, r.inner.DriverObserver(r.hostAt(o.i))
	}
	r.hosts, r.mems, r.obs, r.hv, c.hv.rec = c.hosts, c.mems, c.obs, c.hv, r
	c.hv.bind(w)
	return c.hv, nil
}
