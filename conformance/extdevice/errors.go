package extdevice

import (
	"errors"
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
// whose message is Error(), marked with the error's Kind
// (engine.Finding.DeviceError), and package conformance reports it by that
// mark (IsDeviceFindingKind, IsDeviceFaultKind), never by its text.
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

// The kinds of Error (Kind), which the finding of an Error's panic carries
// as its mark (engine.Finding.DeviceError).
const (
	// KindProtocol: the device broke the protocol.
	KindProtocol = "protocol"
	// KindFault: the device kept the protocol but asked for what no
	// device may do (Error.Fault).
	KindFault = "fault"
	// KindLimit: the kit did not send a line over its limit (Error.Limit):
	// not the device's failure.
	KindLimit = "kit-limit"
	// KindInterrupted: the kit stopped the exchange (Error.Interrupted):
	// the device broke nothing.
	KindInterrupted = "interrupted"
)

// Kind returns the error's kind, as Error's message words it first:
// KindInterrupted, KindLimit, KindFault or KindProtocol.
func (e *Error) Kind() string {
	switch {
	case e.Interrupted:
		return KindInterrupted
	case e.Limit:
		return KindLimit
	case e.Fault:
		return KindFault
	}
	return KindProtocol
}

// DeviceErrorKind is Kind: an *Error is an engine.DeviceFailure, so the
// finding of its panic is marked with its kind (engine.Finding.DeviceError)
// and whoever must tell the device's failure from the simulator's panic
// asks the mark (IsDeviceFinding, IsDeviceFaultKind), not the message.
func (e *Error) DeviceErrorKind() string { return e.Kind() }

// IsDeviceFaultKind reports whether kind, the mark of a finding
// (engine.Finding.DeviceError), is a device fault's: the device kept the
// protocol but asked for what no device may do.
func IsDeviceFaultKind(kind string) bool { return kind == KindFault }

// IsDeviceFindingKind reports whether kind, the mark of a finding
// (engine.Finding.DeviceError), is an Error's that is the device's: a
// protocol error, a device fault or an interrupted exchange; the kit's
// line limit (KindLimit) is not, nor is an unmarked finding (""), whatever
// its message says.
func IsDeviceFindingKind(kind string) bool {
	return kind == KindProtocol || kind == KindFault || kind == KindInterrupted
}

// IsDeviceFinding reports whether err is, or wraps, an Error that is a
// finding of the device (IsDeviceFindingKind of its Kind).
func IsDeviceFinding(err error) bool {
	var xe *Error
	return errors.As(err, &xe) && IsDeviceFindingKind(xe.Kind())
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
