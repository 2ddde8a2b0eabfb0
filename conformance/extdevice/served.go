package extdevice

import (
	"fmt"
	"io"
	"runtime/debug"
)

// servedRunner is a Go device served in-process (StartServed): its serve
// function runs in a goroutine on the device's ends of two in-memory pipes
// (memPipe), one for its input and one for its output.
type servedRunner struct {
	// in and out are the device's ends of its input and output.
	in       *pipeReader
	out      *pipeWriter
	finished chan struct{}
	// err is what serve returned, or the description of its panic, set
	// before finished closes; stack is the panic's stack.
	err      error
	panicked bool
	stack    []byte
}

// launchServed runs serve in a goroutine on in-memory pipes.
func launchServed(serve func(r io.Reader, w io.Writer) error) (runner, writeEnd, readEnd, error) {
	devIn, kitIn := newMemPipe()
	kitOut, devOut := newMemPipe()
	s := &servedRunner{in: devIn, out: devOut, finished: make(chan struct{})}
	go s.run(serve)
	return s, kitIn, kitOut, nil
}

// run runs serve and then closes the device's ends, as a process's exit
// closes its stdin and stdout. A panic is the device's failure, as a
// process's crash is: it is recorded, not raised. finished closes before
// the ends do: the kit, which sees the device's end of output only after
// that, always finds how serve ended, whatever the scheduling (else a
// goroutine descheduled between the two for the kit's grace would be
// reported as killed).
func (s *servedRunner) run(serve func(r io.Reader, w io.Writer) error) {
	defer closeAll(s.in, s.out)
	defer close(s.finished)
	defer func() {
		if v := recover(); v != nil {
			s.err, s.panicked, s.stack = fmt.Errorf("%v", v), true, debug.Stack()
		}
	}()
	s.err = serve(s.in, s.out)
}

func (s *servedRunner) done() <-chan struct{} { return s.finished }

// kill closes the device's ends of its pipes: a read or write the serve
// function is blocked in fails, and it returns (a goroutine cannot be
// killed: one that neither reads nor writes runs on).
func (s *servedRunner) kill() { closeAll(s.in, s.out) }

func (s *servedRunner) exit(killed bool) string {
	what := "serve returned nil"
	switch {
	case s.panicked:
		what = "serve panicked: " + s.err.Error()
	case s.err != nil:
		what = "serve returned: " + s.err.Error()
	}
	if killed {
		return "stopped by closing its pipes (then " + what + ")"
	}
	return what
}

func (s *servedRunner) clean() bool { return s.err == nil && !s.panicked }

func (s *servedRunner) unkillable() string {
	return "serve did not return after its pipes were closed (its goroutine is left running)"
}

// stderr is the start of a panic's stack (where serve panicked), as much
// of it as an Error quotes of a process's stderr: a served device has no
// stderr of its own.
func (s *servedRunner) stderr() string {
	select {
	case <-s.finished:
	default:
		return "" // still running: nothing to read safely
	}
	return string(s.stack[:min(len(s.stack), stderrTail)])
}

func (s *servedRunner) served() bool { return true }
