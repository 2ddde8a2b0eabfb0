package member_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// With resume-avail=latched-only (the draft-2023 default) a device serves at
// Active what its context records: the request of a doorbell dropped in
// Freeze (freeze-notify=drop) waits for the guest's next kick, one latched
// is served. With recheck (the virtio-1.4 default: no part carries a
// doorbell) the device checks the avail ring at resume, so a request posted
// while quiesced is served either way.
func TestDRAFT_FRZ_01_DoorbellInFreezeServedOnlyWhenLatched(t *testing.T) {
	cases := []struct {
		name  string
		ed    spec.Edition
		knobs []string
		quiet spec.Mode
		want  uint16
	}{
		{"draft drop", spec.Draft2023, nil, spec.ModeFreeze, 0},
		{"draft latch", spec.Draft2023, []string{"freeze-notify=latch"}, spec.ModeFreeze, 1},
		{"draft stop", spec.Draft2023, nil, spec.ModeStop, 1},
		{"draft drop recheck", spec.Draft2023, []string{"resume-avail=recheck"}, spec.ModeFreeze, 1},
		{"1.4 stopped", spec.Virtio14, nil, spec.ModeStop, 1},
		{"1.4 stopped latched-only", spec.Virtio14, []string{"resume-avail=latched-only"}, spec.ModeStop, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := spec.ParseRules(c.ed, c.knobs)
			require.NoError(t, err)
			g, gu := liveRig(t, c.ed, r)
			require.Equal(t, spec.StatusOK, g.modeSet(c.quiet).Status)
			gu.submit(0, tOut, 0, pattern(3, 512), 512)
			gu.kick(0)
			require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
			g.run(-1)
			used, err := gu.rings[0].UsedIdx()
			require.NoError(t, err)
			assert.Equal(t, c.want, used)
		})
	}
}

// A doorbell the draft-2023 device received in Active but had not served
// when it left Active (its fetch step still pending) becomes a latched
// notification: the context carries it and the move to Active serves it.
func TestDRAFT_STOP_03_PendingFetchLatchedWhenLeavingActive(t *testing.T) {
	g, gu := liveRig(t, spec.Draft2023, spec.DefaultRules(spec.Draft2023))
	gu.submit(0, tOut, 0, pattern(4, 512), 512)
	fx := gu.kick(0)
	require.NotEmpty(t, fx.Steps, "a doorbell in Active asks for a fetch")
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	assert.True(t, g.in.NotifyLatched(0), "the unserved doorbell is latched")
	assert.False(t, g.in.FetchPending(0))
	g.run(-1) // the stale fetch is a no-op while stopped
	used, err := gu.rings[0].UsedIdx()
	require.NoError(t, err)
	assert.Equal(t, uint16(0), used)
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
	g.run(-1)
	used, err = gu.rings[0].UsedIdx()
	require.NoError(t, err)
	assert.Equal(t, uint16(1), used, "served once at Active")
}

// A doorbell a draft-2023 destination latches in Stop, after the context
// was written in Freeze and before the move to Active, is the device's own
// record: the context applied at Active must not erase it (DRAFT-STOP-03).
// This is the destination of a VM whose VFs ring each other peer-to-peer:
// every VF goes from Freeze to Stop before any goes to Active, and a VF
// that resumed first rings one still in Stop.
func TestDRAFT_STOP_03_DoorbellInStopSurvivesContextWrite(t *testing.T) {
	r := spec.DefaultRules(spec.Draft2023)
	src, gu := liveRig(t, spec.Draft2023, r)
	gu.submit(0, tOut, 0, pattern(5, 512), 512) // posted, not kicked
	require.Equal(t, spec.StatusOK, src.modeSet(spec.ModeStop).Status)
	require.Equal(t, spec.StatusOK, src.modeSet(spec.ModeFreeze).Status)
	read := src.admin(uint16(spec.DraftOpDevCtxRead), nil, 1<<16)
	require.Equal(t, spec.StatusOK, read.Status)
	ctx := decodeRead(t, read.Result)

	dst := newRig(t, spec.Draft2023, r, 2, src.disk, src.mem.Clone())
	dst.setupMSIX(dst.in.MSIXLen())
	for _, d := range gu.rings {
		if d != nil {
			d.SetMemory(dst.mem)
		}
	}
	gu.g = dst
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeFreeze).Status)
	require.Equal(t, spec.StatusOK, dst.admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(ctx), 0).Status)
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeStop).Status)
	gu.kick(0) // a peer's doorbell, latched in Stop
	require.True(t, dst.in.NotifyLatched(0))
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeActive).Status)
	dst.run(-1)
	used, err := gu.rings[0].UsedIdx()
	require.NoError(t, err)
	assert.Equal(t, uint16(1), used, "the doorbell latched in Stop is served at Active")
}

// A doorbell a device received while running and had not served when it was
// stopped (its fetch step still pending, a no-op while stopped) is served
// when the same device resumes, whatever resume-avail says: a migration
// cancelled before anything moved resumes the source, which still holds the
// doorbell it accepted (DP-DEV-10: a stopped device accepts driver
// notifications; the source's own record needs no part to carry it).
func TestDP_DEV_10_PendingFetchServedWhenTheSameDeviceResumes(t *testing.T) {
	cases := []struct {
		name  string
		ed    spec.Edition
		knobs []string
	}{
		{"draft", spec.Draft2023, nil},
		{"draft recheck", spec.Draft2023, []string{"resume-avail=recheck"}},
		{"1.4", spec.Virtio14, nil},
		{"1.4 latched-only", spec.Virtio14, []string{"resume-avail=latched-only"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := spec.ParseRules(c.ed, c.knobs)
			require.NoError(t, err)
			g, gu := liveRig(t, c.ed, r)
			gu.submit(0, tOut, 0, pattern(6, 512), 512)
			fx := gu.kick(0)
			require.NotEmpty(t, fx.Steps, "a doorbell while running asks for a fetch")
			require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
			g.run(-1) // the stale fetch is a no-op while stopped
			used, err := gu.rings[0].UsedIdx()
			require.NoError(t, err)
			require.Equal(t, uint16(0), used, "nothing served while stopped")
			require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
			g.run(-1)
			used, err = gu.rings[0].UsedIdx()
			require.NoError(t, err)
			assert.Equal(t, uint16(1), used, "served once at the resume")
		})
	}
}
