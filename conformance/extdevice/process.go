package extdevice

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/migsim/migsim/conformance/extdevice/wire"
)

// process is one running device — a process (Start) or a Go device served
// in-process (StartServed) — with the kit's ends of its input and output.
// One exchange (a request and everything until its reply) runs at a time.
// Everything here is the same for both: only how the device runs, ends and
// reports (runner) and the kind of pipe ends differ.
type process struct {
	// name names the device in messages: the command's base name, or the
	// served device's name.
	name string
	// timeout is the deadline of a request, helloTimeout of the hello.
	timeout, helloTimeout time.Duration
	// info is what the device declared in its hello.
	info Info
	dev  runner
	in   writeEnd // our end of the device's input
	out  readEnd  // our end of the device's output
	r    *bufio.Reader
	w    *bufio.Writer

	mu     sync.Mutex
	nextID uint64
	// err is the first protocol error; the device is gone after it.
	err *Error

	dropMu sync.Mutex
	drops  []uint64

	// chainBuf is chainLine's scratch (p.mu held).
	chainBuf []byte
	// inDeadline and outDeadline are the deadlines last set on in and out
	// by an exchange (p.mu held): an exchange's every message has its
	// deadline, which is set once, not again for each of its messages (a
	// process's OS pipe re-arms a runtime timer each time).
	inDeadline, outDeadline time.Time

	// onFail is told of the device's protocol error.
	onFail func(*Error)
	// log, when set, receives every line, after tag (the process's
	// "pN " when its pool runs several processes, else "").
	log *transcript
	tag string
	// ctx interrupts the device's exchanges when it ends (never nil).
	ctx context.Context
	// stopInterrupt unregisters the wake-up of a blocked read or write
	// when ctx ends.
	stopInterrupt func() bool
}

// writeEnd is the kit's end of a device's input: an *os.File for a
// process, a memPipe end for a served device. Both wake a blocked write
// with os.ErrDeadlineExceeded when its deadline passes.
type writeEnd interface {
	io.WriteCloser
	SetWriteDeadline(time.Time) error
}

// readEnd is the kit's end of a device's output.
type readEnd interface {
	io.ReadCloser
	SetReadDeadline(time.Time) error
}

// runner is how one device runs: what differs between a process and a
// served device, besides the pipe ends.
type runner interface {
	// done is closed once the device has ended (the process exited, the
	// serve function returned).
	done() <-chan struct{}
	// kill ends the device now: SIGKILL to its process group, or the
	// served device's ends of its pipes closed.
	kill()
	// exit says how the device ended, once done is closed; killed says
	// that kill ended it.
	exit(killed bool) string
	// unkillable says what is left of a device that kill did not end.
	unkillable() string
	// stderr returns the end of what the device wrote on stderr, waiting
	// a moment for what is still on its way.
	stderr() string
	// served reports a device served in-process (Error.Served).
	served() bool
	// clean reports, once done is closed and kill was not needed, whether
	// the device ended as the protocol asks at the end of its input:
	// exit status 0, or its serve function returned nil.
	clean() bool
}

// launch starts one device and returns how it runs and the kit's ends of
// its input and output.
type launch func() (runner, writeEnd, readEnd, error)

// startProcess starts a device with start and runs the handshake, with o's
// deadline and context.
func startProcess(name string, start launch, o Options, onFail func(*Error), log *transcript) (*process, Info, error) {
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Err() != nil {
		return nil, Info{}, &Error{Command: name, Request: "start", What: interruptedWhat, Interrupted: true}
	}
	dev, in, out, err := start()
	if err != nil {
		return nil, Info{}, err
	}
	p := &process{name: name, timeout: o.Timeout, helloTimeout: o.HelloTimeout, dev: dev, in: in, out: out, onFail: onFail, log: log, ctx: ctx}
	if log != nil && o.Procs > 1 {
		p.tag = log.tag()
	}
	p.r, p.w = bufio.NewReaderSize(out, MaxLine), bufio.NewWriter(in)
	// When ctx ends, a read or write blocked on the device returns at once
	// (its deadline passes); the exchange then reports the interruption.
	p.stopInterrupt = context.AfterFunc(ctx, func() {
		now := time.Now()
		_ = p.out.SetReadDeadline(now)
		_ = p.in.SetWriteDeadline(now)
	})
	info, err := p.hello()
	if err != nil {
		return nil, Info{}, err
	}
	p.info = info
	return p, info, nil
}

// hello runs the handshake.
func (p *process) hello() (Info, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.beginWithin(func() string { return "hello" }, p.helloTimeout)
	x.send(&Message{Op: OpHello, Protocol: ProtocolVersion})
	m := x.recv()
	if x.err == nil {
		x.expect(m, OpHello)
	}
	if x.err != nil {
		return Info{}, x.err
	}
	if m.Protocol != ProtocolVersion {
		return Info{}, p.fail(x.desc(), fmt.Sprintf("hello answers protocol %d, the kit speaks %d", m.Protocol, ProtocolVersion))
	}
	info, err := infoFromHello(m)
	if err != nil {
		return Info{}, p.fail(x.desc(), "hello: "+err.Error())
	}
	return info, nil
}

// exchange is one request in progress, with its deadline. The first error
// sticks; later calls do nothing.
type exchange struct {
	p        *process
	id       uint64
	what     func() string
	within   time.Duration
	deadline time.Time
	err      *Error
	// chain, when set, is the input chain of the device the exchange is
	// for: every line sent is hashed into it (chain.go).
	chain *uint64
}

// begin starts an exchange with the request deadline; p.mu is held. what
// describes the request for error messages (called only when one is
// needed).
func (p *process) begin(what func() string) *exchange { return p.beginWithin(what, p.timeout) }

// beginWithin starts an exchange that must end within d.
func (p *process) beginWithin(what func() string, d time.Duration) *exchange {
	p.nextID++
	return &exchange{p: p, id: p.nextID, what: what, within: d, deadline: time.Now().Add(d)}
}

// desc describes the exchange: "event … for device 3 (vf 1) (request 12)".
func (x *exchange) desc() string { return fmt.Sprintf("%s (request %d)", x.what(), x.id) }

// A served device's pipe end refuses a deadline once it is closed
// (io.ErrClosedPipe): the deadline is moot then, as the read or write that
// follows fails at once, and says so.
func (x *exchange) send(m *Message) {
	if x.err != nil {
		return
	}
	m.ID = x.id
	if err := x.p.setDeadline(x.p.in.SetWriteDeadline, &x.p.inDeadline, x.deadline); err != nil {
		x.err = x.p.fail(x.desc(), "set deadline: "+err.Error())
		return
	}
	if x.interrupted() {
		return
	}
	line := wire.Append(x.p.w.AvailableBuffer(), m)
	if len(line) >= MaxLine {
		x.err = x.p.overLimit(x, m, len(line)+1)
		return
	}
	if x.p.log != nil {
		x.p.log.line(x.p.tag+"kit> ", line)
	}
	if x.chain != nil {
		*x.chain = x.p.chainLine(*x.chain, line, m)
	}
	if err := writeLine(x.p.w, line); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if x.interrupted() {
				return
			}
			msg := fmt.Sprintf("the device did not read its input within %s (sending %s)", x.within, m.Op)
			if m.Op == OpHello { // a program still starting reads nothing
				msg = helloLate(x.within)
			}
			x.err = x.p.fail(x.desc(), msg)
			return
		}
		if errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrClosedPipe) {
			// A device that exits at once may close its input before the
			// kit writes (broken pipe; a served device's pipe says
			// io.ErrClosedPipe) or after (then the read sees its output
			// closed): either way how the device ended follows.
			x.err = x.p.fail(x.desc(), fmt.Sprintf("the device closed its input instead of reading %s", m.Op))
			return
		}
		x.err = x.p.fail(x.desc(), fmt.Sprintf("sending %s: %v", m.Op, err))
	}
}

// setDeadline sets deadline d with set unless *last, the deadline set
// last, is d already. A context's end sets an earlier deadline without
// changing *last, which is harmless: an exchange checks the context after
// setting its deadline, and stops then. The error is set's, but for
// io.ErrClosedPipe (see send).
func (p *process) setDeadline(set func(time.Time) error, last *time.Time, d time.Time) error {
	if d.Equal(*last) {
		return nil
	}
	*last = d
	if err := set(d); err != nil && !errors.Is(err, io.ErrClosedPipe) {
		return err
	}
	return nil
}

// helloLate is the error of a hello that got no reply in time, with the
// two usual causes: a program slower to start than the deadline, and a
// reply left in the device's output buffer. It names the deadline's
// command-line flag first (most readers run migsim conform), then the Go
// option.
func helloLate(d time.Duration) string {
	return fmt.Sprintf("the device did not answer the hello within %s: a program slower to start needs a longer deadline "+
		"(migsim's --timeout flag is the hello's deadline too, which is %s without it; from Go, Options.HelloTimeout), and a program that answered must flush its output after every line it writes", d, DefaultHelloTimeout)
}

// recv reads the next message of this exchange.
func (x *exchange) recv() *Message {
	if x.err != nil {
		return nil
	}
	if err := x.p.setDeadline(x.p.out.SetReadDeadline, &x.p.outDeadline, x.deadline); err != nil {
		x.err = x.p.fail(x.desc(), "set deadline: "+err.Error())
		return nil
	}
	if x.interrupted() {
		return nil
	}
	line, err := readLine(x.p.r)
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded) && x.interrupted():
		return nil
	case errors.Is(err, os.ErrDeadlineExceeded):
		msg := fmt.Sprintf("no reply within %s", x.within)
		switch {
		case len(line) > 0:
			msg = unended(x.within, line)
		case x.what() == "hello":
			msg = helloLate(x.within)
		}
		x.err = x.p.fail(x.desc(), msg)
		return nil
	case errors.Is(err, io.EOF):
		x.err = x.p.failEnding(x.desc(), "the device closed its output instead of replying")
		return nil
	case errors.Is(err, errLineTooLong):
		x.err = x.p.fail(x.desc(), fmt.Sprintf("the device wrote a line longer than %d bytes (output flood)", MaxLine))
		return nil
	case err != nil:
		x.err = x.p.fail(x.desc(), "reading the reply: "+err.Error())
		return nil
	}
	if x.p.log != nil {
		x.p.log.line(x.p.tag+"dev> ", line)
	}
	m, err := DecodeMessage(line)
	if err != nil {
		x.err = x.p.fail(x.desc(), err.Error())
		return nil
	}
	if m.ID != x.id {
		x.err = x.p.fail(x.desc(), fmt.Sprintf("got %s for request %d while request %d is in progress (a reply sent twice, or out of turn)", m.Op, m.ID, x.id))
		return nil
	}
	return m
}

// expect checks a message's op.
func (x *exchange) expect(m *Message, ops ...string) bool {
	if x.err != nil {
		return false
	}
	for _, op := range ops {
		if m.Op == op {
			return true
		}
	}
	x.err = x.p.fail(x.desc(), fmt.Sprintf("got op %q, want %s", m.Op, strings.Join(ops, " or ")))
	return false
}

// done checks that nothing follows a final reply in what was read so far:
// a device that answers twice is caught here or by the next exchange.
func (x *exchange) done() {
	if x.err == nil && x.p.r.Buffered() > 0 {
		x.err = x.p.fail(x.desc(), fmt.Sprintf("%d more bytes after the reply (a reply sent twice?)", x.p.r.Buffered()))
	}
}

// interruptedWhat is the What of an Error that ends an exchange because
// the pool's context ended.
const interruptedWhat = "the kit was stopped before the device replied"

// interrupted reports whether the pool's context has ended; if so it ends
// the process and records the exchange's error as an interruption (set
// after a deadline, so that a wake-up for the context is not missed).
func (x *exchange) interrupted() bool {
	if x.p.ctx.Err() == nil {
		return false
	}
	x.err = x.p.end(&Error{Request: x.desc(), What: interruptedWhat, Interrupted: true})
	return true
}

// fail records a protocol error, ends the process and returns the error.
// It is called with p.mu held.
func (p *process) fail(what, msg string) *Error {
	return p.end(&Error{Request: what, What: msg})
}

// failEnding is fail for a device that closed its output: it is ending,
// and is given the request deadline to exit on its own, so that its exit
// status is reported rather than a kill (an interpreter printing its
// stack trace on a loaded machine can take longer than endGrace).
func (p *process) failEnding(what, msg string) *Error {
	return p.endWithin(&Error{Request: what, What: msg}, max(p.timeout, endGrace))
}

// endGrace is how long a device that broke the protocol is given to exit
// on its own (after a protocol error, it may be on its way out) before it
// is killed.
const endGrace = 100 * time.Millisecond

// end ends the device and records e, completed with how the device ended
// and its stderr, as its error (the first one sticks). It is called with
// p.mu held.
func (p *process) end(e *Error) *Error { return p.endWithin(e, endGrace) }

// endWithin is end with grace for the device to exit on its own.
func (p *process) endWithin(e *Error, grace time.Duration) *Error {
	if p.err != nil {
		return p.err
	}
	p.stopInterrupt()
	exit := p.halt(grace)
	closeAll(p.in, p.out)
	e.Command, e.Exit, e.Stderr, e.Served = p.name, exit, p.dev.stderr(), p.dev.served()
	p.err = e
	if p.onFail != nil {
		p.onFail(p.err)
	}
	return p.err
}

// halt waits up to grace for the device to end on its own, else kills it
// (a process with its process group; a served device by closing its
// pipes), and says how it ended.
func (p *process) halt(grace time.Duration) string {
	select {
	case <-p.dev.done():
		return p.dev.exit(false)
	case <-time.After(grace):
	}
	return p.kill()
}

// kill kills the device now and says how it ended.
func (p *process) kill() string {
	p.dev.kill()
	select {
	case <-p.dev.done():
		return p.dev.exit(true)
	case <-time.After(5 * time.Second):
		return p.dev.unkillable()
	}
}

// close ends a healthy device: it closes its input (a device ends at the
// end of its input, with status 0) and kills it if it has not ended
// within the request deadline (p.timeout: a device that answers every
// request in time may take as long to exit, which a loaded machine's
// interpreter start-up and shutdown can need). A device that ends
// otherwise breaks the protocol: close
// returns that error (nil for a device already failed or interrupted,
// whose error is Err's).
func (p *process) close() *Error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return nil
	}
	p.stopInterrupt()
	p.in.Close()
	killed := false
	exit := ""
	select {
	case <-p.dev.done():
		exit = p.dev.exit(false)
	case <-time.After(p.timeout):
		select {
		case <-p.dev.done(): // it ended as the deadline did
			exit = p.dev.exit(false)
		default:
			killed = true
			exit = p.kill()
		}
	}
	var after []byte
	if !killed {
		after = p.unasked()
	}
	p.out.Close()
	p.err = &Error{Command: p.name, Request: "use after close", What: "the device was closed"}
	switch {
	case len(after) > 0:
		return &Error{Command: p.name, Request: "end of input", What: unaskedWhat(after),
			Exit: exit, Stderr: p.dev.stderr(), Served: p.dev.served()}
	case killed:
		return &Error{Command: p.name, Request: "end of input", What: fmt.Sprintf("the device did not end within %s of the end of its input (the request deadline)", p.timeout),
			Exit: exit, Stderr: p.dev.stderr(), Served: p.dev.served()}
	case !p.dev.clean():
		return &Error{Command: p.name, Request: "end of input", What: "the device ended without status 0 at the end of its input",
			Exit: exit, Stderr: p.dev.stderr(), Served: p.dev.served()}
	}
	return nil
}

// unaskedShown is how much of what a device wrote after its last reply an
// error quotes.
const unaskedShown = 120

// unasked reads what an ended device wrote on stdout after its last reply
// (nothing, for a device that keeps the protocol: "Nothing else may be
// written on stdout"), up to unaskedShown bytes and one more. Its output
// ends when it exits; a descendant that still holds it open is waited for
// no longer than the request deadline. Without this, a device that writes
// a line after its hello (a start-up banner) would pass the kit's first
// start, which reads only the hello, and fail its first unit instead: a
// protocol error of the handshake charged to a judged unit.
func (p *process) unasked() []byte {
	_ = p.out.SetReadDeadline(time.Now().Add(p.timeout))
	b, _ := io.ReadAll(io.LimitReader(p.r, unaskedShown+1))
	return b
}

// unaskedWhat says what a device wrote after its last reply.
func unaskedWhat(b []byte) string {
	more := ""
	if len(b) > unaskedShown {
		b, more = b[:unaskedShown], "…"
	}
	return fmt.Sprintf("the device wrote %q%s on stdout after its last reply, which no request asked for (nothing but replies and nested requests may be written on stdout)", b, more)
}

// closeAll closes the kit's ends of a device's pipes.
func closeAll(cs ...io.Closer) {
	for _, c := range cs {
		c.Close()
	}
}

// drop queues a released device's id for the drop list of the next new
// request (device.Release), in the order the devices were released.
func (p *process) drop(id uint64) {
	p.dropMu.Lock()
	p.drops = append(p.drops, id)
	p.dropMu.Unlock()
}

// takeDrops takes the drop list of a new request: the first maxDrops ids
// queued.
func (p *process) takeDrops() []uint64 {
	p.dropMu.Lock()
	defer p.dropMu.Unlock()
	d := p.drops[:min(len(p.drops), maxDrops)]
	p.drops = p.drops[len(d):]
	return d
}

// undrop puts back, first in the queue, the drop list of a new request
// the kit did not send (its line limit, overLimit).
func (p *process) undrop(d []uint64) {
	p.dropMu.Lock()
	p.drops = append(slices.Clip(d), p.drops...)
	p.dropMu.Unlock()
}
