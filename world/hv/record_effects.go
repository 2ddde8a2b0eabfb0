package hv

import (
	"fmt"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/actorlog"
)

// The calls of the hypervisor's code that change the world, or what
// watches it, and return nothing the code reads back (or a result the
// record holds, Deliver): a Recorder writes each with what identifies it
// (the host, the arguments, a hash of the data) and a fast-forward checks
// that the rebuilt code makes the same call there, and passes nothing on.

// effect is a call that returns nothing: live, do runs and the call is
// written with arg; fast-forwarding, the record must hold it here, and do
// does not run.
func (r *Recorder) effect(c actorlog.Call, arg uint64, do func()) {
	if r.ff() {
		r.next(c, arg)
		return
	}
	do()
	r.add(actorlog.Entry{Call: c, Arg: arg})
}

// hostArg identifies a host, or none (nil).
func hostArg(h Host) uint64 {
	if h == nil {
		return 0
	}
	return uint64(h.Index()) + 1
}

// Notef implements World: the record holds a hash of the note's text.
func (r *Recorder) Notef(format string, args ...any) {
	switch {
	case r.rep != nil && r.resetting != "":
		// A vCPU's reset_done the fast-forward applies (external): its
		// notes are in the world already, and not in this record.
		return
	case r.rep == nil && !r.running && !r.doing, r.through():
		r.inner.Notef(format, args...) // another actor's, or nothing recorded
		return
	}
	s := fmt.Sprintf(format, args...)
	r.effect(callNotef, strArg(s), func() { r.inner.Notef("%s", s) })
}

// Observed implements World.
func (r *Recorder) Observed(v uint64) {
	r.effect(callObserved, v, func() { r.inner.Observed(v) })
}

// HostMem implements World: the port records every access.
func (r *Recorder) HostMem(h Host) pcie.MemoryPort {
	r.effect(callHostMem, hostArg(h), func() {})
	m := &recMem{r: r, i: uint64(h.Index()), m: r.inner.HostMem(unwrap(h))}
	r.mems = append(r.mems, m)
	return m
}

// DriverObserver implements World: the observer records every call.
func (r *Recorder) DriverObserver(h Host) owner.DriverObserver {
	r.effect(callDriverObserver, hostArg(h), func() {})
	o := &recObserver{r: r, o: r.inner.DriverObserver(unwrap(h)), i: h.Index()}
	r.obs = append(r.obs, o)
	return o
}

// Deliver implements World: the record holds the host, the function, a
// hash of the event and who sends it, and the completion data.
func (r *Recorder) Deliver(h Host, t owner.Target, ev member.Event, who string) []byte {
	if r.through() {
		return r.inner.Deliver(unwrap(h), t, ev, who)
	}
	arg := deephash.String(eventArg(deephash.Mix(uint64(h.Index())<<32|uint64(uint32(t)), 0), ev), who)
	if r.ff() {
		return clone(r.next(callDeliver, arg).B)
	}
	res := r.inner.Deliver(unwrap(h), t, ev, who)
	e := actorlog.Entry{Call: callDeliver, Arg: arg}
	if !r.doing {
		// A step's Do returns what it delivered: the yield's entry holds
		// it, and a Do checked against the record returns nothing.
		e.B = clone(res)
	}
	r.add(e)
	return res
}

// eventArg hashes ev into a.
func eventArg(a uint64, ev member.Event) uint64 {
	a = deephash.Mix(a, uint64(ev.Kind))
	if ev.Kind != member.EvTLP {
		return deephash.Mix(a, deephash.Hash(ev)) // the hypervisor delivers TLPs only
	}
	t := ev.TLP
	a = deephash.Mix(deephash.Mix(deephash.Mix(a, uint64(t.Kind)), uint64(t.Requester)), uint64(t.Completer))
	a = deephash.Mix(deephash.Mix(a, t.Addr), uint64(t.Len))
	return deephash.Bytes(a, t.Data)
}

// Switchover implements World.
func (r *Recorder) Switchover(h Host) {
	r.effect(callSwitchover, hostArg(h), func() { r.inner.Switchover(unwrap(h)) })
}

// CopyMemory implements World.
func (r *Recorder) CopyMemory(h Host) {
	r.effect(callCopyMemory, hostArg(h), func() { r.inner.CopyMemory(unwrap(h)) })
}

// CopyPCI implements World.
func (r *Recorder) CopyPCI(from, to Host) {
	r.effect(callCopyPCI, hostArg(from)<<32|hostArg(to), func() { r.inner.CopyPCI(unwrap(from), unwrap(to)) })
}

// Fail implements World.
func (r *Recorder) Fail(h Host) {
	r.effect(callFail, hostArg(h), func() { r.inner.Fail(unwrap(h)) })
}

// Resize implements World.
func (r *Recorder) Resize(sectors uint64) {
	r.effect(callResize, sectors, func() { r.inner.Resize(sectors) })
}

// SetHalted implements World.
func (r *Recorder) SetHalted(halted bool) {
	var arg uint64
	if halted {
		arg = 1
	}
	r.effect(callSetHalted, arg, func() { r.inner.SetHalted(halted) })
}

// Signal implements World.
func (r *Recorder) Signal(name string) {
	r.effect(callSignal, strArg(name), func() { r.inner.Signal(name) })
}

// FlowEnd implements World: the record holds a hash of the outcome and of
// every host's flags.
func (r *Recorder) FlowEnd(o FlowOutcome, hosts []HostFlags) {
	a := deephash.String(deephash.String(deephash.String(0, o.Actor), o.Name), o.File)
	a = deephash.String(deephash.Mix(a, uint64(o.Line)), o.Verb)
	a = deephash.String(deephash.String(a, o.OnError), o.Message)
	if o.Err != nil {
		a = deephash.String(deephash.Mix(a, 1), o.Err.Error())
	}
	a = deephash.Mix(a, uint64(len(hosts)))
	for _, f := range hosts {
		a = deephash.Mix(a, boolBits(f.VFsGone)|boolBits(f.Touched)<<1|boolBits(f.Received)<<2)
	}
	r.effect(callFlowEnd, a, func() { r.inner.FlowEnd(o, hosts) })
}

func boolBits(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

// commandArg hashes an admin command into a.
func commandArg(a uint64, c adminq.Command) uint64 {
	a = deephash.Mix(deephash.Mix(deephash.Mix(a, uint64(c.Opcode)), uint64(c.Group)), c.Member)
	a = deephash.Bytes(deephash.Bytes(a, c.Reserved1[:]), c.Data)
	return deephash.Mix(a, boolBits(c.Short))
}

// Submitted implements owner.DriverObserver.
func (o *recObserver) Submitted(seq uint64, c adminq.Command) {
	o.r.effect(callSubmitted, commandArg(seq, c), func() { o.o.Submitted(seq, c) })
}

// Received implements owner.DriverObserver.
func (o *recObserver) Received(c adminq.Completion) {
	a := commandArg(c.Token, c.Command)
	res := c.Result
	a = deephash.Mix(deephash.Mix(deephash.Mix(a, uint64(res.Status)), uint64(res.Qualifier)), uint64(c.UsedLen))
	a = deephash.Bytes(deephash.Bytes(a, res.Reserved2[:]), res.Data)
	a = deephash.Mix(a, boolBits(res.Short))
	o.r.effect(callReceived, a, func() { o.o.Received(c) })
}
