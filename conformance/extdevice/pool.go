package extdevice

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"time"

	"github.com/migsim/migsim/member"
)

// DefaultTimeout is the wall-clock deadline of one request (the hello, a
// new device, one event with every nested request it makes) when Options
// leaves it zero. It does not depend on virtual time.
const DefaultTimeout = 5 * time.Second

// DefaultHelloTimeout is the least deadline of a process's hello when
// Options leaves HelloTimeout zero: the hello also waits for the program
// to start, which takes an interpreted language a second or more on a
// loaded machine, and a process may start at any point of a kit.
const DefaultHelloTimeout = 30 * time.Second

// Options configure a Pool.
type Options struct {
	// Timeout is the deadline of every request (zero: DefaultTimeout)
	// but the hello.
	Timeout time.Duration
	// HelloTimeout is the deadline of the hello of every process the
	// pool starts, the program's start included (zero: the greater of
	// DefaultHelloTimeout and Timeout).
	HelloTimeout time.Duration
	// Procs is how many processes serve devices (zero: GOMAXPROCS):
	// devices are spread over them, one request at a time per process.
	// For a served pool (StartServed), it is how many serve functions run
	// at once, each in a goroutine of its own.
	Procs int
	// Transcript, when set, receives every line exchanged with every
	// process: "kit> " before what the kit sent, "dev> " before what a
	// device sent (a debugging aid; it slows the exchange). With Procs
	// above 1 the lines of several processes interleave, and each line
	// starts with its process's tag, "pN " ("p2 kit> …"): the processes
	// are numbered from 1 in the order they start, across every pool
	// that shares the writer when it is a NewTranscript.
	Transcript io.Writer
	// Context, when set, interrupts the pool when it ends: a request
	// waiting for the device ends at once with an Error whose Interrupted
	// is set (not a protocol error: the device is not to blame), its
	// process is killed, and no request starts after it.
	Context context.Context
}

// Pool runs an external device command: up to Options.Procs processes of
// it, each serving many devices (one per `new`), reached through one
// member.Factory. The first protocol error ends the pool: Err returns it,
// and every device of the pool panics with it from then on. A pool of a
// served device (StartServed) runs serve functions in goroutines instead
// of processes, through the same exchanges.
type Pool struct {
	// command names the device in the pool's own errors (the command's
	// path, or the served device's name); name in its processes' errors.
	command, name string
	// launch starts one more process (or serve goroutine).
	launch launch

	opts  Options
	info  Info
	mu    sync.Mutex
	procs []*process
	next  int
	devs  uint64
	// errMu guards err, the first protocol error of any process.
	errMu sync.Mutex
	err   *Error
	// transcript is Options.Transcript, shared by the processes.
	transcript *transcript
}

// transcript writes the lines of every process to one writer, and numbers
// the processes that write to it.
type transcript struct {
	mu sync.Mutex
	w  io.Writer
	// procs is how many processes were tagged.
	procs int
}

// NewTranscript returns a transcript writing to w that pools share through
// Options.Transcript: its processes are numbered in one sequence, whatever
// pool started them, so that a tag ("p7 ") names one process in the whole
// transcript (the conformance kit opens a pool per catalog row). Writing
// to it writes to w, between whole lines of the pools.
func NewTranscript(w io.Writer) io.Writer {
	if t, ok := w.(*transcript); ok {
		return t
	}
	return &transcript{w: w}
}

// Write writes b to the transcript's writer.
func (t *transcript) Write(b []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.w.Write(b)
}

// tag returns the tag of the next process: "pN ", N from 1.
func (t *transcript) tag() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.procs++
	return fmt.Sprintf("p%d ", t.procs)
}

func (t *transcript) line(prefix string, b []byte) {
	if t == nil {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.w, "%s%s\n", prefix, b)
}

// Start starts the command argv (the path, then its arguments) and runs
// the handshake; further processes start when devices need them.
func Start(argv []string, o Options) (*Pool, error) {
	if len(argv) == 0 || argv[0] == "" {
		return nil, fmt.Errorf("extdevice: no command")
	}
	argv = slices.Clone(argv)
	return newPool(argv[0], filepath.Base(argv[0]), func() (runner, writeEnd, readEnd, error) { return launchExec(argv) }, o)
}

// StartServed is Start for a device written in Go, served in-process:
// serve, typically
//
//	func(r io.Reader, w io.Writer) error { return extdevice.Serve(r, w, blk.New, info) }
//
// runs in a goroutine for each "process" of the pool, reading the kit's
// requests from r and writing its replies on w, over in-memory pipes
// instead of a process's stdin and stdout. The kit's side is
// the same as Start's: the same bytes, framing, deadlines, interruption
// (Options.Context), protocol errors, transcript and Close. It is for
// testing a Go device's protocol handling, and the kit itself, without
// starting processes: no exec, no OS pipes, no system calls per message.
// Where a process would exit, serve returns (the kit's Close ends its
// input: Serve then returns nil); an Error says how it returned (Exit,
// with Served set) or the start of the stack of its panic, which is the
// device's failure, not the caller's. Killing a served device closes its
// pipes: a serve function that neither reads nor writes is left running.
// Each pipe holds 64 KiB, as a Linux pipe does: a write waits only while
// the pipe is full, so a serve function that writes when the protocol has
// it read (a reply sent twice, output before its request) is caught by
// what it wrote, as a process is.
// name names the device in errors.
func StartServed(name string, serve func(r io.Reader, w io.Writer) error, o Options) (*Pool, error) {
	if name == "" || serve == nil {
		return nil, fmt.Errorf("extdevice: a served device needs a name and a serve function")
	}
	return newPool(name, name, func() (runner, writeEnd, readEnd, error) { return launchServed(serve) }, o)
}

// newPool starts the pool's first device and runs the handshake.
func newPool(command, name string, start launch, o Options) (*Pool, error) {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.HelloTimeout <= 0 {
		o.HelloTimeout = max(DefaultHelloTimeout, o.Timeout)
	}
	if o.Procs <= 0 {
		o.Procs = runtime.GOMAXPROCS(0)
	}
	pool := &Pool{command: command, name: name, launch: start, opts: o}
	if o.Transcript != nil {
		pool.transcript = NewTranscript(o.Transcript).(*transcript)
	}
	proc, info, err := startProcess(name, start, o, pool.setErr, pool.transcript)
	if err != nil {
		var xe *Error
		if errors.As(err, &xe) && !xe.Interrupted {
			xe.Handshake = true // the first hello: nothing was judged
		}
		return nil, err
	}
	pool.info, pool.procs = info, []*process{proc}
	return pool, nil
}

// Info is what the device declared in its hello.
func (p *Pool) Info() Info { return p.info }

// Err returns the first protocol error of the pool's processes, or nil.
func (p *Pool) Err() error {
	p.errMu.Lock()
	defer p.errMu.Unlock()
	if p.err == nil {
		return nil
	}
	return p.err
}

// setErr records the pool's first protocol error.
func (p *Pool) setErr(e *Error) {
	p.errMu.Lock()
	if p.err == nil && !e.Fault && !e.Limit {
		p.err = e
	}
	p.errMu.Unlock()
}

// pick returns the process for a new device: the first one idle now (so
// that a single exploration keeps using one warm process), a new one while
// fewer than Procs run, else round robin.
func (p *Pool) pick() (*process, uint64, error) {
	if err := p.Err(); err != nil {
		return nil, 0, err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.devs++
	for _, proc := range p.procs {
		if proc.mu.TryLock() {
			proc.mu.Unlock()
			return proc, p.devs, nil
		}
	}
	if len(p.procs) < p.opts.Procs {
		proc, info, err := startProcess(p.name, p.launch, p.opts, p.setErr, p.transcript)
		if err != nil {
			return nil, 0, err
		}
		if info.Type != p.info.Type {
			proc.mu.Lock()
			defer proc.mu.Unlock()
			return nil, 0, proc.fail("hello", fmt.Sprintf("hello declares type %s, the pool's first process declared %s",
				cmp.Or(info.Type, TypeBlk), cmp.Or(p.info.Type, TypeBlk)))
		}
		p.procs = append(p.procs, proc)
		return proc, p.devs, nil
	}
	proc := p.procs[p.next%len(p.procs)]
	p.next++
	return proc, p.devs, nil
}

// Factory returns the factory of the pool's devices. Building a device
// sends `new` to one of the processes; a failure panics with the *Error
// (the engine reports a panic as a finding of the run). A device is a
// member.Releaser: its process keeps it until the builder releases it (a
// world when it is closed) and the next `new` to the process drops it. A
// device never released stays in its process until the pool's Close.
func (p *Pool) Factory() member.Factory {
	return func(c member.Config) member.Device {
		proc, id, err := p.pick()
		if err != nil {
			panic(err)
		}
		d, derr := newDevice(proc, id, c)
		if derr != nil {
			panic(derr)
		}
		return d
	}
}

// Close ends every process: its stdin is closed, and it is killed if it
// does not exit within the request deadline (Options.Timeout). No process
// outlives Close. A served device's input ends likewise, and its pipes are
// closed if its serve function has not returned within that deadline. A
// device that does not end as the protocol asks (exit status 0 within that
// deadline; a serve function returning nil) is an *Error, the first one
// returned; a device that failed before is Err's.
func (p *Pool) Close() error {
	p.mu.Lock()
	procs := p.procs
	p.procs = nil
	p.mu.Unlock()
	p.setErr(&Error{Command: p.command, Request: "use after close", What: "the pool was closed"})
	// The devices end side by side: each gets its second at once.
	errs := make([]*Error, len(procs))
	var wg sync.WaitGroup
	for i, proc := range procs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = proc.close()
		}()
	}
	wg.Wait()
	for _, e := range errs {
		if e != nil {
			return e // the first process's, in start order
		}
	}
	return nil
}
