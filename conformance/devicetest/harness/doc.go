// Package harness is what the conformance kit's device tests
// (conformance/devicetest) drive a device with and judge it by: the check
// a test runs as (its failures per requirement, the set-up steps it does
// not judge, a device's panic or protocol error), the rig that drives one
// device (or a source and a destination) through the member contract only
// — events in, effects out, guest memory behind an observed port, the
// disk behind Backing, a virtio-net device's port on a link — as a host
// would, and the test guest: a small virtio-blk driver that on a
// virtio-net device transmits and receives frames and sets the receive
// filter through the control virtqueue. The tests themselves, their table
// and their requirements are package devicetest's.
package harness
