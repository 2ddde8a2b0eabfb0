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
	label := ""
	if a.req != nil {
		label = a.req.label
	}
	if err := rec.Mismatch(a.done, done, label); err != nil {
		a.stop()
		return fmt.Errorf("world: rebuild the hypervisor: %w", err)
	}
	w.hv, a.at = h, h.At
	return nil
}
