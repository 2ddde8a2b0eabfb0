// Package netunits holds virtio-net device tests of the conformance kit
// (docs/conformance.md, "Running the kit": the device tests) and the
// judging of what a host observes of a virtio-net device's receive
// buffers, which package devicetest's virtio-net tests share. devicetest
// registers the units (Units) beside its own: it imports this package,
// never the other way round.
package netunits
