package extdevice_test

import (
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// TestEffectsFaults: completion data for anything but a read, and an
// MSI-X message of a vector outside the device's table or of
// VIRTIO_MSI_NO_VECTOR, are device faults naming the request and the
// field; the same effects answering a read, or a vector inside the table
// (the protocol's num_queues + 1 entries, the type's default num_queues
// for 0), are not.
func TestEffectsFaults(t *testing.T) {
	const blkHello, netHello = `"op":"hello","protocol":1}`, `"op":"hello","protocol":1,"type":"net"}`
	const state = `"status":{"mode":0,"device_status":0},"digest":"0x0"}`
	cfgWrite := member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: 1, Completer: rid, Addr: 4, Data: []byte{6, 0}}}
	cfgRead := member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: 1, Completer: rid, Len: 4}}
	timer := member.Event{Kind: member.EvTimer, Timer: member.TimerFLR}
	irq := func(v int) string {
		return `"op":"effects","interrupts":[{"vector":0,"addr":"0xfee00000","data":64},{"vector":` + strconv.Itoa(v) + `,"addr":"0xfee00000","data":65}],` + state
	}
	tests := []struct {
		name, hello, effects string
		cfg                  member.Config
		ev                   member.Event
		want                 string // "" for no fault
	}{
		{"read_data for a CfgWr", blkHello, `"op":"effects","read_data":"00000000",` + state, member.Config{}, cfgWrite,
			"event tlp CfgWr addr=0x4 for device 1 (vf 1) (request 3): event tlp CfgWr addr=0x4 answered with 4 bytes of read_data: only a CfgRd or MRd has completion data"},
		{"read_data for a timer", blkHello, `"op":"effects","read_data":"00",` + state, member.Config{}, timer,
			"answered with 1 byte of read_data: only a CfgRd or MRd has completion data"},
		{"read_data for a CfgRd", blkHello, `"op":"effects","read_data":"00000000",` + state, member.Config{}, cfgRead, ""},
		{"VIRTIO_MSI_NO_VECTOR", blkHello, irq(0xffff), member.Config{NumQueues: 1}, timer,
			"(request 3): interrupts[1]: vector 0xffff is VIRTIO_MSI_NO_VECTOR, which means no interrupt: a device sends none for it"},
		{"past num_queues + 1", blkHello, irq(2), member.Config{NumQueues: 1}, timer,
			"interrupts[1]: vector 2 is outside the device's MSI-X table of 2 entries"},
		{"inside num_queues + 1", blkHello, irq(2), member.Config{NumQueues: 2}, timer, ""},
		{"past msix_vectors", blkHello, irq(3), member.Config{NumQueues: 4, MSIXVectors: 3}, timer,
			"vector 3 is outside the device's MSI-X table of 3 entries"},
		{"blk's default num_queues", blkHello, irq(2), member.Config{}, timer, "of 2 entries"},
		{"net's default num_queues", netHello, irq(9), member.Config{}, timer, ""},
		{"past net's default", netHello, irq(10), member.Config{}, timer, "vector 10 is outside the device's MSI-X table of 10 entries"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			pool, err := extdevice.StartServed("dev", scripted(tc.hello, tc.effects), extdevice.Options{Timeout: 2 * time.Second, Procs: 1})
			require.NoError(t, err)
			defer pool.Close()
			c := tc.cfg
			c.Edition, c.VF, c.RID, c.BAR0, c.Mem = spec.Virtio14, 1, rid, bar0, virtq.NewGuestMemory()
			if tc.hello == netHello {
				c.Backing = membernet.NewLink(1, membernet.DefaultMTU).NewPort("src.vf1", 4)
			} else {
				c.Backing = blk.NewDisk(8, "x")
			}
			var fx member.Effects
			got := catch(func() { fx = pool.Factory()(c).Handle(tc.ev) })
			if tc.want == "" {
				require.Nil(t, got)
				assert.Equal(t, len(fx.ReadData) == 0, len(fx.Interrupts) == 2, "the effects as the device gave them")
				return
			}
			require.NotNil(t, got)
			assert.True(t, got.Fault, "a device fault: the run fails, the kit goes on")
			assert.Contains(t, got.Error(), tc.want)
			assert.NoError(t, pool.Err(), "a fault does not end the pool")
		})
	}
}
