package extdevice

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// stderrTail is how much of a process's stderr an Error quotes.
const stderrTail = 2048

// execRunner is a device running as a process (Start): stdin, stdout and
// stderr on pipes, in a process group of its own.
type execRunner struct {
	cmd    *exec.Cmd
	exited chan struct{}
	// waitErr is cmd.Wait's result, set before exited closes.
	waitErr error

	errMu sync.Mutex
	tail  tail
	// stderrDone is closed once the process's stderr reached its end (the
	// tail then holds everything it wrote).
	stderrDone chan struct{}
}

// launchExec starts argv with its stdin, stdout and stderr on pipes.
func launchExec(argv []string) (runner, writeEnd, readEnd, error) {
	inR, inW, err := os.Pipe()
	if err != nil {
		return nil, nil, nil, fmt.Errorf("extdevice: %w", err)
	}
	outR, outW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW)
		return nil, nil, nil, fmt.Errorf("extdevice: %w", err)
	}
	errR, errW, err := os.Pipe()
	if err != nil {
		closeAll(inR, inW, outR, outW)
		return nil, nil, nil, fmt.Errorf("extdevice: %w", err)
	}
	e := &execRunner{cmd: exec.Command(argv[0], argv[1:]...), exited: make(chan struct{}),
		tail: tail{max: stderrTail}, stderrDone: make(chan struct{})}
	e.cmd.Stdin, e.cmd.Stdout, e.cmd.Stderr = inR, outW, errW
	ownProcessGroup(e.cmd)
	if err := e.cmd.Start(); err != nil {
		closeAll(inR, inW, outR, outW, errR, errW)
		return nil, nil, nil, fmt.Errorf("extdevice: %w", &StartError{Command: argv[0], Err: err})
	}
	closeAll(inR, outW, errW)
	go func() {
		_, _ = io.Copy(lockedWriter{e}, errR)
		errR.Close()
		close(e.stderrDone)
	}()
	go func() {
		e.waitErr = e.cmd.Wait()
		killLeftovers(e.cmd)
		close(e.exited)
	}()
	return e, inW, outR, nil
}

// lockedWriter feeds a process's stderr tail.
type lockedWriter struct{ e *execRunner }

func (l lockedWriter) Write(b []byte) (int, error) {
	l.e.errMu.Lock()
	defer l.e.errMu.Unlock()
	return l.e.tail.Write(b)
}

func (e *execRunner) done() <-chan struct{} { return e.exited }

func (e *execRunner) kill() { killProcess(e.cmd) }

func (e *execRunner) exit(killed bool) string {
	switch {
	case killed:
		return "killed"
	case e.waitErr != nil:
		return e.waitErr.Error()
	}
	return "exit status 0" // as os/exec words the others ("exit status 1")
}

func (e *execRunner) clean() bool { return e.waitErr == nil }

func (e *execRunner) unkillable() string { return "did not die after SIGKILL" }

// stderr waits a moment for the end of the process's stderr (a child it
// left behind can hold the pipe open) and returns its tail.
func (e *execRunner) stderr() string {
	select {
	case <-e.stderrDone:
	case <-time.After(100 * time.Millisecond):
	}
	e.errMu.Lock()
	defer e.errMu.Unlock()
	return string(e.tail.buf)
}

func (e *execRunner) served() bool { return false }
