package netunits

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
)

// Unit is one virtio-net device test of this package, as package
// devicetest registers it in its table (a test of a virtio-net device's
// own state, which a virtio-blk device skips): the requirement it checks
// and the others it exercises, its case name, whether it drives the
// control virtqueue, and what it does.
type Unit struct {
	ID   string
	Also []string
	Name string
	// Ctrl marks a test of the control virtqueue (num_queues 3); a device
	// that then offers no VIRTIO_NET_F_CTRL_VQ skips it.
	Ctrl bool
	Run  func(c *harness.Check)
}

// Units are the virtio-net device tests of this package.
func Units() []Unit {
	return []Unit{
		{ID: "NET-DEV-01", Also: []string{"NET-DEV-02", NumBuffersReq}, Name: "net-mtu-round-trip", Run: mtuRoundTrip},
	}
}
