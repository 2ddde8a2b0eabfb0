package hv

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/actorlog"
)

// Recorder stands between the hypervisor and its world when the world
// records its actors (package actorlog). Recording, it passes every call
// on and writes in the actor's log what the hypervisor's code received and
// what it did: every yield (its label and its result), every read of the
// world (the clock, the hosts, the VM, the signals, the owner's knowledge,
// the admin counts, a host's failure, host memory), every result of a call
// that also changes the world (Deliver, StepInline, WakeAfter,
// CheckedLoad), and every call that only changes the world or what watches
// it, with what identifies it (record_effects.go: host-memory writes and
// deliveries with a hash of their data, switch-over, memory and PCI
// copies, failures, resizes, halts, signals, notes, observed values, the
// owner driver's observer, the flow's end), in order. It records while the
// code runs on its actor and while a step's Do runs (the Do is the code's:
// its calls are written before the yield's result), not while the
// scheduler asks a wait whether it is ready. The calls the world makes on
// the hypervisor's state from another actor (a vCPU's trapped FLR:
// TrapBegin, TrapEnd, ResetDone) are written where they happen. What the
// world fixed when it was built (edition, rules, scenario, settings,
// verbs) is read live: it is the same in every copy.
//
// Fast-forwarding (NewReplayer), it answers the same calls from a record
// and writes nothing to the world; a yield runs its step's Do against the
// record (every call the Do makes is checked and answered, none reaches
// the world) and returns its recorded result without suspending until the
// record is consumed, and from then on it records live. A call or an
// argument the record does not hold at that place stops the fast-forward
// with an error (Err) that names the entry, both calls and both
// arguments: the rebuild is refused.
type Recorder struct {
	inner  World
	log    *actorlog.Log
	rep    *actorlog.Replay
	hostAt func(i int) Host
	// hosts, mems and obs are the hosts, host memories and observers the
	// recorder handed the hypervisor (a checkpoint keeps them).
	hosts []*recHost
	mems  []*recMem
	obs   []*recObserver
	hv    *Hypervisor
	// running is set while the hypervisor's code runs on its actor (its
	// boot, its program between two yields); doing while a step's Do of
	// the hypervisor's actor runs (runDo, or checkDo while
	// fast-forwarding).
	running, doing bool
	// do is the Do of the step the actor is suspended on, which runDo
	// (bound once) runs; q is that step's request as the world sees it.
	do    func() []byte
	runDo func() []byte
	q     Req
	// loads counts the checked loads the fast-forward is inside;
	// resetting names the reset_done it applies (external).
	loads     int
	resetting string
	err       error
	// cpErr is why the last checkpoint was not written (keepCheckpoint);
	// lastCP is the index of the last checkpoint in the record.
	cpErr  error
	lastCP int
}

// The calls of a record.
const (
	callYield actorlog.Call = iota + 1
	callNow
	callStalled
	callPublished
	callVFsGone
	callHosts
	callHostByName
	callVM
	callVMVFs
	callHasVMMemory
	callVCPUsHalted
	callSignalled
	callOthersDone
	callOwnerFrozen
	callAuditable
	callAnyAuditable
	callFailed
	callReadMem
	callWriteMem
	callPFBAR0
	callPFRID
	callDeliver
	callStepInline
	callWakeAfter
	callCheckedLoad
	// The calls that change the world or what watches it
	// (record_effects.go).
	callObserved
	callNotef
	callHostMem
	callDriverObserver
	callSubmitted
	callReceived
	callSwitchover
	callCopyMemory
	callCopyPCI
	callFail
	callResize
	callSetHalted
	callSignal
	callFlowEnd
	// The hypervisor's state at the end of its boot and between two
	// operations of its program (checkpoint.go).
	callCheckpoint
	// Another actor's calls on the hypervisor's state (trap.go).
	callTrapBegin
	callTrapEnd
	callResetDone
)

var callNames = [...]string{"?", "yield", "Now", "Stalled", "Published", "VFsGone", "Hosts", "HostByName", "VM", "VMVFs",
	"HasVMMemory", "VCPUsHalted", "Signalled", "OthersDone", "OwnerFrozen", "Auditable", "AnyAuditable", "Failed",
	"ReadMem", "WriteMem", "PFBAR0", "PFRID", "Deliver", "StepInline", "WakeAfter", "CheckedLoad",
	"Observed", "Notef", "HostMem", "DriverObserver", "Submitted", "Received", "Switchover", "CopyMemory",
	"CopyPCI", "Fail", "Resize", "SetHalted", "Signal", "FlowEnd", "checkpoint",
	"TrapBegin", "TrapEnd", "ResetDone"}

// CallName names a call of a hypervisor's record.
func CallName(c actorlog.Call) string {
	if int(c) < len(callNames) {
		return callNames[c]
	}
	return fmt.Sprintf("call %d", c)
}

// NewRecorder records the hypervisor's calls on w in log; hostAt is the
// world's host of index i.
func NewRecorder(w World, log *actorlog.Log, hostAt func(i int) Host) *Recorder {
	r := &Recorder{inner: w, log: log, hostAt: hostAt}
	r.runDo = func() []byte {
		r.doing = true
		defer func() { r.doing = false }()
		return r.do()
	}
	return r
}

// NewReplayer fast-forwards a new hypervisor through the entries of
// entries (a record shared with log, Log.Share), then records in log
// (which holds them) as NewRecorder.
func NewReplayer(w World, log *actorlog.Log, hostAt func(i int) Host, entries *actorlog.Log) *Recorder {
	r := NewRecorder(w, log, hostAt)
	r.rep = entries.Replay(entries.Len())
	r.rep.Names = CallName
	return r
}

// refusal is the panic that stops a fast-forward.
type refusal struct{ err error }

// Err is what stopped the fast-forward, nil if nothing did.
func (r *Recorder) Err() error { return r.err }

// FastForwarding reports whether r still answers from its record.
func (r *Recorder) FastForwarding() bool { return r.rep != nil }

// Boot runs h.Boot as the hypervisor's code.
// Recording, it then writes the hypervisor's state in the record as a
// checkpoint (checkpoint.go); fast-forwarding, it passes the checkpoint.
func (r *Recorder) Boot(h *Hypervisor) (err error) {
	r.hv, h.rec = h, r
	r.running = true
	defer func() { r.running = false }()
	if r.rep == nil {
		if err := h.Boot(); err != nil {
			return err
		}
		if r.log.Len() >= checkpointFirst {
			r.keepCheckpoint()
		}
		return nil
	}
	defer r.catch()
	if err := h.Boot(); err != nil {
		return err
	}
	r.passCheckpoint()
	return nil
}

// Run runs h's program as the hypervisor's code, yield suspending the
// actor; it applies what the record holds after the program's end.
func (r *Recorder) Run(h *Hypervisor, yield Yield) {
	r.hv, h.rec = h, r
	r.running = true
	if r.rep != nil {
		defer r.catch()
	}
	h.Run(r.yield(yield))
	r.running = false
	if r.rep != nil {
		r.external()
		if !r.rep.Done() {
			e, _ := r.rep.Peek()
			r.refuse(fmt.Errorf("hv: the program ended before its record (at entry %d, %s)", r.rep.Pos(), CallName(e.Call)))
		}
		r.rep = nil
	}
}

// catch turns a refusal (or any panic) of the fast-forward into Err.
func (r *Recorder) catch() {
	if r.rep == nil {
		return
	}
	if p := recover(); p != nil {
		if f, ok := p.(refusal); ok {
			r.err = f.err
		} else {
			r.err = fmt.Errorf("hv: fast-forward: panic: %v", p)
		}
		r.rep = nil
	}
}

func (r *Recorder) refuse(err error) {
	if r.err == nil {
		r.err = err
	}
	panic(refusal{err})
}

// external applies what other actors did to the hypervisor's state at
// this place of the record.
func (r *Recorder) external() {
	for {
		e, ok := r.rep.Peek()
		if !ok || e.Call < callTrapBegin {
			return
		}
		r.rep.Next(e.Call, e.Arg)
		switch e.Call {
		case callTrapBegin:
			r.hv.kern.trapping++
		case callTrapEnd:
			r.hv.kern.trapping--
		case callResetDone:
			// A reset_done that returns at once is applied here; one that
			// uses the owner driver runs over several of the vCPU's steps,
			// which are not in this record: refused.
			who, _ := e.V.(string)
			r.resetting = fmt.Sprintf("%s's reset_done of vf%d", who, uint32(e.Arg))
			r.hv.resetDone(r.host(int(e.Arg>>32)), int(uint32(e.Arg)), vcpu{name: who, yield: func(*Req) []byte {
				r.refuse(fmt.Errorf("hv: %s waited for the owner driver, before the record ends (not rebuilt)", r.resetting))
				return nil
			}})
			r.resetting = ""
		}
	}
}

// note writes another actor's call on the hypervisor's state.
func (r *Recorder) note(c actorlog.Call, arg uint64, v any) {
	if r.rep == nil {
		r.log.Add(actorlog.Entry{Call: c, Arg: arg, V: v})
	}
}

// next hands back the record's next entry, which must be c with arg.
func (r *Recorder) next(c actorlog.Call, arg uint64) actorlog.Entry {
	r.external()
	e, err := r.rep.Next(c, arg)
	if err != nil {
		r.refuse(err)
	}
	return e
}

// through reports whether the Recorder neither fast-forwards nor records
// (a copy made to run last, whose record stopped): a call goes to the
// world without the hash, copy or entry a record would take.
func (r *Recorder) through() bool { return r.rep == nil && !r.log.Enabled() }

// ff reports whether a call of the hypervisor's code is answered from the
// record. Outside the code (a wait's readiness, a step's Do) a call during
// the fast-forward is refused: nothing runs them there.
func (r *Recorder) ff() bool {
	if r.rep == nil {
		return false
	}
	if r.resetting != "" {
		r.refuse(fmt.Errorf("hv: %s used the owner driver, before the record ends (not rebuilt)", r.resetting))
	}
	if !r.running && !r.doing {
		r.refuse(errors.New("hv: the world was asked something outside the hypervisor's code during the fast-forward"))
	}
	return true
}

func (r *Recorder) add(e actorlog.Entry) {
	if r.running || r.doing {
		r.log.Add(e)
	}
}

func (r *Recorder) readN(c actorlog.Call, arg uint64, live func() uint64) uint64 {
	if r.ff() {
		return r.next(c, arg).N
	}
	v := live()
	r.add(actorlog.Entry{Call: c, Arg: arg, N: v})
	return v
}

func (r *Recorder) readBool(c actorlog.Call, arg uint64, live func() bool) bool {
	return r.readN(c, arg, func() uint64 {
		if live() {
			return 1
		}
		return 0
	}) != 0
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}

func errOf(v any) error {
	err, _ := v.(error)
	return err
}

func strArg(s string) uint64 { return deephash.String(0, s) }

// checkDo runs do, the Do of a step the record holds, against the record:
// what it calls is checked and answered there and reaches nothing.
func (r *Recorder) checkDo(do func() []byte) {
	r.doing = true
	do()
	r.doing = false
}

// yield wraps the actor's yield.
func (r *Recorder) yield(y Yield) Yield {
	return func(q *Req) []byte {
		arg := strArg(q.Label)
		if r.rep != nil {
			r.external()
			if !r.rep.Done() {
				if q.Do != nil {
					r.checkDo(q.Do)
				}
				return clone(r.next(callYield, arg).B)
			}
			if _, ok := r.inner.(LoadEnder); !ok && r.loads > 0 {
				r.refuse(errors.New("hv: the record ends inside a checked load and the world does not keep its beginning (not rebuilt)"))
			}
			r.rep = nil // the record is consumed: live from here
		}
		if q.Do != nil {
			// The step's Do records what it calls (runDo).
			r.q, r.do = *q, q.Do
			r.q.Do = r.runDo
			q = &r.q
		}
		r.running = false
		res := y(q)
		r.running = true
		r.add(actorlog.Entry{Call: callYield, Arg: arg, B: clone(res)})
		return res
	}
}

// Edition implements World.
func (r *Recorder) Edition() spec.Edition { return r.inner.Edition() }

// Rules implements World.
func (r *Recorder) Rules() spec.Rules { return r.inner.Rules() }

// Scenario implements World.
func (r *Recorder) Scenario() *scenario.Scenario { return r.inner.Scenario() }

// Reference implements World.
func (r *Recorder) Reference() bool { return r.inner.Reference() }

// DefaultImplName implements World.
func (r *Recorder) DefaultImplName() string { return r.inner.DefaultImplName() }

// Setting implements World.
func (r *Recorder) Setting(key string) (string, bool) { return r.inner.Setting(key) }

// Settings implements World.
func (r *Recorder) Settings() []scenario.Arg { return r.inner.Settings() }

// Bind implements World.
func (r *Recorder) Bind(op scenario.Op) (scenario.Values, error) {
	return r.inner.Bind(op)
}

// OtherEditionVerb implements World.
func (r *Recorder) OtherEditionVerb(verb string) bool { return r.inner.OtherEditionVerb(verb) }

// Now implements World.
func (r *Recorder) Now() engine.VTime {
	return engine.VTime(r.readN(callNow, 0, func() uint64 { return uint64(r.inner.Now()) }))
}

// Published implements World.
func (r *Recorder) Published(i int) int {
	return int(r.readN(callPublished, uint64(i), func() uint64 { return uint64(r.inner.Published(i)) }))
}

// VFsGone implements World.
func (r *Recorder) VFsGone(i int) bool {
	return r.readBool(callVFsGone, uint64(i), func() bool { return r.inner.VFsGone(i) })
}

// Stalled implements World.
func (r *Recorder) Stalled() bool { return r.readBool(callStalled, 0, r.inner.Stalled) }

// Hosts implements World.
func (r *Recorder) Hosts() []Host {
	var hs []Host
	n := r.readN(callHosts, 0, func() uint64 {
		hs = r.inner.Hosts()
		return uint64(len(hs))
	})
	out := make([]Host, n)
	for i := range out {
		out[i] = r.host(i)
	}
	return out
}

// HostByName implements World.
func (r *Recorder) HostByName(name string) (Host, error) {
	arg := strArg(name)
	if r.ff() {
		e := r.next(callHostByName, arg)
		if err := errOf(e.V); err != nil {
			return nil, err
		}
		return r.host(int(e.N)), nil
	}
	h, err := r.inner.HostByName(name)
	if err != nil {
		r.add(actorlog.Entry{Call: callHostByName, Arg: arg, V: err})
		return nil, err
	}
	r.add(actorlog.Entry{Call: callHostByName, Arg: arg, N: uint64(h.Index())})
	return r.host(h.Index()), nil
}

// PFBAR0 implements World.
func (r *Recorder) PFBAR0(h Host) uint64 {
	return r.readN(callPFBAR0, uint64(h.Index()), func() uint64 { return r.inner.PFBAR0(unwrap(h)) })
}

// PFRID implements World.
func (r *Recorder) PFRID(h Host) pcie.RID {
	return pcie.RID(r.readN(callPFRID, uint64(h.Index()), func() uint64 { return uint64(r.inner.PFRID(unwrap(h))) }))
}

// StepInline implements World.
func (r *Recorder) StepInline(h Host) bool {
	return r.readBool(callStepInline, uint64(h.Index()), func() bool { return r.inner.StepInline(unwrap(h)) })
}

// VM implements World.
func (r *Recorder) VM() Host {
	var vm Host
	n := r.readN(callVM, 0, func() uint64 {
		if vm = r.inner.VM(); vm == nil {
			return 0
		}
		return uint64(vm.Index()) + 1
	})
	if n == 0 {
		return nil
	}
	return r.host(int(n - 1))
}

// VMVFs implements World.
func (r *Recorder) VMVFs() []int {
	if r.ff() {
		v, _ := r.next(callVMVFs, 0).V.([]int)
		return append([]int(nil), v...)
	}
	v := r.inner.VMVFs()
	r.add(actorlog.Entry{Call: callVMVFs, V: append([]int(nil), v...)})
	return v
}

// HasVMMemory implements World.
func (r *Recorder) HasVMMemory(h Host) bool {
	return r.readBool(callHasVMMemory, uint64(h.Index()), func() bool { return r.inner.HasVMMemory(unwrap(h)) })
}

// VCPUsHalted implements World.
func (r *Recorder) VCPUsHalted() bool { return r.readBool(callVCPUsHalted, 0, r.inner.VCPUsHalted) }

// Signalled implements World.
func (r *Recorder) Signalled(name string) bool {
	return r.readBool(callSignalled, strArg(name), func() bool { return r.inner.Signalled(name) })
}

// WakeAfter implements World.
func (r *Recorder) WakeAfter(delay uint64) engine.VTime {
	return engine.VTime(r.readN(callWakeAfter, delay, func() uint64 { return uint64(r.inner.WakeAfter(delay)) }))
}

// OthersDone implements World.
func (r *Recorder) OthersDone() bool { return r.readBool(callOthersDone, 0, r.inner.OthersDone) }

// OwnerFrozen implements World.
func (r *Recorder) OwnerFrozen(h Host, vf int) bool {
	return r.readBool(callOwnerFrozen, uint64(h.Index())<<32|uint64(vf), func() bool { return r.inner.OwnerFrozen(unwrap(h), vf) })
}

// Auditable implements World.
func (r *Recorder) Auditable(h Host, vf int) bool {
	return r.readBool(callAuditable, uint64(h.Index())<<32|uint64(vf), func() bool { return r.inner.Auditable(unwrap(h), vf) })
}

// AnyAuditable implements World.
func (r *Recorder) AnyAuditable() bool { return r.readBool(callAnyAuditable, 0, r.inner.AnyAuditable) }

// CheckedLoad runs load, the hypervisor's own code, also while
// fast-forwarding; the record checks that it ended as it did.
func (r *Recorder) CheckedLoad(h Host, vf int, who string, load func() error) error {
	arg := deephash.String(uint64(h.Index())<<32|uint64(vf), who)
	if r.ff() {
		r.loads++
		err := load()
		r.loads--
		if r.rep == nil {
			// The record ended inside the load: the world holds its
			// beginning (LoadEnder), the load ends live.
			if le, ok := r.inner.(LoadEnder); ok {
				err = le.EndLoad(err)
			}
			r.add(actorlog.Entry{Call: callCheckedLoad, Arg: arg, V: err})
			return err
		}
		e := r.next(callCheckedLoad, arg)
		if (errOf(e.V) == nil) != (err == nil) {
			r.refuse(fmt.Errorf("hv: the checked load of %s.vf%d ended with %v where its record holds %v", h.Name(), vf, err, e.V))
		}
		return err
	}
	err := r.inner.CheckedLoad(unwrap(h), vf, who, load)
	r.add(actorlog.Entry{Call: callCheckedLoad, Arg: arg, V: err})
	return err
}
