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
	"slices"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
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
	// device that then offers no VIRTIO_NET_F_CTRL_VQ skips it (harness.Check.Skipf).
	ctrl bool
	// pairs is max_virtqueue_pairs of a multiqueue test's device (with
	// ctrl): 2·pairs+1 queues, and a device that then offers no
	// VIRTIO_NET_F_MQ skips it. 0: one pair.
	pairs int
	// judges are the steps the test judges itself (harness/setup.go): every
	// other step of those kinds is the test's set-up, and a device that
	// fails it fails the set-up, not the test's requirement.
	judges harness.StepKind
	run    func(c *harness.Check)
}

// Failure is one thing a device test found wrong: the requirements it
// breaks and what the host observed (Failure).
type Failure = harness.Failure

// Checks of failures that judge no requirement (harness): the device
// broke the external-device protocol or faulted, or the test could not be
// set up.
const (
	CheckProtocol = harness.CheckProtocol
	CheckFault    = harness.CheckFault
	CheckSetUp    = harness.CheckSetUp
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

// runCheck runs one device test and returns the check with its failures
// (harness.Check.Run: a device's panic, an external device's protocol
// error or fault).
func runCheck(dt Test, ed spec.Edition, rules spec.Rules, f member.Factory, devType string) *harness.Check {
	c := &harness.Check{Ed: ed, Rules: rules, Factory: f, ID: dt.id, Net: devType == extdevice.TypeNet, Ctrl: dt.ctrl, Pairs: dt.pairs, Judges: dt.judges}
	c.Run(dt.run)
	return c
}

// Run runs test dt on the devices f builds, of type devType (as the
// device protocol's hello names it: extdevice.TypeBlk or TypeNet), in
// edition ed with rules, and returns what it found. A test that NeedsBlk
// must not be run on a virtio-net device. A device that panics fails the
// test with the panic (its set-up, naming the step, when the panic came
// inside a set-up step: harness/setup.go); an external device's protocol error (or fault) fails it naming
// no requirement, the protocol error also returned as Result.Fatal.
func Run(dt Test, ed spec.Edition, rules spec.Rules, f member.Factory, devType string) Result {
	c := runCheck(dt, ed, rules, f, devType)
	return Result{Failures: c.Fails, Fatal: c.Fatal, Skipped: c.Skipped}
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
		contextTests(), resetTests(), configIRQTests(), configGenTests(), flrTests(), flrLatchTests(), msixTests(), msixControlTests(), roundTripTests(), movedTests(), tableTests(), netTests(),
		netRxTakenTests(), netCtrlTests(), netCVQStateTests(), netMQTests(), netStatusTests(), netUnitTests()} {
		all = append(all, group...)
	}
	order := map[string]int{}
	for i, r := range spec.Requirements() {
		order[r.ID] = i
	}
	slices.SortStableFunc(all, func(a, b Test) int { return order[a.id] - order[b.id] })
	return all
}
