package owner

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

// FromFactory adapts a member.Factory: VF n is built from tmpl with its VF
// number, routing ID and BAR0 address filled in. Any member.Device
// implementation (the reference virtio-blk, a vendor model, a wrapper that
// injects a bug) runs behind the PF this way.
func FromFactory(f member.Factory, tmpl member.Config) MemberFactory {
	return func(vf int, rid pcie.RID, bar0 uint64) member.Device {
		c := tmpl
		c.VF, c.RID, c.BAR0 = vf, rid, bar0
		return f(c)
	}
}
