package conformance_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// A caller's factory that the kit cannot judge as given is refused before
// any unit runs, with what to do: a virtio-net factory given as a
// virtio-blk device (conformance.Run's) was judged on the virtio-blk rows
// and failed a dozen requirements, a virtio-blk one given as
// NetFactoryDevice the virtio-net rows, and a nil factory or a nil device
// failed every unit as a device panic.
func TestFactoryDevice_Probe(t *testing.T) {
	nilDevice := func(member.Config) member.Device { return nil }
	for _, tc := range []struct {
		name string
		dev  conformance.Device
		want string
	}{
		{"virtio-net as FactoryDevice", conformance.FactoryDevice("mynet.New", membernet.New),
			"conformance: device mynet.New: its factory builds virtio-net devices (virtio device ID 1), which the kit judges only as a virtio-net device: give it as conformance.NetFactoryDevice(name, f) to RunDevice or Check"},
		{"virtio-blk as NetFactoryDevice", conformance.NetFactoryDevice("myblk.New", blk.New),
			"conformance: device myblk.New: its factory builds virtio-blk devices (virtio device ID 2), not virtio-net: give it as conformance.FactoryDevice(name, f), or to conformance.Run"},
		{"nil factory", conformance.FactoryDevice("none", nil), "conformance: device none: the member.Factory is nil"},
		{"nil device", conformance.FactoryDevice("nil", nilDevice),
			"conformance: device nil: its factory returned a nil member.Device (for a draft-2023 member)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := conformance.Check(tc.dev, conformance.Parts(true, false))
			require.EqualError(t, err, tc.want)
			assert.Nil(t, rep)
		})
	}
	t.Run("Run", func(t *testing.T) {
		rec := conformance.NewRecorder("TestConformance")
		rep := conformance.Run(rec, membernet.New, conformance.Parts(true, false))
		assert.Nil(t, rep)
		require.True(t, rec.Failed())
		assert.Contains(t, rec.Outcomes()[0].Logs[0], "give it as conformance.NetFactoryDevice")
	})
}

// A wrapper around a member.Device names no device type: it is judged as
// the type it is given as, and so is a factory that panics on the bare
// configuration of the probe (its units report the panic).
func TestFactoryDevice_ProbeLeaves(t *testing.T) {
	type wrapped struct{ member.Device }
	for name, f := range map[string]member.Factory{
		"wrapper": func(c member.Config) member.Device { return wrapped{blk.New(c)} },
		"panics without memory": func(c member.Config) member.Device {
			if c.Mem == nil {
				panic("no memory")
			}
			return blk.New(c)
		},
	} {
		t.Run(name, func(t *testing.T) {
			rep, err := conformance.Check(conformance.FactoryDevice(name, f), conformance.Parts(false, true),
				conformance.Scenarios("smoke-migrate"), conformance.Short())
			require.NoError(t, err)
			assert.NotEmpty(t, rep.Units)
		})
	}
}
