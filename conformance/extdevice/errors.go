package extdevice

import (
	"fmt"
	"strings"
)

// Error is an external device's failure: it broke the protocol (a
// malformed, late, unexpected or missing message; the process died, the
// serve function of a served device returned) or,
// when Fault is set, kept the protocol but asked for something no device
// may do (guest memory outside the guest's range). A protocol error ends
// the process; a fault only ends the run it happened in.
//
// Handle cannot return an error, so a device proxy panics with an *Error;
// the engine turns the panic into a finding of the run (engine.OraclePanic)
// whose message is Error(), and package conformance reports it under
// IsDeviceFinding.
type Error struct {
	// Command names the device: its process's command (its path), or a
	// served device's name (StartServed).
	Command string
	// Request says what the kit was doing: "event 12 (admin tag 3) for
	// device 4 (vf 1)".
	Request string
	// What went wrong, naming the message.
	What string
	// Exit says how the device ended, when it did: a process's status
	// ("exit status 1", "killed"), or how a served device's serve function
	// ended ("serve returned: …", "serve panicked: …").
	Exit string
	// Stderr is the end of what the process wrote on stderr; for a served
	// device, the start of the stack of its serve function's panic.
	Stderr string
	// Served is set for a served device (StartServed): Exit then says how
	// its serve function ended, not a process's status.
	Served bool
	// Fault is set for a device fault that kept the protocol.
	Fault bool
	// Interrupted is set when the kit stopped the exchange (its context
	// ended, Options.Context): the device broke nothing.
	Interrupted bool
	// Limit is set when the kit did not send a line over MaxLine: the
	// kit's limit (ErrKitLimit), not the device's failure.
	Limit bool
	// Handshake is set for a protocol error of the handshake, before the
	// device was judged: the hello of a pool's first process (Start,
	// StartServed) missing, late or malformed, or, where a caller starts
	// a pool only to read what the device declares, its process not
	// ending as the protocol asks when its input ends. The program is no
	// device of the protocol: an input error of the command that named
	// it, as a program that cannot be started is (StartError).
	Handshake bool
}

// ErrorPrefix starts every Error's message.
const ErrorPrefix = "extdevice: "

// Error returns ErrorPrefix, the kind of error (interrupted, kit limit,
// device fault or protocol), the command, request and what went wrong,
// then the process's exit status and stderr (a served device's stack)
// when there are any.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(ErrorPrefix)
	switch {
	case e.Interrupted:
		b.WriteString("interrupted: ")
	case e.Limit:
		b.WriteString(limitWord)
	case e.Fault:
		b.WriteString(faultWord)
	default:
		b.WriteString("protocol: ")
	}
	fmt.Fprintf(&b, "%s: %s: %s", e.Command, e.Request, e.What)
	switch {
	case e.Exit != "" && e.Served:
		fmt.Fprintf(&b, "; %s", e.Exit)
	case e.Exit != "":
		fmt.Fprintf(&b, "; process %s", e.Exit)
	}
	if s := strings.TrimSpace(e.Stderr); s != "" {
		label := "stderr"
		if e.Served {
			label = "stack"
		}
		fmt.Fprintf(&b, "; %s: %s", label, strings.ReplaceAll(s, "\n", " | "))
	}
	return b.String()
}

// StartError is a device program that could not be started (no such
// file, not executable, not a program this system runs): the caller's
// input, not a device that broke the protocol.
type StartError struct {
	// Command names the device program (its path).
	Command string
	// Err is the error of starting it (exec.Cmd.Start's).
	Err error
}

// Error names the program and why it could not be started.
func (e *StartError) Error() string { return "start " + e.Command + ": " + e.Err.Error() }

// Unwrap returns Err.
func (e *StartError) Unwrap() error { return e.Err }

// limitWord follows ErrorPrefix in the message of the kit's limit;
// faultWord follows it in a device fault's.
const (
	limitWord = "kit limit: "
	faultWord = "device fault: "
)

// IsDeviceFault reports whether a finding message is a device fault's
// (an Error with Fault set: the device kept the protocol but asked for
// what no device may do), not a protocol error's.
func IsDeviceFault(msg string) bool {
	return strings.Contains(msg, ErrorPrefix+faultWord)
}

// IsDeviceFinding reports whether a finding message is an Error's (a
// protocol error or a device fault of an external device); the kit's
// line limit (Error.Limit) is not.
func IsDeviceFinding(msg string) bool {
	return strings.HasPrefix(msg, ErrorPrefix) && !strings.HasPrefix(msg, ErrorPrefix+limitWord)
}

// tail keeps the last bytes written to it (a process's stderr).
type tail struct {
	buf []byte
	max int
}

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return len(p), nil
}
