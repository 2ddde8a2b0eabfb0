package member_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// A draft-2023 Freeze that arrives while a virtio reset runs, under each
// reset-vs-mode value: whether the reply waits, whether the reset completes
// inside Freeze (device_status reads 0), and whether it completes by the
// end of the move back to Active.
func TestResetVsModeFreeze(t *testing.T) {
	cases := []struct {
		value         string
		replyAtOnce   bool // the DEV_MODE_SET reply comes before the reset is done
		doneInFreeze  bool // device_status reads 0 while frozen, after the reset's step ran
		pendingFrozen bool // the reset is still pending while frozen
	}{
		{"hold-reply", false, true, false},
		{"complete-anyway", true, true, false},
		{"reply-on-start", true, false, true},
	}
	for _, c := range cases {
		t.Run(c.value, func(t *testing.T) {
			r := spec.DefaultRules(spec.Draft2023)
			require.NoError(t, r.Set("reset-vs-mode", c.value))
			g, _ := liveRig(t, spec.Draft2023, r)
			g.common(spec.CfgDeviceStatus, 0)
			require.True(t, g.dev.Status().ResetPending)
			g.handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 1,
				Opcode: uint16(spec.DraftOpDevModeSet), Data: []byte{uint8(spec.ModeFreeze), 0, 0, 0, 0, 0, 0, 0}}})
			assert.Equal(t, c.replyAtOnce, len(g.comps) == 1, "reply before the reset is done")
			g.run(-1)
			require.Len(t, g.comps, 1, "one reply once the reset's step ran")
			assert.Equal(t, spec.ModeFreeze, g.dev.Status().Mode)
			assert.Equal(t, c.doneInFreeze, g.commonRead(spec.CfgDeviceStatus) == 0, "reset done in Freeze")
			assert.Equal(t, c.pendingFrozen, g.dev.Status().ResetPending, "reset pending in Freeze")
			g.modeSet(spec.ModeActive)
			g.run(-1)
			assert.Zero(t, g.commonRead(spec.CfgDeviceStatus), "reset done once Active")
			assert.False(t, g.dev.Status().ResetPending)
		})
	}
}
