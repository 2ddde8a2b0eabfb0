// Package conformance is the kit a device implementer runs against a
// member device: in a Go test with Run(t, factory), from any program with
// Check(device), or from the command line with `migsim conform`. Like
// testing/fstest.TestFS or golang.org/x/net/nettest.TestConn, the
// implementer passes a constructor and the kit runs named subtests:
//
//   - device/<ID>/<edition>/<case>: the per-requirement device tests. They
//     drive the device through the member contract only (events in,
//     effects out, guest memory behind an observed port, the disk behind
//     Backing) and judge what a host observes: reads, admin statuses,
//     memory accesses, MSI-X messages and the state the admin commands
//     read back — never the device's own Status or ContextDigest. They
//     include the mode × event table, admin validation, context and parts
//     round trips, FLR and reset holds (package conformance/devicetest).
//   - rows/<scenario>/<edition>[/<knobs>]: every row of the scenario
//     catalog judged with the device (package catalog), each failing row
//     with its oracle, its shrunk counterexample and the command that
//     replays it.
//   - requirements/<ID>: the verdict of every requirement of the spec
//     catalog: pass, fail, skipped (the device does not implement the
//     edition or the knob value a unit needs) or not covered (nothing in
//     the kit exercises it; the reason is in coverage/reasons.go and
//     docs/conformance.md).
//
// A device declares its semantics: the editions and the knob values it
// implements (Editions, Knobs; an external device says so in its hello).
// Rows and tests that need another value are skipped with the reason. A
// device runs in-process (FactoryDevice) or as an external process
// speaking the device protocol (ExecDevice, package extdevice,
// docs/device-protocol.md); the kit opens it once per catalog row, so
// rows share nothing.
//
// Run works with any T: *testing.T, or a Recorder that keeps the outcomes
// (the kit's own tests, the command line). The report (Report) is written
// as text, JSON or JUnit XML (WriteReport).
//
// The kit owns no oracle and no scenario: it judges with package catalog
// and the oracle registry, as `migsim run` does.
package conformance
