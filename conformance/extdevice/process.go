package extdevice

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// stderrTail is how much of a process's stderr an Error quotes.
const stderrTail = 2048

// process is one running device process and its pipes. One exchange (a
// request and everything until its reply) runs at a time.
type process struct {
	argv    []string
	timeout time.Duration
	cmd     *exec.Cmd
	in      *os.File // our end of the process's stdin
	out     *os.File // our end of the process's stdout
	r       *bufio.Reader
	w       *bufio.Writer

	errMu  sync.Mutex
	stderr tail
	exited chan struct{}
	// stderrDone is closed once the process's stderr reached its end (the
	// tail then holds everything it wrote).
	stderrDone chan struct{}
	// waitErr is cmd.Wait's result, set before exited closes.
	waitErr error

	mu     sync.Mutex
	nextID uint64
	// err is the first protocol error; the process is gone after it.
	err *Error

	dropMu sync.Mutex
	drops  []uint64

	// onFail is told of the process's protocol error.
	onFail func(*Error)
	// log, when set, receives every line.
	log *transcript
	// ctx interrupts the process's exchanges when it ends (never nil).
	ctx context.Context
	// stopInterrupt unregisters the wake-up of a blocked read or write
	// when ctx ends.
	stopInterrupt func() bool
}

// startProcess starts argv with its stdin, stdout and stderr on pipes and
// runs the handshake, with o's deadline and context.
func startProcess(argv []string, o Options, onFail func(*Error), log *transcript) (*process, Info, error) {
	ctx := o.Context
	if ctx == nil {
		ctx = context.Background()
	}
	if ctx.Err() != nil {
		return nil, Info{}, &Error{Command: filepath.Base(argv[0]), Request: "start", What: interruptedWhat, Interrupted: true}
	}
	p := &process{argv: argv, timeout: o.Timeout, exited: make(chan struct{}), stderrDone: make(chan struct{}), stderr: tail{max: stderrTail}, onFail: onFail, log: log, ctx: ctx}
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, Info{}, fmt.Errorf("extdevice: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW)
		return nil, Info{}, fmt.Errorf("extdevice: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW, outR, outW)
		return nil, Info{}, fmt.Errorf("extdevice: %w", err)
	}
	p.cmd = exec.Command(argv[0], argv[1:]...)
	p.cmd.Stdin, p.cmd.Stdout, p.cmd.Stderr = inR, outW, errW
	ownProcessGroup(p.cmd)
	if err := p.cmd.Start(); err != nil {
		closeAll(inR, inW, outR, outW, errR, errW)
		return nil, Info{}, fmt.Errorf("extdevice: %w", &StartError{Command: argv[0], Err: err})
	}
	closeAll(inR, outW, errW)
	p.in, p.out = inW, outR
	p.r, p.w = bufio.NewReaderSize(outR, MaxLine), bufio.NewWriter(inW)
	// When ctx ends, a read or write blocked on the device returns at once
	// (its deadline passes); the exchange then reports the interruption.
	p.stopInterrupt = context.AfterFunc(ctx, func() {
		now := time.Now()
		_ = p.out.SetReadDeadline(now)
		_ = p.in.SetWriteDeadline(now)
	})
	go func() {
		_, _ = io.Copy(lockedWriter{p}, errR)
		errR.Close()
		close(p.stderrDone)
	}()
	go func() {
		p.waitErr = p.cmd.Wait()
		close(p.exited)
	}()
	info, err := p.hello()
	if err != nil {
		return nil, Info{}, err
	}
	return p, info, nil
}

// lockedWriter feeds a process's stderr tail.
type lockedWriter struct{ p *process }

func (l lockedWriter) Write(b []byte) (int, error) {
	l.p.errMu.Lock()
	defer l.p.errMu.Unlock()
	return l.p.stderr.Write(b)
}

func closeAll(fs ...*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

// name is the command's base name for messages.
func (p *process) name() string { return filepath.Base(p.argv[0]) }

// hello runs the handshake.
func (p *process) hello() (Info, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	x := p.begin(func() string { return "hello" })
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
	deadline time.Time
	err      *Error
}

// begin starts an exchange; p.mu is held. what describes the request for
// error messages (called only when one is needed).
func (p *process) begin(what func() string) *exchange {
	p.nextID++
	return &exchange{p: p, id: p.nextID, what: what, deadline: time.Now().Add(p.timeout)}
}

// desc describes the exchange: "event … for device 3 (vf 1) (request 12)".
func (x *exchange) desc() string { return fmt.Sprintf("%s (request %d)", x.what(), x.id) }

func (x *exchange) send(m *Message) {
	if x.err != nil {
		return
	}
	m.ID = x.id
	if err := x.p.in.SetWriteDeadline(x.deadline); err != nil {
		x.err = x.p.fail(x.desc(), "set deadline: "+err.Error())
		return
	}
	if x.interrupted() {
		return
	}
	if x.p.log != nil {
		x.p.log.line("kit> ", appendMessage(nil, m))
	}
	if err := writeMessage(x.p.w, m); err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			if x.interrupted() {
				return
			}
			x.err = x.p.fail(x.desc(), fmt.Sprintf("the device did not read its input within %s (sending %s)", x.p.timeout, m.Op))
			return
		}
		if errors.Is(err, syscall.EPIPE) {
			// A device that exits at once may close its input before the
			// kit writes (broken pipe) or after (then the read sees its
			// output closed): either way the process status follows.
			x.err = x.p.fail(x.desc(), fmt.Sprintf("the device closed its input instead of reading %s", m.Op))
			return
		}
		x.err = x.p.fail(x.desc(), fmt.Sprintf("sending %s: %v", m.Op, err))
	}
}

// recv reads the next message of this exchange.
func (x *exchange) recv() *Message {
	if x.err != nil {
		return nil
	}
	if err := x.p.out.SetReadDeadline(x.deadline); err != nil {
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
		x.err = x.p.fail(x.desc(), fmt.Sprintf("no reply within %s", x.p.timeout))
		return nil
	case errors.Is(err, io.EOF):
		x.err = x.p.fail(x.desc(), "the device closed its output instead of replying")
		return nil
	case errors.Is(err, errLineTooLong):
		x.err = x.p.fail(x.desc(), fmt.Sprintf("the device wrote a line longer than %d bytes (output flood)", MaxLine))
		return nil
	case err != nil:
		x.err = x.p.fail(x.desc(), "reading the reply: "+err.Error())
		return nil
	}
	if x.p.log != nil {
		x.p.log.line("dev> ", line)
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

// end ends the process and records e, completed with how the process
// ended and its stderr, as its error (the first one sticks). It is called
// with p.mu held.
func (p *process) end(e *Error) *Error {
	if p.err != nil {
		return p.err
	}
	p.stopInterrupt()
	exit := p.stop()
	// The process has ended; what it wrote last may still be in the pipe.
	// A child it left behind can hold the pipe open: wait a moment only.
	select {
	case <-p.stderrDone:
	case <-time.After(100 * time.Millisecond):
	}
	p.errMu.Lock()
	stderr := string(p.stderr.buf)
	p.errMu.Unlock()
	e.Command, e.Exit, e.Stderr = p.name(), exit, stderr
	p.err = e
	if p.onFail != nil {
		p.onFail(p.err)
	}
	return p.err
}

// stop ends the process: it waits a moment for one that is exiting on
// its own, else kills it (and its process group), and says how it ended.
func (p *process) stop() string {
	select {
	case <-p.exited:
	case <-time.After(100 * time.Millisecond):
		killProcess(p.cmd)
		select {
		case <-p.exited:
		case <-time.After(5 * time.Second):
			return "did not die after SIGKILL"
		}
		closeAll(p.in, p.out)
		return "killed"
	}
	closeAll(p.in, p.out)
	if p.waitErr != nil {
		return p.waitErr.Error()
	}
	return "exit status 0" // as os/exec words the others ("exit status 1")
}

// close ends a healthy process: it closes its stdin (a device exits at the
// end of its input) and kills it if it has not exited shortly after.
func (p *process) close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.err != nil {
		return
	}
	p.stopInterrupt()
	p.in.Close()
	select {
	case <-p.exited:
	case <-time.After(time.Second):
		killProcess(p.cmd)
		<-p.exited
	}
	p.out.Close()
	p.err = &Error{Command: p.name(), Request: "use after close", What: "the device process was closed"}
}

// drop queues a device id to release with the next new request.
func (p *process) drop(id uint64) {
	p.dropMu.Lock()
	p.drops = append(p.drops, id)
	p.dropMu.Unlock()
}

func (p *process) takeDrops() []uint64 {
	p.dropMu.Lock()
	defer p.dropMu.Unlock()
	d := p.drops
	p.drops = nil
	return d
}
