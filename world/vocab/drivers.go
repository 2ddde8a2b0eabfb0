package vocab

import (
	"github.com/migsim/migsim/guest"
	guestblk "github.com/migsim/migsim/guest/blk"
	guestnet "github.com/migsim/migsim/guest/net"
	"github.com/migsim/migsim/spec"
)

// GuestDrivers are the guest drivers a guest may run (`guest NAME
// driver=…`); a guest without driver= runs the one registered for the
// device type of the VM's VFs.
var GuestDrivers = []guest.Info{guestblk.Info, guestnet.Info}

// VMDeviceID is the PCI device ID of the VFs whose driver a guest without
// driver= runs: virtio-blk, the world's default (`set vf-device=net` makes
// the VFs virtio-net, and their guests name driver=net).
const VMDeviceID = spec.PCIDeviceVirtioBlk

// DriverFor returns the driver registered for a device ID.
func DriverFor(deviceID uint16) (guest.Info, bool) {
	for _, d := range GuestDrivers {
		if d.DeviceID == deviceID {
			return d, true
		}
	}
	return guest.Info{}, false
}

// DriverNamed returns the driver with that name.
func DriverNamed(name string) (guest.Info, bool) {
	for _, d := range GuestDrivers {
		if d.Name == name {
			return d, true
		}
	}
	return guest.Info{}, false
}
