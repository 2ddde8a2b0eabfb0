package conformance

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// typedDevice is a member that names its device type (member.Core does).
type typedDevice interface{ Type() member.DeviceType }

// probeFactory checks a caller's factory before the kit uses it: a nil
// factory, one that builds a nil device, and one whose devices name
// another device type than the kit would judge them as (a virtio-net
// device given as FactoryDevice, a virtio-blk one as NetFactoryDevice)
// are errors that say what to do, where they would otherwise fail every
// unit as a device panic or be judged on the other type's rows. It builds
// one device per edition with a bare configuration (no guest memory, no
// backing) until one builds; a factory that panics so is left to the
// units, which report its panic with the configuration they gave. A
// member that does not name its type (a wrapper around a member.Device)
// is taken as the type it was given as.
func probeFactory(f member.Factory, net bool) error {
	if f == nil {
		return errors.New("the member.Factory is nil")
	}
	for _, e := range spec.Editions {
		d, ok := probeOne(f, e)
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

// probeOne builds one member of edition e with f; ok is false when f
// panicked.
func probeOne(f member.Factory, e spec.Edition) (d member.Device, ok bool) {
	defer func() {
		if recover() != nil {
			d, ok = nil, false
		}
	}()
	return f(member.Config{Edition: e, Rules: spec.DefaultRules(e), VF: 1}), true
}
