package member_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// halfDone starts one piece of register work on a draft-2023 member and
// leaves it unfinished: a FEATURES_OK write after a reset (features) or the
// enable of queue 1 (queue).
func halfDone(t *testing.T, g *rig, features bool) {
	if features {
		g.common(spec.CfgDeviceStatus, 0)
		g.run(-1)
		require.Zero(t, g.commonRead(spec.CfgDeviceStatus), "reset done")
		g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver))
		g.common(spec.CfgDriverFeatureSelect, 1)
		g.common(spec.CfgDriverFeature, 1) // VIRTIO_F_VERSION_1 (bit 32)
		g.common(spec.CfgDeviceStatus, uint32(spec.StatusAcknowledge|spec.StatusDriver|spec.StatusFeaturesOK))
		return
	}
	l := ringAt(1)
	g.common(spec.CfgQueueSelect, 1)
	g.common(spec.CfgQueueSize, qsize)
	g.common(spec.CfgQueueDescLo, uint32(l.Desc))
	g.common(spec.CfgQueueDescHi, uint32(l.Desc>>32))
	g.common(spec.CfgQueueDriverLo, uint32(l.Avail))
	g.common(spec.CfgQueueDriverHi, uint32(l.Avail>>32))
	g.common(spec.CfgQueueDeviceLo, uint32(l.Used))
	g.common(spec.CfgQueueDeviceHi, uint32(l.Used>>32))
	g.common(spec.CfgQueueEnable, 1)
}

// done reports whether the work halfDone started is finished, from the
// core's registers (reading them through the BAR would finish it).
func done(g *rig, features bool) bool {
	if features {
		return g.dev.Status().DeviceStatus&spec.StatusFeaturesOK != 0
	}
	return g.in.Queue(1).Enable == 1
}

// pendingFlag reports whether a draft context marks the work as owed.
func pendingFlag(t *testing.T, fs []devctx.Field, features bool) bool {
	for _, f := range fs {
		switch {
		case features && f.Type == spec.FieldPendingEvents:
			p, err := devctx.DecodePendingEvents(f.Value)
			require.NoError(t, err)
			return p.Flags&devctx.PendingFeaturesOK != 0
		case !features && f.Type == spec.FieldVQSplitRuntimeCfg:
			l, err := devctx.DecodeVQSplitRuntimeList(f.Value)
			require.NoError(t, err)
			return l.Queues[1].Flags&devctx.RuntimeEnablePending != 0
		}
	}
	return false
}

// Register work the device accepted and has not finished, caught by a
// draft-2023 Stop under each pending-work value: whether the mode change
// finished it, whether the context marks it as owed, and whether a
// destination that applies the context has it done after the move to
// Active.
func TestPendingWorkAcrossStop(t *testing.T) {
	cases := []struct {
		value      string
		doneAtStop bool // finished before DEV_MODE_SET completed
		flagged    bool // the context marks it as owed
		doneOnDst  bool // the destination has it done once Active
	}{
		{"finish", true, false, true},
		{"carry", false, true, true},
		{"drop", false, false, false},
	}
	for _, features := range []bool{true, false} {
		what := "queue-enable"
		if features {
			what = "features-ok"
		}
		for _, c := range cases {
			t.Run(what+"/"+c.value, func(t *testing.T) {
				r := spec.DefaultRules(spec.Draft2023)
				require.NoError(t, r.Set("pending-work", c.value))
				g, _ := liveRig(t, spec.Draft2023, r)
				halfDone(t, g, features)
				require.False(t, done(g, features), "the write alone does not finish the work")
				require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
				g.run(-1)
				assert.Equal(t, c.doneAtStop, done(g, features), "done once stopped")
				fs := g.in.DraftFields()
				assert.Equal(t, c.flagged, pendingFlag(t, fs, features), "owed work in the context")

				dst := newRig(t, spec.Draft2023, r, 2, g.disk, g.mem.Clone())
				require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeFreeze).Status)
				w := dst.admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(devctx.DraftContext{Fields: fs}), 0)
				require.Equal(t, spec.StatusOK, w.Status, "%v", dst.notes)
				require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeActive).Status)
				dst.run(-1)
				assert.Equal(t, c.doneOnDst, done(dst, features), "done on the destination")
			})
		}
	}
}

// A later access waits for the work: the read-back of device_status sees
// FEATURES_OK validated, and a doorbell finds its queue enabled.
func TestPendingWorkFinishedByNextAccess(t *testing.T) {
	for _, e := range spec.Editions {
		t.Run(e.String(), func(t *testing.T) {
			g, _ := liveRig(t, e, spec.DefaultRules(e))
			halfDone(t, g, true)
			assert.NotZero(t, g.commonRead(spec.CfgDeviceStatus)&uint32(spec.StatusFeaturesOK), "read-back sees FEATURES_OK")
			halfDone(t, g, false)
			require.False(t, done(g, false))
			g.write(pcie.BAR0Notify+pcie.NotifyMultiplier, []byte{1, 0}) // queue 1's doorbell
			assert.True(t, done(g, false), "the doorbell waited for the enable")
		})
	}
}

// A quiesced device under pending-work=finish does not leave new work
// owed: a write that reaches it is finished at once.
func TestPendingWorkFinishWhileQuiesced(t *testing.T) {
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	halfDone(t, g, false)
	assert.True(t, done(g, false), "finished at once while stopped")
}
