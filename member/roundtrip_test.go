package member_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// outcome is what the guest and the world can observe at the end.
type outcome struct {
	log  []string
	disk uint64
	mem  uint64
}

// workload runs the guest program; migrate (nil for the reference run) is
// called at the switchover point with the guest and returns the rig the
// guest continues on.
func workload(t *testing.T, e spec.Edition, migrate func(*guest) *rig) outcome {
	g := newRig(t, e, spec.DefaultRules(e), 2, nil, nil)
	gu := newGuest(g, 1)
	for i := 0; i < 4; i++ {
		gu.submit(0, tOut, uint64(2*i), pattern(i, 1024), 1024)
	}
	gu.kick(0)
	g.run(5) // mid-workload: some requests fetched, some executed
	gu.setupQueue(1, false)
	if migrate != nil {
		require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	}
	gu.submit(0, tIn, 0, nil, 1024)
	gu.submit(0, tIn, 4, nil, 1024)
	gu.submit(0, tFlush, 0, nil, 0)
	gu.kick(0) // a kick in Stop on the migrated run
	if migrate != nil {
		g = migrate(gu)
		gu.g = g
	}
	gu.finishQueue(1) // queue_desc hi, written on the destination
	gu.submit(1, tOut, 10, pattern(9, 512), 512)
	gu.submit(1, tIn, 10, nil, 512)
	gu.submit(0, tGetID, 0, nil, idBytes)
	gu.kick(1)
	gu.kick(0)
	g.run(-1)
	gu.harvest()
	return outcome{log: gu.log, disk: g.disk.Digest(), mem: g.mem.Digest()}
}

// moveDraft captures in Stop then Freeze (merging the delta) and restores
// Active→Freeze, DEV_CTX_WRITE, →Active on a fresh member.
func moveDraft(t *testing.T, gu *guest) *rig {
	src := gu.g
	r1 := src.admin(uint16(spec.DraftOpDevCtxRead), nil, 1<<16)
	require.Equal(t, spec.StatusOK, r1.Status)
	require.Equal(t, spec.StatusOK, src.modeSet(spec.ModeFreeze).Status)
	r2 := src.admin(uint16(spec.DraftOpDevCtxRead), nil, 1<<16)
	require.Equal(t, spec.StatusOK, r2.Status)
	c1 := decodeRead(t, r1.Result)
	c2 := decodeRead(t, r2.Result)
	assert.Less(t, len(c2.Fields), len(c1.Fields), "the Freeze read is a delta")
	merged := devctx.Merge(c1, c2)
	checkDraftCapture(t, merged)
	assert.Equal(t, devctx.EncodeDraftContext(devctx.DraftContext{Fields: src.in.DraftFields()}), devctx.EncodeDraftContext(merged))

	dst := newRig(t, spec.Draft2023, src.in.Config().Rules, 2, src.disk, src.mem.Clone())
	dst.setupMSIX(dst.in.MSIXLen())
	for _, d := range gu.rings {
		if d != nil {
			d.SetMemory(dst.mem)
		}
	}
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeFreeze).Status)
	require.Equal(t, spec.StatusOK, dst.admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(merged), 0).Status)
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeActive).Status)
	return dst
}

// checkDraftCapture asserts the context holds what the move must carry:
// the half-written queue_desc of q1, the latched kick of q0 and the
// device-owned descriptors.
func checkDraftCapture(t *testing.T, c devctx.DraftContext) {
	var sawSplit, sawLatch, sawOwn bool
	for _, f := range c.Fields {
		switch f.Type {
		case spec.FieldPCICommonRuntimeCfg:
			rt, err := devctx.DecodeCommonRuntimeCfg(f.Value)
			require.NoError(t, err)
			require.Len(t, rt.Writes, 1)
			assert.Equal(t, devctx.SplitWrite{Queue: 1, Field: spec.CfgQueueDescLo, Flags: devctx.SplitLoWritten, Lo: uint32(ringAt(1).Desc)}, rt.Writes[0])
			sawSplit = true
		case spec.FieldVQSplitRuntimeCfg:
			l, err := devctx.DecodeVQSplitRuntimeList(f.Value)
			require.NoError(t, err)
			assert.NotZero(t, l.Queues[0].Flags&devctx.RuntimeNotifyLatched, "kick in Stop latched")
			sawLatch = true
		case spec.FieldVQSplitDevOwnDesc:
			l, err := devctx.DecodeDevOwnDescList(f.Value)
			require.NoError(t, err)
			assert.NotEmpty(t, l.Descs, "taken requests recorded as device-owned")
			sawOwn = true
		}
	}
	assert.True(t, sawSplit && sawLatch && sawOwn)
}

func decodeRead(t *testing.T, b []byte) devctx.DraftContext {
	r, err := devctx.DecodeCtxReadResult(b)
	require.NoError(t, err)
	require.Zero(t, r.Remaining)
	c, err := devctx.DecodeDraftContext(r.Ctx)
	require.NoError(t, err)
	return c
}

// moveV14 captures with DEV_PARTS_GET ALL and restores stop, PARTS_SET,
// resume on a fresh member.
func moveV14(t *testing.T, gu *guest) *rig {
	src := gu.g
	get := src.admin(uint16(spec.OpDevPartsGet), partsGetData(spec.PartsGetAll), 1<<16)
	require.Equal(t, spec.StatusOK, get.Status)
	ps, err := devctx.DecodeParts(get.Result, devctx.DecodeOptions{Complete: true})
	require.NoError(t, err)
	var sawHalf, sawSelect bool
	for _, p := range ps.List {
		if p.Type == spec.PartVQCfg && p.VQIndex() == 1 {
			v, err := devctx.DecodeVQCfg(p.Value)
			require.NoError(t, err)
			assert.Equal(t, uint64(uint32(ringAt(1).Desc)), v.Desc, "q1 queue_desc captured as latched: lo only")
			sawHalf = true
		}
		if p.Type == spec.PartPCICommonCfg && p.CommonCfgOffset() == uint32(spec.CfgQueueSelect) {
			assert.Equal(t, []byte{1, 0}, p.Value, "queue_select travels")
			sawSelect = true
		}
	}
	assert.True(t, sawHalf && sawSelect)
	dst := newRig(t, spec.Virtio14, src.in.Config().Rules, 2, src.disk, src.mem.Clone())
	dst.setupMSIX(dst.in.MSIXLen())
	for _, d := range gu.rings {
		if d != nil {
			d.SetMemory(dst.mem)
		}
	}
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeStop).Status)
	set := dst.admin(uint16(spec.OpDevPartsSet), append(make([]byte, objHeaderSize), get.Result...), 0)
	require.Equal(t, spec.StatusOK, set.Status, "%v", dst.notes)
	require.Equal(t, spec.StatusOK, dst.modeSet(spec.ModeActive).Status)
	return dst
}

func partsGetData(t spec.PartsGetType, hdrs ...devctx.PartHeader) []byte {
	d := make([]byte, objHeaderSize+8)
	d[objHeaderSize] = uint8(t)
	for _, h := range hdrs {
		d = h.Append(d)
	}
	return d
}

// TestRoundTripMidWorkload: a member moved mid-workload, with a
// half-written queue_desc and a kick in Stop, finishes identically to an
// unmoved one (disk, guest memory, every used entry, status and data read
// back), in both editions.
func TestRoundTripMidWorkload(t *testing.T) {
	for _, e := range spec.Editions {
		t.Run(e.String(), func(t *testing.T) {
			ref := workload(t, e, nil)
			require.Len(t, ref.log, 10, "every request completes once")
			move := moveDraft
			if e == spec.Virtio14 {
				move = moveV14
			}
			var moved *rig
			got := workload(t, e, func(gu *guest) *rig {
				moved = move(t, gu)
				return moved
			})
			assert.Equal(t, ref.log, got.log)
			assert.Equal(t, ref.disk, got.disk)
			assert.Equal(t, ref.mem, got.mem)
			for _, entry := range ref.log {
				assert.Equal(t, byte(sOK), entry[3], "request status")
			}
			assert.Zero(t, moved.dev.Status().DeviceStatus&spec.StatusDeviceNeedsReset)
		})
	}
}
