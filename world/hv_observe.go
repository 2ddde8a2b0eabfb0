package world

import (
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/por"
)

// What the hypervisor reads, for state hashing (state_hash.go). The
// hypervisor's program and its owner drivers are deterministic: their
// state after a step is a function of their state before and of every
// value they read. They read the world only through hv.World (hvWorld),
// the hosts' Failed, host memory (observedMem), the results of their
// operations, and the counters the world updates in the hypervisor
// (hv.World.Observed). Each of these records the value it returns in the
// chain of the actor whose step is running, when that step is observed
// (chainStep); outside a step (the scheduler evaluating readiness) nothing
// is recorded.

// observeValue records v in the observed actor's chain.
func (w *World) observeValue(v uint64) {
	if a := w.observing; a != nil {
		a.chain = deephash.Mix(a.chain, v)
	}
}

// observeBool records b and returns it.
func (w *World) observeBool(b bool) bool {
	w.observeValue(por.BoolBits(b))
	return b
}

// observeBytes records b (nil and empty apart).
func (w *World) observeBytes(b []byte) {
	if a := w.observing; a != nil {
		a.chain = deephash.Bytes(deephash.Mix(a.chain, por.BoolBits(b == nil)), b)
	}
}

// observeErr records whether err is nil, and its text.
func (w *World) observeErr(err error) {
	if a := w.observing; a != nil {
		if err == nil {
			a.chain = deephash.Mix(a.chain, 0)
			return
		}
		a.chain = deephash.String(deephash.Mix(a.chain, 1), err.Error())
	}
}

// observedMem is a host's memory as its owner driver reads it: every read
// is recorded in the observed actor's chain.
type observedMem struct {
	w *World
	m *virtq.GuestMemory
}

// ReadMem implements pcie.MemoryPort.
func (o observedMem) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	err := o.m.ReadMem(rid, addr, buf)
	o.w.observeMemRead(addr, buf)
	return err
}

// WriteMem implements pcie.MemoryPort.
func (o observedMem) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	return o.m.WriteMem(rid, addr, data)
}
