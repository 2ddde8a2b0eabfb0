package factorycheck

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
)

// TestCheck: what a factory is refused for, and what passes (a factory
// that panics on the bare configuration, and a wrapper that names no
// device type, are left to the kit's units).
func TestCheck(t *testing.T) {
	type wrapped struct{ member.Device }
	for _, tc := range []struct {
		name string
		f    member.Factory
		net  bool
		want string // "": no error
	}{
		{"virtio-blk as virtio-blk", blk.New, false, ""},
		{"virtio-net as virtio-net", membernet.New, true, ""},
		{"virtio-net as virtio-blk", membernet.New, false,
			"its factory builds virtio-net devices (virtio device ID 1), which the kit judges only as a virtio-net device: give it as conformance.NetFactoryDevice(name, f) to RunDevice or Check"},
		{"virtio-blk as virtio-net", blk.New, true,
			"its factory builds virtio-blk devices (virtio device ID 2), not virtio-net: give it as conformance.FactoryDevice(name, f), or to conformance.Run"},
		{"nil factory", nil, false, "the member.Factory is nil"},
		{"nil device", func(member.Config) member.Device { return nil }, false,
			"its factory returned a nil member.Device (for a draft-2023 member)"},
		{"panics on a bare configuration", func(c member.Config) member.Device {
			if c.Mem == nil {
				panic("no memory")
			}
			return blk.New(c)
		}, true, ""},
		{"a wrapper names no type", func(c member.Config) member.Device { return wrapped{blk.New(c)} }, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := Check(tc.f, tc.net)
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.EqualError(t, err, tc.want)
		})
	}
}
