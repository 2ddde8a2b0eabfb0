// Package devicetest holds the conformance kit's per-requirement device
// tests (docs/conformance.md, "Running the kit": the device tests): each
// drives a member device (or a source and a destination) through the
// member contract alone — events in, effects out, guest memory behind an
// observed port, the disk behind Backing — the way a host would, and
// judges what a host observes: the bytes of reads, admin statuses, memory
// accesses, MSI-X messages and the state the admin commands read back,
// never the device's own Status or ContextDigest. Package conformance
// plans them as units, runs them with the device under test (Run) and
// reports their failures per requirement.
package devicetest

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

// Test is one per-requirement device test: it drives a device (or a
// source and a destination) through events and judges what a host
// observes. Its unit is named "<ID>/<edition>/<name>" under each edition
// it runs in (Unit).
type Test struct {
	// id is the requirement the test checks; also lists the others it
	// exercises (a failure names the requirement it breaks).
	id   string
	also []string
	name string
	// editions limits the test (nil: every edition id applies to).
	editions []spec.Edition
	// knobs are the knob values the test runs with (besides the edition's
	// defaults); a device that does not implement them skips it.
	knobs []string
	// blk marks a test that needs virtio-blk requests (a block driver's
	// reads and writes, the disk, virtio_blk_config): a virtio-net device
	// skips it.
	blk bool
	// netOnly marks a test of a virtio-net device's own state (its
	// network, its device-type context fields): a virtio-blk device skips
	// it.
	netOnly bool
	// ctrl marks a test of a virtio-net device's control virtqueue: its
	// device has num_queues 3 (receiveq1, transmitq1, controlq), and a
	// device that then offers no VIRTIO_NET_F_CTRL_VQ skips it (skipf).
	ctrl bool
	// judges are the steps the test judges itself (setup.go): every
	// other step of those kinds is the test's set-up, and a device that
	// fails it fails the set-up, not the test's requirement.
	judges stepKind
	run    func(c *check)
}

// check is one run of a device test: the device under test, its edition
// and rules, and the failures found.
type check struct {
	ed      spec.Edition
	rules   spec.Rules
	factory member.Factory
	// net is set for a virtio-net device: the test guest's work is a
	// transmitted frame instead of a block request.
	net bool
	// ctrl is set for a test of the control virtqueue (Test.ctrl).
	ctrl  bool
	id    string
	fails []Failure
	// skipped says why the device cannot run the test ("": it can), as
	// a device that does not offer the feature the test needs.
	skipped string
	// fatal is set by a device's protocol error (an external device): the
	// kit stops.
	fatal error
	// judges are the test's own steps (Test.judges); step is the set-up
	// step in progress ("": none), asserted counts the checks of the
	// test made so far, failed or not (setup.go).
	judges   stepKind
	step     string
	asserted int
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

// Result is what one run of a device test found: its failures, and the
// protocol error of an external device that stops the kit (nil: none;
// a device fault fails the test without stopping the kit).
type Result struct {
	Failures []Failure
	Fatal    error
	// Skipped says why the device could not run the test ("": it ran),
	// as a virtio-net device that does not offer the control virtqueue a
	// test of its commands needs: the test judged nothing.
	Skipped string
}

// stopCheck unwinds a check after a fatal failure.
type stopCheck struct{}

// errorf records a failure of requirement id ("" for the test's own).
// Inside a set-up step (setup.go), a failure charged to no requirement of
// its own ("") is the set-up's: the test never reached what it judges. A
// failure that names its requirement (an OK with a qualifier, ADM-DEV-02)
// is that requirement's wherever it is seen.
func (c *check) errorf(id, format string, args ...any) {
	if id == "" && c.step != "" {
		c.setUpFailed(fmt.Sprintf(format, args...))
		return
	}
	if id == "" {
		id = c.id
	}
	c.asserted++
	c.fails = append(c.fails, Failure{Requirements: []string{id}, Message: fmt.Sprintf(format, args...)})
}

// fatalf records a failure of the test's requirement and ends the check.
func (c *check) fatalf(format string, args ...any) {
	c.errorf("", format, args...)
	panic(stopCheck{})
}

// skipf ends the check without judging anything: the device does not
// have what the test needs (a feature it may leave out). It is for
// set-up only: a test that already judged something fails instead.
func (c *check) skipf(format string, args ...any) {
	if c.asserted > 0 || len(c.fails) > 0 {
		c.fatalf(format, args...)
	}
	c.skipped = fmt.Sprintf(format, args...)
	panic(stopCheck{})
}

// expect records a failure when ok is false.
func (c *check) expect(ok bool, format string, args ...any) {
	if !ok {
		c.errorf("", format, args...)
		return
	}
	c.asserted++
}

// expectEq records a failure when got != want.
func expectEq[V comparable](c *check, got, want V, what string) {
	c.expect(got == want, "%s: got %v, want %v", what, got, want)
}

// expectHex records a failure when a register's value is not want,
// printing both in hex: addresses and their halves read as addresses.
func expectHex(c *check, got, want uint64, what string) {
	c.expect(got == want, "%s: got %#x, want %#x", what, got, want)
}

// expectSame records a failure when two byte strings differ.
func (c *check) expectSame(got, want []byte, what string) {
	if !bytes.Equal(got, want) {
		c.errorf("", "%s: %d bytes differ from the %d expected (first difference at byte %d)", what, len(got), len(want), firstDiff(got, want))
		return
	}
	c.asserted++
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// runCheck runs one device test and returns its failures. A device that
// panics fails the test with the panic: its requirement, or, inside a
// set-up step (setup.go), the test's set-up, naming the step; an
// external device's protocol error (or fault) fails it naming no
// requirement, the protocol error also returned as fatal.
func runCheck(dt Test, ed spec.Edition, rules spec.Rules, f member.Factory, devType string) (c *check) {
	c = &check{ed: ed, rules: rules, factory: f, id: dt.id, net: devType == extdevice.TypeNet, ctrl: dt.ctrl, judges: dt.judges}
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
				c.fatal = xe
			}
			c.fails = append(c.fails, fl)
			return
		}
		msg := fmt.Sprintf("the device panicked: %v", p)
		if c.step != "" {
			// Inside a step the test needs but does not judge: the
			// device failed the test's set-up, as by a wrong answer.
			c.setUpFailed(msg)
			return
		}
		c.fails = append(c.fails, Failure{Requirements: []string{c.id}, Message: msg})
	}()
	dt.run(c)
	return c
}

// Run runs test dt on the devices f builds, of type devType (as the
// device protocol's hello names it: extdevice.TypeBlk or TypeNet), in
// edition ed with rules, and returns what it found. A test that NeedsBlk
// must not be run on a virtio-net device. A device that panics fails the
// test with the panic (its set-up, naming the step, when the panic came
// inside a set-up step: setup.go); an external device's protocol error (or fault) fails it naming
// no requirement, the protocol error also returned as Result.Fatal.
func Run(dt Test, ed spec.Edition, rules spec.Rules, f member.Factory, devType string) Result {
	c := runCheck(dt, ed, rules, f, devType)
	return Result{Failures: c.fails, Fatal: c.fatal, Skipped: c.skipped}
}

// NeedsBlk reports whether the test needs virtio-blk requests (a block
// driver's reads and writes, the disk, virtio_blk_config): it runs on a
// virtio-blk device only.
func (dt Test) NeedsBlk() bool { return dt.blk }

// NeedsNet reports whether the test judges what only a virtio-net device
// has (the frames on its link, its device-type context fields): it runs on
// a virtio-net device only.
func (dt Test) NeedsNet() bool { return dt.netOnly }

// ID is the requirement the test checks.
func (dt Test) ID() string { return dt.id }

// Name is the test's case name, unique under its requirement.
func (dt Test) Name() string { return dt.name }

// Knobs are the knob values the test runs with besides its edition's
// defaults (spec.ParseRules takes them); a device that does not implement
// them skips it.
func (dt Test) Knobs() []string { return dt.knobs }

// Unit names the test's unit in edition e: "<ID>/<edition>/<name>".
func (dt Test) Unit(e spec.Edition) string { return dt.id + "/" + e.String() + "/" + dt.name }

// AppliesTo reports whether the test runs in edition e.
func (dt Test) AppliesTo(e spec.Edition) bool {
	if dt.editions != nil {
		return slices.Contains(dt.editions, e)
	}
	r, ok := spec.LookupRequirement(dt.id)
	return ok && r.AppliesTo(e)
}

// Requirements lists every ID the test exercises, its own first.
func (dt Test) Requirements() []string { return append([]string{dt.id}, dt.also...) }

// All is the per-requirement device test table, in catalog order of the
// requirement they check.
func All() []Test {
	var all []Test
	for _, group := range [][]Test{adminTests(), transportTests(), partsTests(), modeTests(), quiesceTests(), takenTests(),
		contextTests(), resetTests(), configIRQTests(), flrTests(), flrLatchTests(), msixTests(), msixControlTests(), roundTripTests(), tableTests(), netTests(),
		netCtrlTests()} {
		all = append(all, group...)
	}
	order := map[string]int{}
	for i, r := range spec.Requirements() {
		order[r.ID] = i
	}
	slices.SortStableFunc(all, func(a, b Test) int { return order[a.id] - order[b.id] })
	return all
}
