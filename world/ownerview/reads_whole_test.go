package ownerview

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestReadWhole_AcrossEpochs: the first read of a quiesced epoch carries
// the last complete read of an earlier epoch (Earlier), and both are
// compared in canonical order (Whole): one context returned in another
// valid order (virtio-1.4 common-config and VQ parts of different
// selectors in any order; draft fields in any order) is the same context,
// so the self-report oracle does not take the order for a change its
// digest missed. A context that did change compares unequal.
func TestReadWhole_AcrossEpochs(t *testing.T) {
	const vf, digest = 1, 0x1234
	drv := devctx.NewPart(spec.PartDrvFeatures, make([]byte, 8))
	status := devctx.NewPart(spec.PartDeviceStatus, []byte{0x0f})
	qsel := devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})
	msix := devctx.NewCommonCfgPart(spec.CfgConfigMSIXVector, []byte{2, 0})
	vq0, vq1 := devctx.VQCfg{QueueSize: 8}.Part(0), devctx.VQCfg{QueueSize: 8}.Part(1)
	vq1Grown := devctx.VQCfg{QueueSize: 16}.Part(1)
	parts := func(ps ...devctx.Part) []byte { return devctx.EncodeParts(ps) }

	f := func(typ spec.FieldType, v ...byte) devctx.Field { return devctx.Field{Type: typ, Value: v} }
	status8 := f(spec.FieldDeviceStatus, 0x0f, 0, 0, 0, 0, 0, 0, 0)
	feat := f(spec.FieldDevFeatures, 1, 0, 0, 0, 0, 0, 0, 0)
	feat2 := f(spec.FieldDevFeatures, 3, 0, 0, 0, 0, 0, 0, 0)
	draftRead := func(fs ...devctx.Field) []byte {
		return devctx.CtxReadResult{Ctx: devctx.EncodeDraftContext(devctx.DraftContext{Fields: fs})}.Encode()
	}

	get := adminq.Command{Opcode: uint16(spec.OpDevPartsGet), Group: spec.GroupSRIOV, Member: vf,
		Data: append(make([]byte, 8), byte(spec.PartsGetAll), 0, 0, 0, 0, 0, 0, 0)}
	stop14 := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{spec.DevModeFlagStopped}}
	run14 := adminq.Command{Opcode: uint16(spec.OpDevModeSet), Group: spec.GroupSRIOV, Member: vf, Data: []byte{0}}
	read := adminq.Command{Opcode: uint16(spec.DraftOpDevCtxRead), Group: spec.GroupSRIOV, Member: vf}
	mode := func(m spec.Mode) adminq.Command {
		return draftModeSet(vf, m)
	}
	for _, tc := range []struct {
		name          string
		ed            spec.Edition
		stop, resume  adminq.Command
		query         adminq.Command
		first, second []byte
		same          bool
	}{
		{"parts in another valid order", spec.Virtio14, stop14, run14, get,
			parts(drv, msix, qsel, status, vq0, vq1), parts(drv, qsel, msix, status, vq1, vq0), true},
		{"parts that changed", spec.Virtio14, stop14, run14, get,
			parts(drv, msix, qsel, status, vq0, vq1), parts(drv, msix, qsel, status, vq0, vq1Grown), false},
		{"draft fields in another order", spec.Draft2023, mode(spec.ModeStop), mode(spec.ModeActive), read,
			draftRead(feat, status8), draftRead(status8, feat), true},
		{"draft fields that changed", spec.Draft2023, mode(spec.ModeStop), mode(spec.ModeActive), read,
			draftRead(feat, status8), draftRead(status8, feat2), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := NewRecord(testEnv{tc.ed})
			epoch := func(result []byte) *ContextRead {
				r.Submitted(tc.stop)
				r.Received(vf, adminq.Completion{Command: tc.stop}, true)
				r.Submitted(tc.query)
				r.Answered(vf, digest)
				_, rd := r.Received(vf, adminq.Completion{Command: tc.query, Result: adminq.Result{Data: result}}, true)
				require.NotNil(t, rd)
				require.NoError(t, rd.Err)
				require.True(t, rd.First)
				r.Submitted(tc.resume)
				r.Received(vf, adminq.Completion{Command: tc.resume}, true)
				return rd
			}
			first := epoch(tc.first)
			assert.Nil(t, first.Earlier, "no earlier epoch")
			second := epoch(tc.second)
			require.NotNil(t, second.Earlier)
			assert.Equal(t, uint64(digest), second.Earlier.Digest)
			assert.Equal(t, first.Whole, second.Earlier.Whole)
			assert.Equal(t, tc.same, string(second.Earlier.Whole) == string(second.Whole),
				"earlier %x, now %x", second.Earlier.Whole, second.Whole)
		})
	}
}
