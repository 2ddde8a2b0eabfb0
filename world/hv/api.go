package hv

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/hv/devimpl"
)

// What the world tells the hypervisor and asks of it while it runs.

// Err is the error that stopped the program; nil while none did.
func (hv *Hypervisor) Err() error { return hv.err }

// Outcome is how the program ended so far.
func (hv *Hypervisor) Outcome() FlowOutcome { return hv.outcome() }

// Verdict is the `error:NAME` finding of a flow that stopped with an
// error no oracle claimed; cause is the index of the step that got the
// error, -1 when the program's start got it as the world was built
// (engine.Finding.CauseStep).
func (hv *Hypervisor) Verdict(cause int) *engine.Finding {
	f := hv.verdict()
	f.CauseStep, f.Caused = cause, true
	return f
}

// Touched reports whether a migration operation addressed host i;
// Received whether a write or load of the VM's state succeeded on it.
func (hv *Hypervisor) Touched(i int) bool { return hv.compat.touched[i] }

// Received reports whether a write or load of the VM's state succeeded on
// host i.
func (hv *Hypervisor) Received(i int) bool { return hv.compat.received[i] }

// Host returns the named host with its owner driver up.
func (hv *Hypervisor) Host(name string) (Host, error) { return hv.host(name) }

// MigDevice is the VFIO migration state machine of VF vf on h (created in
// RUNNING on first use).
func (hv *Hypervisor) MigDevice(h Host, vf int) *owner.MigDevice { return hv.migDev(h, vf) }

// AtomicLoad runs load, one VF's write or load at destination h, the way
// the flow does: through the load oracles, recording a success.
func (hv *Hypervisor) AtomicLoad(h Host, vf int, load func() error) error {
	return hv.atomicLoad(h, vf, true, load)
}

// Identity is the description of h's VFs as a migration source (the
// identity a host took on by a load, once it did).
func (hv *Hypervisor) Identity(h Host) compat.DeviceDescription { return hv.compat.identity(h) }

// Impl names the implementation h runs (its compatibility Impl string).
func (hv *Hypervisor) Impl(h Host) string { return hv.compat.implOf(h).ID }

// SavedState is VF vf's state as the hypervisor would send it now, wrapped
// in its compatibility header: the merged draft context, the first
// virtio-1.4 record it saved, or the VFIO stream it read.
func (hv *Hypervisor) SavedState(vf int) ([]byte, error) {
	switch {
	case hv.ed == spec.Draft2023:
		return hv.wrapState(vf, devimpl.KindDraft, devctx.EncodeDraftContext(hv.ctx[vf]))
	case len(hv.records[vf]) > 0:
		return hv.records[vf][0], nil
	}
	return hv.wrapState(vf, devimpl.KindStream, hv.stream[vf])
}

// Program is the flow the hypervisor runs.
func (hv *Hypervisor) Program() *scenario.Program { return hv.prog }

// OnError is what the flow does when an operation fails: stop or
// rollback (`on-error`).
func (hv *Hypervisor) OnError() string { return hv.onError }

// Seen is the number of host i's admin completions the owner driver has
// seen (state hashing).
func (hv *Hypervisor) Seen(i int) int { return hv.seen[i] }

// publishedSeen is the number of used entries the PF of host i published,
// as the hypervisor's code reads it (observed: the world updates it).
func (hv *Hypervisor) publishedSeen(i int) int {
	n := hv.w.Published(i)
	hv.w.Observed(uint64(n))
	return n
}

// gone reports whether host i's SR-IOV group was removed under the
// hypervisor, as its code reads it (observed: the world updates it).
func (hv *Hypervisor) gone(i int) bool {
	g := hv.w.VFsGone(i)
	var v uint64
	if g {
		v = 1
	}
	hv.w.Observed(v)
	return g
}
