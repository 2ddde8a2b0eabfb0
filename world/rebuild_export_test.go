package world

import (
	"fmt"
	"github.com/migsim/migsim/engine"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/actorlog"
	"github.com/migsim/migsim/world/rerun"
)

// RebuildActorsForTest stops the coroutines of w's guests and peers and
// rebuilds them (rebuildGuest, rebuildPeer) with their records set to
// those of from, the original world at the same point. A guest inside a
// trapped FLR keeps its coroutine: its refusal is returned. It returns the
// number of actors rebuilt.
func (w *World) RebuildActorsForTest(from *World) (rebuilt int, refused []string, err error) {
	return w.RebuildActorsFromForTest(from.RecordsForTest())
}

// Records are the guests' and the peers' records of a world as they were
// when RecordsForTest took them (the world goes on adding to its own).
type Records struct {
	guests, peers []actorlog.Log
}

// RecordsForTest takes w's guests' and peers' records as they are now.
func (w *World) RecordsForTest() Records {
	prefix := func(l *actorlog.Log) actorlog.Log { return l.Share(l.Len()) }
	var r Records
	for _, g := range w.guests {
		r.guests = append(r.guests, prefix(&g.log))
	}
	for i := range w.peers {
		_, a := w.peerShell(i)
		r.peers = append(r.peers, prefix(&a.log))
	}
	return r
}

// RebuildActorsFromForTest is RebuildActorsForTest from records taken
// earlier, at the point w is at.
func (w *World) RebuildActorsFromForTest(recs Records) (rebuilt int, refused []string, err error) {
	prefix := func(l *actorlog.Log) actorlog.Log { return l.Share(l.Len()) }
	for i, g := range w.guests {
		if g.trapping {
			err := w.rebuildGuest(g)
			if err == nil {
				return rebuilt, refused, fmt.Errorf("%s: rebuilt inside a trapped FLR", g.desc)
			}
			refused = append(refused, err.Error())
			continue
		}
		g.co.Stop()
		g.co, g.req, g.at, g.drv, g.yield, g.tape = nil, nil, nil, nil, nil, nil
		g.memReq, g.mem, g.doMMIORead, g.doMMIOWrite = actorReq{}, memAccess{}, nil, nil
		g.log = prefix(&recs.guests[i])
		if err := w.rebuildGuest(g); err != nil {
			return rebuilt, refused, err
		}
		rebuilt++
	}
	for i := range w.peers {
		_, a := w.peerShell(i)
		a.co.Stop()
		a.co, a.req, a.at, w.peers[i] = nil, nil, nil, nil
		a.log = prefix(&recs.peers[i])
		if err := w.rebuildPeer(i); err != nil {
			return rebuilt, refused, err
		}
		rebuilt++
	}
	return rebuilt, refused, nil
}

// GuestDriverHashes are the guest drivers' own state hashes
// (guest.StateHasher; 0 for a driver without one).
func (w *World) GuestDriverHashes() []uint64 {
	out := make([]uint64, len(w.guests))
	for i, g := range w.guests {
		if sh, ok := g.drv.(guest.StateHasher); ok {
			out[i] = sh.StateHash()
		}
	}
	return out
}

// RecordLens are the lengths of the guests' and the peers' records.
func (w *World) RecordLens() []int {
	var out []int
	for _, g := range w.guests {
		out = append(out, g.log.Len())
	}
	for i := range w.peers {
		_, a := w.peerShell(i)
		out = append(out, a.log.Len())
	}
	return out
}

// LeakGuestMemReads plants a leak for the rebuild's exactness test, until
// the returned function undoes it: the guests' memory reads are neither
// recorded nor answered from the record (a rebuilt guest reads the copy's
// memory as it is).
func LeakGuestMemReads() (undo func()) {
	saved := tapePort
	tapePort = func(t *rerun.Tape, live pcie.MemoryPort) pcie.MemoryPort {
		return leakyPort{rerun.Port{T: t, Live: live}}
	}
	return func() { tapePort = saved }
}

type leakyPort struct{ rerun.Port }

func (p leakyPort) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	return p.Live.ReadMem(rid, addr, buf)
}

// CopyKeptForTest copies a kept copy's data (copyData) without rebuilding
// its actors: what keptWorld.Fork pays before it rebuilds them.
func CopyKeptForTest(k engine.System) (*World, error) {
	kw := k.(*keptWorld)
	return kw.w.copyData(kw.f)
}

// GuestCheckpointsForTest counts the checkpoints that hold a driver in the
// guests' records: a rebuild of a guest whose record holds one restores
// the driver from the last (guestcp).
func (w *World) GuestCheckpointsForTest() int {
	n := 0
	for _, g := range w.guests {
		for _, e := range g.log.Prefix(g.log.Len()) {
			if e.Call == rerun.CallCheckpoint && e.V != nil {
				n++
			}
		}
	}
	return n
}
