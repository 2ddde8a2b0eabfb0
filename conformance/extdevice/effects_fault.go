package extdevice

import (
	"fmt"

	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
)

// msixTableSize is the size of the MSI-X table of a device of type t built
// for configuration c, as the protocol gives it (docs/device-protocol.md,
// "new") and the in-process members size theirs (member.Config's
// MSIXTableSize): msix_vectors, else num_queues + 1, num_queues 0 being
// the type's default; never more entries than fit before the PBA.
func msixTableSize(c member.Config, t string) int {
	if c.NumQueues == 0 && t == TypeNet {
		c.NumQueues = membernet.DefaultNumQueues
	}
	return c.MSIXTableSize()
}

// effectsFault says what in a device's effects for ev no device may do,
// "" for nothing: completion data of another length than the request's (a
// CfgRd or MRd of len bytes; none for anything else: a write's completion
// carries no data and the other events have none), and an MSI-X message
// of a vector outside the device's table of size vectors, or of
// VIRTIO_MSI_NO_VECTOR, which means no interrupt (virtio spec, "MSI-X
// Vector Configuration"): no entry gives such a message its address and
// data, so on a bus it would be a stray write.
func effectsFault(ev member.Event, fx *member.Effects, vectors int) string {
	switch {
	case isRead(ev) && len(fx.ReadData) != ev.TLP.Len:
		return fmt.Sprintf("a %d-byte read answered with %s of read_data", ev.TLP.Len, byteCount(len(fx.ReadData)))
	case !isRead(ev) && len(fx.ReadData) > 0:
		return fmt.Sprintf("event %s answered with %s of read_data: only a CfgRd or MRd has completion data",
			describe(ev), byteCount(len(fx.ReadData)))
	}
	for i, irq := range fx.Interrupts {
		switch {
		case irq.Vector == member.NoVector:
			return fmt.Sprintf("interrupts[%d]: vector 0xffff is VIRTIO_MSI_NO_VECTOR, which means no interrupt: "+
				"a device sends none for it", i)
		case int(irq.Vector) >= vectors:
			return fmt.Sprintf("interrupts[%d]: vector %d is outside the device's MSI-X table of %d entries", i, irq.Vector, vectors)
		}
	}
	return ""
}
