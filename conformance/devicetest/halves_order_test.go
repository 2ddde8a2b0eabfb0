package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// hiLostOnLo is a planted bug around the reference blk: a write of a queue
// address's low half also clears its high half, so a driver that writes
// hi before lo (the order is the driver's choice: PCI-DEV-02) loses hi.
type hiLostOnLo struct{ member.Device }

func (d hiLostOnLo) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind != member.EvTLP || ev.TLP.Kind != pcie.MemWrite || len(ev.TLP.Data) != 4 {
		return fx
	}
	for _, lo := range []spec.CommonCfgField{spec.CfgQueueDescLo, spec.CfgQueueDriverLo, spec.CfgQueueDeviceLo} {
		if ev.TLP.Addr == harness.RigBAR0+uint64(lo) {
			d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: harness.RigHost,
				Addr: harness.RigBAR0 + uint64(lo) + 4, Data: []byte{0, 0, 0, 0}}})
		}
	}
	return fx
}

// TestHalvesIndependent_HiWrittenFirst: halves-independent fails a device
// that loses a queue address's high half when the low half is written
// after it, in both editions, and passes the reference.
func TestHalvesIndependent_HiWrittenFirst(t *testing.T) {
	dt := testNamed(t, "PCI-DEV-02", "halves-independent")
	for _, ed := range []spec.Edition{spec.Draft2023, spec.Virtio14} {
		t.Run(ed.String(), func(t *testing.T) {
			ref := runCheck(dt, ed, spec.DefaultRules(ed), func(c member.Config) member.Device { return blk.New(c) }, extdevice.TypeBlk)
			assert.Empty(t, ref.Fails, "the reference")
			c := runCheck(dt, ed, spec.DefaultRules(ed), func(c member.Config) member.Device { return hiLostOnLo{blk.New(c)} }, extdevice.TypeBlk)
			require.NotEmpty(t, c.Fails)
			var msgs []string
			for _, f := range c.Fails {
				msgs = append(msgs, f.Message)
				assert.Equal(t, []string{"PCI-DEV-02"}, f.Requirements, f.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), "queue_driver hi after lo is written second")
		})
	}
}
