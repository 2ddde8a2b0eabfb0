package harness

import (
	"bytes"
	"errors"
	"fmt"
	"slices"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/failmsg"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Check is one run of a device test: the device under test, its edition
// and rules, and the failures found.
type Check struct {
	// Ed and Rules are the edition and the rules the devices run with;
	// Factory builds them.
	Ed      spec.Edition
	Rules   spec.Rules
	Factory member.Factory
	// Net is set for a virtio-net device: the test guest's work is a
	// transmitted frame instead of a block request.
	Net bool
	// Ctrl is set for a test of the control virtqueue (devicetest.Test.ctrl).
	Ctrl bool
	// Pairs is max_virtqueue_pairs of a multiqueue test's virtio-net
	// device (devicetest.Test.pairs): 2·Pairs+1 queues, the driver
	// negotiating VIRTIO_NET_F_MQ. 0 or 1: one pair.
	Pairs int
	// MTU is the mtu the links of the check's virtio-net rigs are
	// provisioned with (0: member/net's DefaultMTU); a test sets it before
	// it builds a rig.
	MTU uint16
	// ID is the requirement the test checks; Fails are its failures so
	// far.
	ID    string
	Fails []Failure
	// Skipped says why the device cannot run the test ("": it can), as
	// a device that does not offer the feature the test needs.
	Skipped string
	// Fatal is set by a device's protocol error (an external device): the
	// kit stops.
	Fatal error
	// Judges are the test's own steps (devicetest.Test.judges); step is
	// the set-up step in progress ("": none), Asserted counts the checks
	// of the test made so far, failed or not (setup.go).
	Judges   StepKind
	step     string
	Asserted int
	// built are the devices of the check's rigs that hold something
	// outside the process (an external device), released when Run ends.
	built member.Releasers
}

// Failure is one thing a device test found wrong: the requirements it
// breaks and what the host observed. Requirements is empty for a failure
// of the device itself (it broke the external-device protocol, or
// faulted) and for one no requirement binds (Check): that judges no
// requirement.
type Failure struct {
	Requirements []string
	Message      string
	// Check names what a failure that names no requirement judged: the
	// device broke the protocol (CheckProtocol) or faulted (CheckFault),
	// the test could not be set up (CheckSetUp), or an EINVAL whose
	// qualifier is none of EINVAL's, which no requirement binds
	// (CheckQualifier); "" for a failure of the requirements it names.
	Check string
	// Step is, for a set-up failure (CheckSetUp), the step the device
	// failed ("DEV_MODE_SET stopped").
	Step string
}

// Checks of a device's own failures, which judge no requirement: an
// external device broke the protocol (a malformed, late or unexpected
// message; the kit stops), or faulted (it kept the protocol but asked for
// what no device may do, docs/device-protocol.md; the test fails, the kit
// goes on).
const (
	CheckProtocol = "device protocol"
	CheckFault    = "device fault"
)

// Charged returns the requirements the check's failures name, each once
// in the order first named, and the failures' messages in order: what a
// test of a planted device compares with what it expects.
func (c *Check) Charged() (reqs, msgs []string) {
	for _, f := range c.Fails {
		for _, r := range f.Requirements {
			if !slices.Contains(reqs, r) {
				reqs = append(reqs, r)
			}
		}
		msgs = append(msgs, f.Message)
	}
	return reqs, msgs
}

// stopCheck unwinds a check after a fatal failure.
type stopCheck struct{}

// Errorf records a failure of requirement id ("" for the test's own).
// Inside a set-up step (setup.go), a failure charged to no requirement of
// its own ("") is the set-up's: the test never reached what it judges. A
// failure that names its requirement (an OK with a qualifier, ADM-DEV-02)
// is that requirement's wherever it is seen.
func (c *Check) Errorf(id, format string, args ...any) {
	if id == "" && c.step != "" {
		c.setUpFailed(fmt.Sprintf(format, args...))
		return
	}
	if id == "" {
		id = c.ID
	}
	c.Asserted++
	c.Fails = append(c.Fails, Failure{Requirements: []string{id}, Message: fmt.Sprintf(format, args...)})
}

// Fatalf records a failure of the test's requirement and ends the check.
func (c *Check) Fatalf(format string, args ...any) {
	c.Errorf("", format, args...)
	panic(stopCheck{})
}

// Skipf ends the check without judging anything: the device does not
// have what the test needs (a feature it may leave out). It is for
// set-up only: a test that already judged something fails instead.
func (c *Check) Skipf(format string, args ...any) {
	if c.Asserted > 0 || len(c.Fails) > 0 {
		c.Fatalf(format, args...)
	}
	c.Skipped = fmt.Sprintf(format, args...)
	panic(stopCheck{})
}

// Expect records a failure when ok is false.
func (c *Check) Expect(ok bool, format string, args ...any) {
	if !ok {
		c.Errorf("", format, args...)
		return
	}
	c.Asserted++
}

// ExpectEq records a failure when got != want.
func ExpectEq[V comparable](c *Check, got, want V, what string) {
	c.Expect(got == want, "%s: got %v, want %v", what, got, want)
}

// ExpectHex records a failure when a register's value is not want,
// printing both in hex: addresses and their halves read as addresses.
func ExpectHex(c *Check, got, want uint64, what string) {
	c.Expect(got == want, "%s: got %#x, want %#x", what, got, want)
}

// ExpectSame records a failure when two byte strings differ.
func (c *Check) ExpectSame(got, want []byte, what string) {
	if !bytes.Equal(got, want) {
		c.Errorf("", "%s", SameMessage(what, got, want))
		return
	}
	c.Asserted++
}

// SameMessage says how got differs from want: both lengths and, from the
// first byte at which they differ, up to 8 bytes of each in hex, so that a
// device implementer sees what the device returned and what it should
// have ("(end)" where one ends there).
func SameMessage(what string, got, want []byte) string {
	at := FirstDiff(got, want)
	window := func(b []byte) string {
		if at >= len(b) {
			return "(end)"
		}
		w := b[at:min(len(b), at+8)]
		s := fmt.Sprintf("%x", w)
		if at+len(w) < len(b) {
			s += "…"
		}
		return s
	}
	return fmt.Sprintf("%s: got %d bytes, want %d, first different at byte %d: got %s, want %s",
		what, len(got), len(want), at, window(got), window(want))
}

// FirstDiff is the offset of the first byte at which a and b differ (the
// shorter one's length when one is the other's start).
func FirstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Run runs the body of a device test as c and records its failures. A device that
// panics fails the test with the panic: its requirement, or, inside a
// set-up step (setup.go), the test's set-up, naming the step; an
// external device's protocol error (or fault) fails it naming no
// requirement, the protocol error also returned as fatal. The devices the
// check built are released when it ends (member.Releaser).
func (c *Check) Run(body func(*Check)) {
	defer c.built.Release()
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if _, ok := p.(stopCheck); ok {
			return
		}
		var xe *extdevice.Error
		if err, ok := p.(error); ok && errors.As(err, &xe) {
			fl := Failure{Check: CheckProtocol, Message: failmsg.Protocol(xe.Error())}
			if xe.Fault {
				fl.Check = CheckFault
			} else {
				c.Fatal = xe
			}
			c.Fails = append(c.Fails, fl)
			return
		}
		msg := fmt.Sprintf("the device panicked: %v", p)
		if c.step != "" {
			// Inside a step the test needs but does not judge: the
			// device failed the test's set-up, as by a wrong answer.
			c.setUpFailed(msg)
			return
		}
		c.Fails = append(c.Fails, Failure{Requirements: []string{c.ID}, Message: msg})
	}()
	body(c)
}
