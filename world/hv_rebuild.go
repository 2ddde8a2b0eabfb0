package world

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/engine/coro"
	"github.com/migsim/migsim/world/hv"
)

// rebuildHypervisor builds the hypervisor of a copy of the world again
// from its actor's record (w.hvActor, a shell whose log holds the
// original's record up to the copy; docs/engine.md, "Rebuilding an actor
// from its record"): the hypervisor restored from the record's last
// checkpoint (or booted against it) runs its program with every call
// checked and answered by the record (hv.Rebuild), writing nothing to w,
// until the record is consumed; there the actor suspends on its pending operation (or is
// done) and from then on runs live on w, recording. A record the code does
// not follow, a rebuilt actor that does not end where the shell says, a
// panic: an error, and w must not be used. b is zero but in tests.
func (w *World) rebuildHypervisor(b hv.Rebuild) (err error) {
	a := w.hvActor
	switch {
	case a == nil || w.hvProg == nil:
		return errors.New("world: rebuild the hypervisor: the world has none")
	case !a.log.Enabled():
		return errors.New("world: rebuild the hypervisor: the world does not record its actors")
	}
	done := a.done
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("world: rebuild the hypervisor: panic: %v", p)
		}
	}()
	b.World, b.Log, b.HostAt, b.Program, b.FlowFile = hvWorld{w}, &a.log, w.hvHost, w.hvProg, w.hvFlowFile
	rec, h, err := b.Start()
	if err != nil {
		return fmt.Errorf("world: rebuild the hypervisor: %w", err)
	}
	a.done, a.req = false, nil
	a.co = coro.New(func(y func(*actorReq) []byte) { rec.Run(h, hvYield(y)) })
	a.next()
	if err := rec.Err(); err != nil {
		a.stop()
		return fmt.Errorf("world: rebuild the hypervisor: %w", err)
	}
	if rec.FastForwarding() || a.done != done {
		err := w.rebuildMismatch(rec, done)
		a.stop()
		return err
	}
	w.hv, a.at = h, h.At
	return nil
}

// rebuildMismatch says how the rebuilt hypervisor, its coroutine run up to
// its first suspension, differs from the original, done or not (its shell's
// done): it stopped inside its record, or ended where the original is
// suspended, or is suspended where the original is done. An original done
// whose record holds no end of its program (hv.RecordEnds) was stopped,
// not ended: its world was closed (World.Close) before the copy was made.
func (w *World) rebuildMismatch(rec *hv.Recorder, done bool) error {
	a := w.hvActor
	n := a.log.Len()
	switch {
	case rec.FastForwarding():
		pos, of := rec.Replayed()
		return fmt.Errorf("world: rebuild the hypervisor: the rebuilt program stopped inside its record (record not consumed: %d of %d entries)", pos, of)
	case a.done:
		return fmt.Errorf("world: rebuild the hypervisor: the rebuilt program ended at the end of its record (%d entries) where the original is suspended on an operation", n)
	}
	why := "the original is done"
	if !hv.RecordEnds(a.log.Prefix(n)) {
		why = "the original's actor is done without its program's end in its record: it was stopped (its world closed), not ended"
	}
	return fmt.Errorf("world: rebuild the hypervisor: the rebuilt program is suspended on %q at the end of its record (%d entries) where %s", a.req.label, n, why)
}
