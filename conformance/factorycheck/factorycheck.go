// Package factorycheck checks a caller's member.Factory before the
// conformance kit judges the devices it builds (docs/conformance.md,
// "Running the kit"): a nil factory, one that builds a nil device, and one
// whose devices name another device type than the kit would judge them as
// are errors that say what to do, where they would otherwise fail every
// unit as a device panic or be judged on the other device type's rows.
package factorycheck

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// typedDevice is a member that names its device type (member.Core does).
type typedDevice interface{ Type() member.DeviceType }

// Check checks f, given to the kit as a virtio-net device when net is
// set (conformance.NetFactoryDevice) and as a virtio-blk one otherwise
// (conformance.FactoryDevice, conformance.Run). It builds one device per
// edition with a bare configuration (no guest memory, no backing) until
// one builds; a factory that panics so is left to the units, which report
// its panic with the configuration they gave. A member that does not name
// its type (a wrapper around a member.Device) is taken as the type it was
// given as.
func Check(f member.Factory, net bool) error {
	if f == nil {
		return errors.New("the member.Factory is nil")
	}
	for _, e := range spec.Editions {
		d, ok := buildOne(f, e)
		if !ok {
			continue
		}
		if d == nil {
			return fmt.Errorf("its factory returned a nil member.Device (for a %s member)", e)
		}
		if r, ok := d.(member.Releaser); ok {
			r.Release()
		}
		t, ok := d.(typedDevice)
		if !ok {
			return nil
		}
		switch ty := t.Type(); {
		case !net && ty.DeviceID == spec.VirtioDeviceIDNet:
			return fmt.Errorf("its factory builds %s devices (virtio device ID %d), which the kit judges only as a virtio-net device: give it as conformance.NetFactoryDevice(name, f) to RunDevice or Check", ty.Name, ty.DeviceID)
		case net && ty.DeviceID != spec.VirtioDeviceIDNet:
			return fmt.Errorf("its factory builds %s devices (virtio device ID %d), not virtio-net: give it as conformance.FactoryDevice(name, f), or to conformance.Run", ty.Name, ty.DeviceID)
		}
		return nil
	}
	return nil
}

// buildOne builds one member of edition e with f; ok is false when f
// panicked.
func buildOne(f member.Factory, e spec.Edition) (d member.Device, ok bool) {
	defer func() {
		if recover() != nil {
			d, ok = nil, false
		}
	}()
	return f(member.Config{Edition: e, Rules: spec.DefaultRules(e), VF: 1}), true
}
