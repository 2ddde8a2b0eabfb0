// Package rerun is an actor's record (package actorlog) as the actor's own
// code sees it: a guest vCPU's or a peer's. Running live, the code adds to
// the record everything it receives from outside its own state (the
// results of its yields, guest memory it reads, the clock, interrupts it
// pops); rebuilt on a copy of the world, the same code runs again from its
// start against the record (a fast-forward): every such call is answered
// from the record, checked against what the code asks for, and nothing
// reaches the world, until the record is consumed at a yield, where the
// code suspends on its pending operation as the original did and runs
// live from then on (docs/engine.md, "Rebuilding an actor from its
// record").
package rerun

import (
	"bytes"
	"fmt"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/actorlog"
)

// The calls a guest's or a peer's code records.
const (
	// CallYield is a visible operation the code yields, recorded before
	// it suspends: Arg digests its label. CallResult follows it once the
	// operation ran: B is its result.
	CallYield actorlog.Call = iota + 1
	CallResult
	// CallRead and CallWrite are accesses to guest memory; Arg digests the
	// address, the length (and the data written); B is what a read
	// returned, V the error.
	CallRead
	CallWrite
	// CallClock is a wake-up time the code set (a guest's or a peer's
	// sleep): Arg is the delay, N the time.
	CallClock
	// CallTraps is whether a configuration write traps (N: 1 or 0).
	CallTraps
	// CallTrapBegin and CallTrapEnd bracket a trapped FLR, which runs the
	// hypervisor's code on the vCPU: a fast-forward skips what is between.
	CallTrapBegin
	CallTrapEnd
	// CallIRQ is an interrupt the code popped itself (N: 1<<16 | vector),
	// or found none (N: 0).
	CallIRQ
	// CallCheckpoint is the code's state between two operations of its
	// program, as data (V; nil when the code could not keep it): a
	// rebuild starts from the record's last one (checkpoint.go).
	CallCheckpoint
)

var callNames = [...]string{CallYield: "a yield", CallResult: "a yield's result", CallRead: "a memory read", CallWrite: "a memory write",
	CallClock: "a wake-up time", CallTraps: "whether a write traps", CallTrapBegin: "a trapped FLR",
	CallTrapEnd: "the end of a trapped FLR", CallIRQ: "a pending interrupt", CallCheckpoint: "a checkpoint"}

// CallName renders a call in mismatch errors.
func CallName(c actorlog.Call) string {
	if int(c) < len(callNames) && callNames[c] != "" {
		return callNames[c]
	}
	return fmt.Sprintf("call %d", c)
}

// Tape is one actor's record seen from its code. A nil Tape records
// nothing and never fast-forwards.
type Tape struct {
	log *actorlog.Log
	rp  *actorlog.Replay
	// from is where a fast-forward starts in the record (past the
	// checkpoint Checkpoint restores), lastCP where the record's last
	// checkpoint is, for the code (checkpoint.go).
	from, lastCP int
}

// New returns a tape that adds to log (when log records).
func New(log *actorlog.Log) *Tape { return &Tape{log: log} }

// Forward starts a fast-forward through the whole of the tape's record.
func (t *Tape) Forward() {
	t.rp = t.log.Replay(t.log.Len())
	t.rp.Names = CallName
	t.rp.Skip(t.from)
}

// Forwarding reports whether the code runs against the record: from
// Forward until a yield finds the record consumed.
func (t *Tape) Forwarding() bool { return t != nil && t.rp != nil }

// Finish ends a fast-forward whose code returned (or suspended): it is an
// error unless every entry of the record was handed back.
func (t *Tape) Finish() error {
	if t.rp == nil {
		return nil
	}
	defer func() { t.rp = nil }()
	if !t.rp.Done() {
		e, _ := t.rp.Peek()
		return fmt.Errorf("rerun: the rebuilt code stopped at entry %d of its record, which holds %s next", t.rp.Pos(), CallName(e.Call))
	}
	return nil
}

// Add records e unless the code fast-forwards.
func (t *Tape) Add(e actorlog.Entry) {
	if t != nil && t.rp == nil {
		t.log.Add(e)
	}
}

// Value is a number the code receives from the world: live, live()
// computes it (and may write the world) and it is recorded; while the code
// fast-forwards, the record gives it and live does not run.
func (t *Tape) Value(call actorlog.Call, arg uint64, live func() uint64) uint64 {
	if t.Forwarding() {
		return t.Take(call, arg).N
	}
	v := live()
	t.Add(actorlog.Entry{Call: call, Arg: arg, N: v})
	return v
}

// Rebuild runs the code again against the whole record: start begins it
// (up to where it suspends or returns). A mismatch with the record, a
// panic of the code, or a record the code does not consume to its end is
// an error, and the code is not to be used.
func (t *Tape) Rebuild(start func()) (err error) {
	t.Forward()
	defer func() {
		if p := recover(); p != nil {
			perr, ok := p.(error)
			if !ok {
				perr = fmt.Errorf("%v", p)
			}
			t.rp, err = nil, fmt.Errorf("rerun: %w", perr)
		}
	}()
	start()
	return t.Finish()
}

// Take hands back the next entry of the fast-forward, which must be call
// with arg. A mismatch panics with the *actorlog.MismatchError: the code
// cannot go on, and the rebuild that runs it recovers the panic and
// refuses the actor.
func (t *Tape) Take(call actorlog.Call, arg uint64) actorlog.Entry {
	e, err := t.rp.Next(call, arg)
	if err != nil {
		panic(err)
	}
	return e
}

// Skip hands back the entries from a begin to its end (the entries the
// code received between them are not the code's to run again).
func (t *Tape) Skip(begin, end actorlog.Call) {
	t.Take(begin, 0)
	for {
		e, ok := t.rp.Peek()
		if !ok || e.Call == end {
			t.Take(end, 0)
			return
		}
		t.Take(e.Call, e.Arg)
	}
}

// Yield wraps y, an actor's yield, with the tape: while the code
// fast-forwards a yield returns its recorded result without suspending;
// the yield whose result the record does not hold (the one the original
// is suspended on, the same request: its label is recorded before it
// suspends) ends the fast-forward and suspends; a live yield's request and
// result are recorded. label names a request. Without a tape it is y.
func Yield[R any](t *Tape, y func(R) []byte, label func(R) string) func(R) []byte {
	if t == nil {
		return y
	}
	return func(r R) []byte {
		arg := deephash.String(0, label(r))
		if t.rp != nil {
			t.Take(CallYield, arg)
			if !t.rp.Done() {
				// The record is shared with the original and its other
				// copies: the code gets its own bytes, as live.
				return clone(t.Take(CallResult, 0).B)
			}
			t.rp = nil
		} else {
			t.Add(actorlog.Entry{Call: CallYield, Arg: arg})
		}
		res := y(r)
		t.Add(actorlog.Entry{Call: CallResult, B: clone(res)})
		return res
	}
}

// Port is guest memory through a tape: live, every access reaches Live
// and is recorded; while the code fast-forwards, a read returns what the
// record holds and a write reaches nothing.
type Port struct {
	T    *Tape
	Live pcie.MemoryPort
}

// ReadMem implements pcie.MemoryPort.
func (p Port) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	arg := deephash.Mix(deephash.Mix(uint64(rid), addr), uint64(len(buf)))
	if p.T.Forwarding() {
		e := p.T.Take(CallRead, arg)
		copy(buf, e.B)
		return errOf(e)
	}
	err := p.Live.ReadMem(rid, addr, buf)
	p.T.Add(actorlog.Entry{Call: CallRead, Arg: arg, B: clone(buf), V: err})
	return err
}

// WriteMem implements pcie.MemoryPort.
func (p Port) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	arg := writeArg(rid, addr, data)
	if p.T.Forwarding() {
		return errOf(p.T.Take(CallWrite, arg))
	}
	err := p.Live.WriteMem(rid, addr, data)
	p.T.Add(actorlog.Entry{Call: CallWrite, Arg: arg, V: err})
	return err
}

// writeArg digests a write to guest memory: its requester, address and
// data. A write of zeroes (a driver zeroing a ring before it hands it to
// the device, virtq.NewDriverRing: pages of them, on every run and every
// rebuild) digests its length and a mark instead of every byte, which
// comparing them with zeroes costs a fraction of.
func writeArg(rid pcie.RID, addr uint64, data []byte) uint64 {
	h := deephash.Mix(uint64(rid), addr)
	if len(data) >= zeroWriteMin && allZero(data) {
		return deephash.Mix(deephash.Mix(h, uint64(len(data))), zeroWrite)
	}
	return deephash.Bytes(h, data)
}

// zeroWrite marks the digest of a write of zeroes; zeroWriteMin is the
// shortest such write digested so (a shorter one costs no more hashed).
const (
	zeroWrite    = 0x7a65726f5f777274 // "zero_wrt"
	zeroWriteMin = 64
)

var zeroes [4096]byte

// allZero reports whether b holds only zeroes.
func allZero(b []byte) bool {
	for len(b) > 0 {
		n := min(len(b), len(zeroes))
		if !bytes.Equal(b[:n], zeroes[:n]) {
			return false
		}
		b = b[n:]
	}
	return true
}

func errOf(e actorlog.Entry) error {
	err, _ := e.V.(error)
	return err
}

func clone(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append(make([]byte, 0, len(b)), b...)
}
