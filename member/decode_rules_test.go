package member_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestPartsSetHeaderRulesRejected: a DEV_PARTS_SET whose part header breaks
// a rule of device-parts.tex (a flag bit it does not define, reserved
// selector bytes that are not zero) fails with INVALID_FIELD and latches
// nothing.
func TestPartsSetHeaderRulesRejected(t *testing.T) {
	tests := []struct {
		name string
		run  []byte
	}{
		{"flag 0x80", devctx.EncodeParts([]devctx.Part{{Type: spec.PartDeviceStatus, Flags: 0x80, Value: []byte{0x0f}}})},
		{"DEV_FEATURES selector", devctx.EncodeParts([]devctx.Part{{Type: spec.PartDevFeatures, Selector: [8]byte{1},
			Value: make([]byte, 8)}})},
		{"vq_index.reserved", devctx.EncodeParts([]devctx.Part{{Type: spec.PartVQNotifyCfg, Selector: [8]byte{0, 0, 1},
			Value: make([]byte, 8)}})},
		{"pci_common_cfg.reserved", devctx.EncodeParts([]devctx.Part{{Type: spec.PartPCICommonCfg,
			Selector: [8]byte{22, 0, 0, 0, 1}, Value: []byte{0, 0}}})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
			require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
			c := g.admin(uint16(spec.OpDevPartsSet), append(make([]byte, objHeaderSize), tt.run...), 0)
			assert.Equal(t, spec.StatusEINVAL, c.Status)
			assert.Equal(t, spec.QInvalidField, c.Qualifier)
			assert.Zero(t, g.in.LatchedParts())
		})
	}
}

// TestPartsSetLe64CommonCfg: a PCI_COMMON_CFG part may carry a le64 queue
// address whole at its offset (the virtio spec's struct
// virtio_pci_common_cfg) as well as its 32-bit halves (Linux's); the
// device validates it and does not apply it (VQ_CFG carries the queue
// addresses, DP-DEV-06). A whole field and one of its halves in one run
// overlap and fail.
func TestPartsSetLe64CommonCfg(t *testing.T) {
	whole := devctx.NewCommonCfgPart(spec.CfgQueueDescLo, []byte{0, 0x10, 0, 0, 2, 0, 0, 0})
	hi := devctx.NewCommonCfgPart(spec.CfgQueueDescHi, []byte{2, 0, 0, 0})
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	d := g.dev.ContextDigest()
	require.Equal(t, spec.StatusOK, g.partsSet(whole).Status)
	assert.Equal(t, d, g.dev.ContextDigest(), "validated, not applied")

	g, _ = liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	c := g.partsSet(whole, hi)
	assert.Equal(t, spec.StatusEINVAL, c.Status, "queue_desc and queue_desc_hi overlap")
	assert.Zero(t, g.in.LatchedParts())
	c = g.partsSet(devctx.NewCommonCfgPart(spec.CfgQueueDescLo, make([]byte, 6)))
	assert.Equal(t, spec.StatusEINVAL, c.Status, "6 bytes at queue_desc")
}

// TestDraftWriteRejectsWhatTheFormatForbids: DEV_CTX_WRITE refuses a
// context that holds a field type twice and a PCI_COMMON_RUNTIME_CFG entry
// that is no split write in progress (flags 0 or 3), which the device would
// otherwise store as a split state it never produces itself.
func TestDraftWriteRejectsWhatTheFormatForbids(t *testing.T) {
	split := func(flags uint8) devctx.Field {
		return devctx.CommonRuntimeCfg{Writes: []devctx.SplitWrite{{Queue: 0, Field: spec.CfgQueueDescLo, Flags: flags,
			Lo: 0x1000}}}.Field()
	}
	tests := []struct {
		name   string
		fields []devctx.Field
		want   spec.Status
	}{
		{"lo written", []devctx.Field{split(devctx.SplitLoWritten)}, spec.StatusOK},
		{"hi written", []devctx.Field{split(devctx.SplitHiWritten)}, spec.StatusOK},
		{"flags 0", []devctx.Field{split(0)}, spec.StatusEINVAL},
		{"flags 3", []devctx.Field{split(devctx.SplitLoWritten | devctx.SplitHiWritten)}, spec.StatusEINVAL},
		{"DEVICE_STATUS twice", []devctx.Field{devctx.DeviceStatusField(0x0f), devctx.DeviceStatusField(0)}, spec.StatusEINVAL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := liveRig(t, spec.Draft2023, spec.DefaultRules(spec.Draft2023))
			require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeFreeze).Status)
			c := g.admin(uint16(spec.DraftOpDevCtxWrite), devctx.EncodeDraftContext(devctx.DraftContext{Fields: tt.fields}), 0)
			assert.Equal(t, tt.want, c.Status, "%v", g.notes)
		})
	}
}
