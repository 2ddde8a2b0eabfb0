package world

import (
	"github.com/migsim/migsim/guest"
	guestblk "github.com/migsim/migsim/guest/blk"
	"github.com/migsim/migsim/spec"
)

// guestDrivers are the guest drivers a guest may run (`guest NAME
// driver=…`); a guest without driver= runs the one registered for the
// device type of the VM's VFs.
var guestDrivers = []guest.Info{guestblk.Info}

// vmDeviceID is the PCI device ID of the VM's VFs: the world builds
// virtio-blk functions (every host's PF and its VFs).
const vmDeviceID = spec.PCIDeviceVirtioBlk

// driverFor returns the driver registered for a device ID.
func driverFor(deviceID uint16) (guest.Info, bool) {
	for _, d := range guestDrivers {
		if d.DeviceID == deviceID {
			return d, true
		}
	}
	return guest.Info{}, false
}

// driverNamed returns the driver with that name.
func driverNamed(name string) (guest.Info, bool) {
	for _, d := range guestDrivers {
		if d.Name == name {
			return d, true
		}
	}
	return guest.Info{}, false
}
