package ownerview

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// TestRecordChanged: every change of what View renders lists the member
// in Changed, once, until ClearChanged; reads list nothing and neither
// hash reads the list.
func TestRecordChanged(t *testing.T) {
	stop := func(vf int) adminq.Command {
		return adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: uint64(vf),
			Data: []byte{spec.DevModeFlagStopped}}
	}
	flr := pcie.TLP{Kind: pcie.CfgWrite, Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, byte(pcie.DevCtlInitiateFLR >> 8)}}
	reset := pcie.TLP{Kind: pcie.MemWrite, Addr: uint64(spec.CfgDeviceStatus), Data: []byte{0}}
	for _, c := range []struct {
		name string
		do   func(r *Record, now *engine.VTime)
		want []int
	}{
		{"nothing", func(*Record, *engine.VTime) {}, nil},
		{"reads", func(r *Record, _ *engine.VTime) { r.View(3, true); r.Mode(3); r.Resetting(3); r.Auditable(3, true) }, nil},
		{"a command submitted", func(r *Record, _ *engine.VTime) { r.Submitted(stop(3)) }, []int{3}},
		{"a completion, twice to one member", func(r *Record, _ *engine.VTime) {
			r.Received(3, adminq.Completion{Command: stop(3)}, true)
			r.Received(3, adminq.Completion{Command: stop(3)}, true)
		}, []int{3}},
		{"two members", func(r *Record, _ *engine.VTime) { r.Submitted(stop(70)); r.Submitted(stop(3)) }, []int{3, 70}},
		{"an FLR seen", func(r *Record, _ *engine.VTime) { r.ObserveWrite(5, flr, 0, false) }, []int{5}},
		{"a reset seen and read back", func(r *Record, _ *engine.VTime) {
			r.ObserveWrite(5, reset, uint64(spec.CfgDeviceStatus), true)
			r.ClearChanged()
			r.ObserveStatusRead(5)
		}, []int{5}},
		{"an FLR ended by the clock", func(r *Record, now *engine.VTime) {
			r.ObserveWrite(5, flr, 0, false)
			r.ClearChanged()
			r.Settle()
			assert.Empty(t, r.Changed(), "the FLR still runs")
			*now += engine.VTime(pcie.FLRDurationNs)
			r.Settle()
		}, []int{5}},
		{"the group gone", func(r *Record, _ *engine.VTime) {
			r.Submitted(stop(2))
			r.Submitted(stop(4))
			r.ClearChanged()
			r.Forget()
		}, []int{2, 4}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var now engine.VTime
			r := NewRecord(movingEnv{testEnv{spec.Virtio14}, &now})
			state, judge := r.StateHash(), r.JudgeHash()
			c.do(r, &now)
			got := slices.Clone(r.Changed())
			slices.Sort(got)
			assert.Equal(t, c.want, got)
			if len(c.want) == 0 {
				assert.Equal(t, state, r.StateHash())
				assert.Equal(t, judge, r.JudgeHash())
			}
			r.ClearChanged()
			assert.Empty(t, r.Changed())
			r.View(3, true)
			assert.Empty(t, r.Changed(), "a read lists nothing")
		})
	}
}
