package harness

import (
	"fmt"

	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/spec"
)

// A device test sets a device up before it judges anything: it brings the
// device up as a driver does, moves it to the mode the test needs, reads
// its state back to compare with later. A device that fails such a step
// has not been judged on the test's requirement: the test never reached
// it. The rig's helpers that make these steps mark them (setUp), and a
// failure inside one that names no requirement of its own — the helper's
// "want OK", a completion that never came — is recorded as a set-up
// failure (CheckSetUp), which names the step and no requirement, and ends
// the test. A test whose requirement is such a step (DEV_MODE_SET itself,
// the context read itself) says so in its table entry (devicetest.Test.judges): its
// steps of that kind are the check, and fail its requirement.

// CheckSetUp is the check of a failure of a test's set-up: the device
// failed a step the test needs before (or between) what it judges, so the
// test's requirement was not reached.
const CheckSetUp = "test set-up"

// StepKind is a kind of set-up step, as a bit of devicetest.Test.judges.
type StepKind uint8

const (
	// stepBringUp: bringing the device up as a driver's probe does
	// (MSI-X, features, FEATURES_OK, queues, DRIVER_OK).
	stepBringUp StepKind = 1 << iota
	// StepModeSet: a DEV_MODE_SET that must succeed (Rig.MustMode).
	StepModeSet
	// StepStateRead: reading the device's state back (DEV_PARTS_GET(ALL);
	// DEV_CTX_DISCARD and DEV_CTX_READ).
	StepStateRead
	// stepStateWrite: writing state the test then expects a reset or an
	// FLR to drop (Rig.LatchLiveState).
	stepStateWrite
	// StepCtrl: the control commands that set a virtio-net device's
	// receive filter (Guest.SetRxMode).
	StepCtrl
)

// setUp enters the set-up step what, of kind, and returns the function
// that leaves it (defer it). A step inside another one is the outer
// one's; a step of a kind the test judges is no set-up step. A panic
// inside the step (the device's, or a failure that ends the test) leaves
// it entered: Check.Run then charges a device's panic to the step.
func (c *Check) setUp(kind StepKind, what string) (leave func()) {
	if c.step != "" || c.Judges&kind != 0 {
		return func() {}
	}
	c.step = what
	return func() {
		if p := recover(); p != nil {
			panic(p) // on to Check.Run, the step kept
		}
		c.step = ""
	}
}

// setUpFailed records the failure msg of the set-up step in progress,
// naming the step and how far the test had come.
func (c *Check) setUpFailed(msg string) {
	when := "before anything was judged"
	if c.Asserted > 0 {
		when = "after " + plural.Count(c.Asserted, "check") + " of the test"
	}
	c.Fails = append(c.Fails, Failure{Check: CheckSetUp, Step: c.step,
		Message: fmt.Sprintf("the test could not be set up: %s failed %s, so %s was not reached: %s", c.step, when, c.ID, msg)})
}

// SetUpFatalf records a failure of the set-up step what, made in a test's
// body rather than by a helper (a precondition the test checks before it
// judges anything: the work it posted completed, the MSI-X table it
// programmed reads as programmed), and ends the test.
func (c *Check) SetUpFatalf(what, format string, args ...any) {
	if c.step == "" {
		c.step = what
	}
	c.setUpFailed(fmt.Sprintf(format, args...))
	panic(stopCheck{})
}

// modeStep names the set-up step of a DEV_MODE_SET to m.
func (c *Check) modeStep(m spec.Mode) string { return "DEV_MODE_SET " + c.Ed.ModeName(m) }
