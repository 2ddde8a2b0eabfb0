package conformance

import (
	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/scenario"
)

// NetFactoryDevice is an in-process virtio-net device built by f: the kit
// judges it on the catalog's virtio-net rows (`set vf-device=net`, where
// the world builds the VFs with f) and the device tests that need no
// virtio-blk request, and skips the virtio-blk rows and the device tests
// that do (needsBlkRequests). Like FactoryDevice's, its
// counterexample files record it as go:NAME, which migsim cannot rebuild
// (BuiltinDevice's are recorded by their names).
func NetFactoryDevice(name string, f member.Factory) Device {
	return netDevice{factoryDevice{name: name, f: f, net: true}}
}

type netDevice struct{ factoryDevice }

// DeviceType names the device type: "net".
func (netDevice) DeviceType() string { return deviceNet }

// Device types of the kit (a Device without a DeviceType method is blk),
// as the device protocol's hello names them.
const (
	deviceBlk = extdevice.TypeBlk
	deviceNet = extdevice.TypeNet
)

// DeviceType is the type the device declares in its hello ("type", blk
// when absent); a device whose handshake fails is blk (Declares reports
// the failure).
func (d *poolDevice) DeviceType() string {
	if _, _, err := d.Declares(); err == nil && d.info.Type == deviceNet {
		return deviceNet
	}
	return deviceBlk
}

// deviceType returns the type of the device under test.
func deviceType(d Device) string {
	if t, ok := d.(interface{ DeviceType() string }); ok {
		return t.DeviceType()
	}
	return deviceBlk
}

// needsBlkRequests is the skip reason of a device test a virtio-net
// device does not run: its guest is a block driver.
const needsBlkRequests = "not for a virtio-net device: needs virtio-blk requests"

// needsNetDevice is the skip reason of a device test a virtio-blk device
// does not run: it judges a virtio-net device's network or context fields.
const needsNetDevice = "not for a virtio-blk device: needs a virtio-net device"

// rowDevice is the device type of a row's VFs (`set vf-device=`, in the
// scenario or the expectation).
func rowDevice(r row) string { return scenario.VFDevice(r.s.Settings, r.e.Settings) }

// typeSkip says why a row does not run for the device, or "".
func (k *kit) typeSkip(r row) string {
	if got, want := rowDevice(r), deviceType(k.dev); got != want {
		return "not for a virtio-" + want + " device: a virtio-" + got + " row"
	}
	return ""
}

// setFactory makes f the target's factory for the device's type.
func setFactory(t *catalog.Target, d Device, f member.Factory) {
	if deviceType(d) == deviceNet {
		t.NetMember = f
		return
	}
	t.Member = f
}

// judgeFactories returns the blk and net factories of a judge.
func judgeFactories(d Device, f member.Factory) (blk, net member.Factory) {
	if deviceType(d) == deviceNet {
		return nil, f
	}
	return f, nil
}
