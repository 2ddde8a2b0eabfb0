package owner

import (
	"bytes"
	"slices"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

// HostPort is how the owner driver reaches the PF from the host CPU. The
// simulation engine implements it with a coroutine that yields at every
// access; SyncHost implements it in-process for tests.
type HostPort interface {
	// ConfigRead and ConfigWrite access the PF's configuration space.
	ConfigRead(off, size int) uint32
	ConfigWrite(off, size int, val uint32)
	// MMIORead and MMIOWrite access the PF's BAR0 (absolute addresses).
	// MMIOWrite does not keep data once it returns (the driver encodes
	// every register write in one buffer): a port that hands it on copies
	// it first.
	MMIORead(addr uint64, n int) []byte
	MMIOWrite(addr uint64, data []byte)
	// WaitAdmin returns when the PF has published at least one used entry
	// of its admin queue, or when nothing more can happen (no step or timer
	// is pending anywhere that could lead to one).
	WaitAdmin()
}

// SyncHost drives a PF directly: every access is one PF.Handle call, and
// WaitAdmin runs the steps and timers the PF and its members asked for, in
// the order they were asked (timers by due time), until the PF publishes an
// admin completion or nothing is left. It keeps a virtual clock that only
// timers advance. It is deterministic and not safe for concurrent use.
type SyncHost struct {
	PF *PF
	// Requester is the host CPU's routing ID on the TLPs it issues.
	Requester pcie.RID
	// Now is the virtual time in nanoseconds.
	Now uint64
	// MaxSteps bounds one WaitAdmin (default 1<<20).
	MaxSteps int

	steps  []TargetStep
	timers []dueTimer
	// Interrupts and Notes collect every interrupt and note seen.
	Interrupts []pcie.MSIXMessage
	Notes      []Note
	// Removed counts the VFs removed by VF Enable clears and PF FLRs.
	Removed int
}

type dueTimer struct {
	at uint64
	t  TargetTimer
}

// NewSyncHost returns a host port that drives pf.
func NewSyncHost(pf *PF) *SyncHost { return &SyncHost{PF: pf} }

// Handle passes one event to the PF and keeps its effects.
func (h *SyncHost) Handle(ev Event) Effects {
	fx := h.PF.Handle(ev)
	h.absorb(fx)
	return fx
}

func (h *SyncHost) absorb(fx Effects) {
	if fx.RemovedVFs > 0 {
		h.Removed += fx.RemovedVFs
		h.steps = slices.DeleteFunc(h.steps, func(s TargetStep) bool { return s.Target != TargetPF })
		h.timers = slices.DeleteFunc(h.timers, func(t dueTimer) bool { return t.t.Target != TargetPF })
	}
	h.steps = append(h.steps, fx.Steps...)
	for _, t := range fx.Timers {
		h.timers = append(h.timers, dueTimer{at: h.Now + t.Timer.Delay, t: t})
	}
	slices.SortStableFunc(h.timers, func(a, b dueTimer) int {
		if a.at < b.at {
			return -1
		}
		if a.at > b.at {
			return 1
		}
		return 0
	})
	h.Interrupts = append(h.Interrupts, fx.Interrupts...)
	h.Notes = append(h.Notes, fx.Notes...)
}

// ConfigRead issues a configuration read TLP.
func (h *SyncHost) ConfigRead(off, size int) uint32 {
	fx := h.Handle(Event{Target: TargetPF, Ev: member.Event{Kind: member.EvTLP,
		TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: h.Requester, Completer: h.PF.RID(), Addr: uint64(off), Len: size}}})
	return uint32(leValue(fx.ReadData))
}

// ConfigWrite issues a configuration write TLP.
func (h *SyncHost) ConfigWrite(off, size int, val uint32) {
	h.Handle(Event{Target: TargetPF, Ev: member.Event{Kind: member.EvTLP,
		TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: h.Requester, Completer: h.PF.RID(), Addr: uint64(off), Data: leBytes(uint64(val), size)}}})
}

// MMIORead issues a memory read TLP to the PF.
func (h *SyncHost) MMIORead(addr uint64, n int) []byte {
	fx := h.Handle(Event{Target: TargetPF, Ev: member.Event{Kind: member.EvTLP,
		TLP: pcie.TLP{Kind: pcie.MemRead, Requester: h.Requester, Completer: h.PF.RID(), Addr: addr, Len: n}}})
	return fx.ReadData
}

// MMIOWrite issues a memory write TLP to the PF.
func (h *SyncHost) MMIOWrite(addr uint64, data []byte) {
	h.Handle(Event{Target: TargetPF, Ev: member.Event{Kind: member.EvTLP,
		TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: h.Requester, Completer: h.PF.RID(), Addr: addr, Data: bytes.Clone(data)}}})
}

// Pending reports whether a step or a timer is waiting.
func (h *SyncHost) Pending() bool { return len(h.steps) > 0 || len(h.timers) > 0 }

// RunOne runs the oldest step, or, when no step waits, advances the clock to
// the earliest timer and fires it. It returns the effects and false when
// nothing was pending.
func (h *SyncHost) RunOne() (Effects, bool) {
	if len(h.steps) > 0 {
		s := h.steps[0]
		h.steps = h.steps[1:]
		return h.Handle(Event{Target: s.Target, Ev: member.Event{Kind: member.EvStep, Step: s.Step}}), true
	}
	if len(h.timers) > 0 {
		t := h.timers[0]
		h.timers = h.timers[1:]
		if t.at > h.Now {
			h.Now = t.at
		}
		return h.Handle(Event{Target: t.t.Target, Ev: member.Event{Kind: member.EvTimer, Timer: t.t.Timer.ID}}), true
	}
	return Effects{}, false
}

// WaitAdmin runs steps and timers until the PF publishes an admin
// completion or nothing is pending.
func (h *SyncHost) WaitAdmin() {
	max := h.MaxSteps
	if max == 0 {
		max = 1 << 20
	}
	for i := 0; i < max; i++ {
		fx, ran := h.RunOne()
		if !ran || fx.Published > 0 {
			return
		}
	}
}

// RunUntilIdle runs every pending step and timer (bounded by MaxSteps).
func (h *SyncHost) RunUntilIdle() {
	max := h.MaxSteps
	if max == 0 {
		max = 1 << 20
	}
	for i := 0; i < max; i++ {
		if _, ran := h.RunOne(); !ran {
			return
		}
	}
}
