package posted

import (
	"testing"

	"github.com/migsim/migsim/pcie"
	"github.com/stretchr/testify/assert"
)

// A lane per requester and host (and vCPU, unordered), its writes in issue
// order, and the lanes a request pushes under either model.
func TestBus_LanesAndPushes(t *testing.T) {
	w := pcie.TLP{Kind: pcie.MemWrite, Addr: 0x3000, Data: []byte{1}}
	for _, unordered := range []bool{false, true} {
		b := Bus{Unordered: unordered}
		b.Post(0, "src", 1, w, "vcpu0", 5, 10)
		b.Post(0, "src", 1, w, "vcpu1", 6, 11)
		b.Post(1, "dst", 1, w, "vcpu0", 7, 12)
		lanes := 2
		if unordered {
			lanes = 3
		}
		assert.Len(t, b.Lanes, lanes, "unordered=%v", unordered)
		l := b.Lanes[0]
		assert.Equal(t, 10, l.ID)
		assert.Equal(t, !unordered, b.Pushes(l, 0, 0, "hv"), "the hypervisor's request, unordered=%v", unordered)
		assert.True(t, b.Pushes(l, 0, 0, "vcpu0"))
		assert.False(t, b.Pushes(l, 1, 0, "vcpu0"), "another host")
		want := "bus.src.00:00.0:deliver MWr src.vf1 +0x3000=01"
		if unordered {
			want = "bus.src.00:00.0.vcpu0:deliver MWr src.vf1 +0x3000=01"
		}
		assert.Equal(t, want, l.Writes[0].Label)
		name, ok := b.Name(10)
		assert.True(t, ok)
		assert.Equal(t, l.Name, name)

		failed := func(h int) bool { return h == 1 }
		assert.Len(t, b.Steps(nil, failed), lanes-1, "no step to a failed host")
		assert.False(t, b.Idle(failed))
		for _, l := range b.Lanes {
			for len(l.Writes) > 0 {
				assert.Equal(t, "vcpu", l.Pop().Who[:4])
			}
		}
		assert.True(t, b.Idle(failed))
	}
}
