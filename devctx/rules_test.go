package devctx

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

// TestDraftContextFieldOnce: a context holds each field type once
// (docs/context-format.md); a second field of a type is ErrDuplicate at its
// header, and DecodeDraftContextPrefix returns the fields before it.
func TestDraftContextFieldOnce(t *testing.T) {
	for _, second := range []Field{DeviceStatusField(0x0f), DeviceStatusField(0)} {
		b := EncodeDraftContext(DraftContext{Fields: []Field{FeaturesField(spec.FieldDevFeatures, FeatureWords{1 << 32}),
			DeviceStatusField(0x0f), second}})
		c, err := DecodeDraftContext(b)
		require.ErrorIs(t, err, ErrDuplicate)
		assert.Empty(t, c.Fields)
		var fe *FieldError
		require.ErrorAs(t, err, &fe)
		assert.Equal(t, 2, fe.Index)
		assert.Equal(t, 56, fe.Offset)
		assert.Equal(t, spec.FieldDeviceStatus, fe.Type)
		assert.Contains(t, err.Error(), "devctx: field 2 (DEVICE_STATUS) at offset 56: duplicate: DEVICE_STATUS already given by field 1")

		prefix, err := DecodeDraftContextPrefix(b)
		require.ErrorIs(t, err, ErrDuplicate)
		require.Len(t, prefix.Fields, 2, "the fields before the one at fault")
		assert.Equal(t, spec.FieldDeviceStatus, prefix.Fields[1].Type)
	}
	// Device-type fields count too.
	b := EncodeDraftContext(DraftContext{Fields: []Field{{Type: spec.FieldNetCVQ}, {Type: spec.FieldNetCVQ}}})
	_, err := DecodeDraftContext(b)
	assert.ErrorIs(t, err, ErrDuplicate)
}

// TestFieldValueRules checks the value rules of the draft fields with the
// entry and its offset in the value: a split write in progress has exactly
// one half written, and no entry list names a queue (or a queue and head)
// twice.
func TestFieldValueRules(t *testing.T) {
	split := func(ws ...SplitWrite) []byte { return CommonRuntimeCfg{Writes: ws}.Encode() }
	lo := SplitWrite{Queue: 1, Field: spec.CfgQueueDescLo, Flags: SplitLoWritten, Lo: 0x1000}
	tests := []struct {
		name   string
		decode func() error
		want   error
		msg    string
		at     int
	}{
		{"split flags 0", func() error {
			_, err := DecodeCommonRuntimeCfg(split(SplitWrite{Field: spec.CfgQueueDescLo}))
			return err
		},
			ErrValue, "PCI_COMMON_RUNTIME_CFG entry 0 at offset 8: bad value: flags 0x0, want exactly one", 8},
		{"split flags 3", func() error {
			_, err := DecodeCommonRuntimeCfg(split(lo, SplitWrite{Field: spec.CfgQueueDriverLo, Flags: 3}))
			return err
		}, ErrValue, "PCI_COMMON_RUNTIME_CFG entry 1 at offset 24: bad value: flags 0x3", 24},
		{"split write twice", func() error { _, err := DecodeCommonRuntimeCfg(split(lo, lo)); return err },
			ErrDuplicate, "PCI_COMMON_RUNTIME_CFG entry 1 at offset 24: duplicate: queue 1 queue_desc_lo already given by entry 0", 24},
		{"vq cfg index twice", func() error {
			_, err := DecodeVQCfgList(VQCfgList{Queues: []VQCfgEntry{{Index: 2}, {Index: 3}, {Index: 2}}}.Encode())
			return err
		}, ErrDuplicate, "PCI_VQ_CFG entry 2 at offset 88: duplicate: vq 2 already given by entry 0", 88},
		{"runtime index twice", func() error {
			_, err := DecodeVQSplitRuntimeList(VQSplitRuntimeList{Queues: []VQSplitRuntimeEntry{{Index: 1}, {Index: 1}}}.Encode())
			return err
		}, ErrDuplicate, "VQ_SPLIT_RUNTIME_CFG entry 1 at offset 24: duplicate: vq 1", 24},
		{"owned head twice", func() error {
			_, err := DecodeDevOwnDescList(DevOwnDescList{Descs: []DevOwnDesc{{Queue: 0, Head: 3}, {Queue: 0, Head: 3}}}.Encode())
			return err
		}, ErrDuplicate, "VQ_SPLIT_DEV_OWN_DESC entry 1 at offset 16: duplicate: q0 head 3 already given by entry 0", 16},
		{"pending events flag", func() error { _, err := DecodePendingEvents(PendingEvents{Flags: 0x10}.Encode()); return err },
			ErrValue, "PENDING_EVENTS flags at offset 0: bad value: unknown flag bits 0x10", 0},
		{"runtime flag", func() error {
			_, err := DecodeVQSplitRuntimeList(VQSplitRuntimeList{Queues: []VQSplitRuntimeEntry{{Index: 0}, {Index: 1, Flags: 8}}}.Encode())
			return err
		}, ErrValue, "VQ_SPLIT_RUNTIME_CFG entry 1 at offset 24: bad value: unknown flag bits 0x8", 24},
		{"count/length", func() error { _, err := DecodeCommonRuntimeCfg(split(lo)[:20]); return err },
			ErrLength, "PCI_COMMON_RUNTIME_CFG count at offset 0: length: count 1 needs 16 bytes", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.decode()
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), "devctx: "+tt.msg)
			at, ok := ErrorOffset(err)
			require.True(t, ok)
			assert.Equal(t, tt.at, at, "offset in the value")
		})
	}
	// Different queues, different fields and the two halves pass.
	_, err := DecodeCommonRuntimeCfg(split(lo, SplitWrite{Queue: 1, Field: spec.CfgQueueDriverLo, Flags: SplitHiWritten},
		SplitWrite{Queue: 2, Field: spec.CfgQueueDescLo, Flags: SplitHiWritten}))
	assert.NoError(t, err)
}

// TestPartHeaderRules checks the header and selector rules of
// device-parts.tex and NET-PART-01 that DecodeParts enforces, and the le64
// PCI_COMMON_CFG parts it accepts.
func TestPartHeaderRules(t *testing.T) {
	reserved := status.Header()
	reserved.Reserved = 0x5a
	desc64 := NewCommonCfgPart(spec.CfgQueueDescLo, make([]byte, 8))
	promisc := NewNetCVQPart(spec.NetRxPromisc, NetRxMode{On: true})
	tests := []struct {
		name  string
		in    []byte
		want  error
		index int
		msg   string
	}{
		{"flag 0x80", enc(dev8, Part{Type: spec.PartDeviceStatus, Flags: 0x80, Value: []byte{1}}), ErrReserved, 1,
			"part 1 (DEVICE_STATUS) at offset 24: reserved not zero: flags 0x80: bits 0x80 undefined"},
		{"flag 0x02 on an unknown optional part", enc(Part{Type: 0x106, Flags: 3}), ErrReserved, 0, "bits 0x02 undefined"},
		{"DEV_FEATURES selector", enc(Part{Type: spec.PartDevFeatures, Selector: [8]byte{1}, Value: make([]byte, 8)}), ErrSelector, 0,
			"selector 0100000000000000 not zero (DEV_FEATURES has no selector)"},
		{"DEVICE_STATUS selector", enc(Part{Type: spec.PartDeviceStatus, Selector: [8]byte{7: 1}, Value: []byte{1}}), ErrSelector, 0,
			"(DEVICE_STATUS has no selector)"},
		{"pci_common_cfg.reserved", enc(Part{Type: spec.PartPCICommonCfg, Selector: [8]byte{22, 0, 0, 0, 0, 9}, Value: []byte{0, 0}}),
			ErrSelector, 0, "reserved selector byte 5 is 0x09"},
		{"vq_index.reserved", enc(Part{Type: spec.PartVQCfg, Selector: [8]byte{0, 0, 1}, Value: make([]byte, 32)}), ErrSelector, 0,
			"reserved selector byte 2 is 0x01"},
		{"CVQ reserved selector bytes (NET-PART-01)", enc(status, Part{Type: spec.PartNetCVQCfg, Selector: [8]byte{0, 0, 0, 1},
			Value: []byte{1}}), ErrSelector, 1, "reserved selector byte 3 is 0x01"},
		{"CVQ selector twice (NET-PART-01)", enc(status, promisc, promisc), ErrDuplicate, 2,
			"VIRTIO_NET_CTRL_RX_PROMISC already given by part 1"},
		{"le64 then its hi half", enc(desc64, NewCommonCfgPart(spec.CfgQueueDescHi, make([]byte, 4))), ErrDuplicate, 1,
			"offset 36 already given by part 0"},
		{"hi half then the le64", enc(NewCommonCfgPart(spec.CfgQueueDescHi, make([]byte, 4)), desc64), ErrDuplicate, 1,
			"offset 36 (the hi half of the le64 at 32) already given by part 0"},
		{"lo half then the le64", enc(NewCommonCfgPart(spec.CfgQueueDescLo, make([]byte, 4)), desc64), ErrDuplicate, 1,
			"offset 32 already given by part 0"},
		{"6 bytes at queue_desc", enc(NewCommonCfgPart(spec.CfgQueueDescLo, make([]byte, 6))), ErrLength, 0,
			"length 6, want 8 (queue_desc) or 4 (its lo half, queue_desc_lo) at offset 32"},
		{"8 bytes at a hi half", enc(NewCommonCfgPart(spec.CfgQueueDescHi, make([]byte, 8))), ErrLength, 0,
			"length 8, want 4 (size of queue_desc_hi at offset 36)"},
		{"8 bytes at a 32-bit field", enc(NewCommonCfgPart(spec.CfgDriverFeatureSelect, make([]byte, 8))), ErrLength, 0,
			"want 4 (size of driver_feature_select"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeParts(tt.in, DecodeOptions{})
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			var pe *PartError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, tt.index, pe.Index)
			assert.Contains(t, err.Error(), tt.msg)
			prefix, err := DecodePartsPrefix(tt.in, DecodeOptions{})
			require.Error(t, err)
			assert.Len(t, prefix.List, tt.index, "the parts before the one at fault")
		})
	}
	// Accepted: a reserved header byte (ignored), a le64 queue address
	// whole and the halves of another one, and distinct CVQ selectors.
	ps, err := DecodeParts(cat(enc(dev8), reserved.Encode(), []byte{0x0f}), DecodeOptions{Complete: true})
	require.NoError(t, err)
	assert.Equal(t, enc(dev8, status), EncodeParts(ps.List), "the reserved byte is dropped")
	ok := enc(dev8, desc64, NewCommonCfgPart(spec.CfgQueueDriverLo, make([]byte, 4)),
		NewCommonCfgPart(spec.CfgQueueDriverHi, make([]byte, 4)), status, promisc,
		NewNetCVQPart(spec.NetRxAllMulti, NetRxMode{}))
	ps, err = DecodeParts(ok, DecodeOptions{Complete: true})
	require.NoError(t, err)
	assert.Equal(t, "offset 32 (queue_desc)", ps.List[1].SelectorString())
	assert.Equal(t, []Attr{{"value", "4096 (0x1000)"}}, NewCommonCfgPart(spec.CfgQueueDescLo,
		[]byte{0, 0x10, 0, 0, 0, 0, 0, 0}).ValueAttrs())
}

// TestRebaseAndErrorOffset: Rebase moves every offset of an error chain,
// ErrorOffset returns the innermost.
func TestRebaseAndErrorOffset(t *testing.T) {
	_, err := DecodeVQCfgList(VQCfgList{Queues: []VQCfgEntry{{Index: 1}, {Index: 1}}}.Encode())
	require.Error(t, err)
	at, ok := ErrorOffset(err)
	require.True(t, ok)
	assert.Equal(t, 48, at)
	fe := &FieldError{Offset: 8, Index: 0, Type: spec.FieldPCIVQCfg, HasType: true, Err: err}
	Rebase(fe, 100)
	assert.Equal(t, 108, fe.Offset)
	at, _ = ErrorOffset(fe)
	assert.Equal(t, 148, at)
	assert.Equal(t, "devctx: field 0 (PCI_VQ_CFG) at offset 108: devctx: PCI_VQ_CFG entry 1 at offset 148: duplicate: vq 1 already given by entry 0",
		fe.Error(), "the messages show the moved offsets")
	_, ok = ErrorOffset(fmt.Errorf("plain"))
	assert.False(t, ok)
}

// TestDecodeAttrsByDevice: the device type names the feature bits and
// decodes the network device's draft fields; a value error's offsets count
// from valueAt.
func TestDecodeAttrsByDevice(t *testing.T) {
	feat := FeaturesField(spec.FieldDrvFeatures, FeatureWords{spec.FeatureVersion1.Mask() | spec.FeatureNetCtrlVQ.Mask()})
	as, err := feat.DecodeAttrs(spec.VirtioDeviceIDNet, 0)
	require.NoError(t, err)
	assert.Contains(t, as, Attr{"word0", "0x0000000100020000 (VIRTIO_NET_F_CTRL_VQ|VIRTIO_F_VERSION_1)"})
	as, _ = feat.DecodeAttrs(0, 0)
	assert.Contains(t, as, Attr{"word0", "0x0000000100020000 (FEATURE_17|VIRTIO_F_VERSION_1)"})
	as, _ = feat.DecodeAttrs(spec.VirtioDeviceIDBlk, 0)
	assert.Contains(t, as, Attr{"word0", "0x0000000100020000 (FEATURE_17|VIRTIO_F_VERSION_1)"})

	cvq := NetCVQField([]Part{NewNetCVQPart(spec.NetMQVQPairsSet, NetMQPairs{Pairs: 2})})
	as, err = cvq.DecodeAttrs(spec.VirtioDeviceIDNet, 0)
	require.NoError(t, err)
	assert.Equal(t, Attr{"type", "NET_CVQ (0x1000)"}, as[0])
	assert.Contains(t, as, Attr{"part0", "NET_CVQ_CFG class 4 command 0 (VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET) flags=0 length=2: virtqueue_pairs=2"})
	as, err = cvq.DecodeAttrs(0, 0)
	require.NoError(t, err, "a device-type field of an unknown device stays raw")
	assert.Equal(t, Attr{"type", "DEVICE_TYPE_0x1000 (0x1000)"}, as[0])

	inflight := NetInflightList{Entries: []NetInflight{{Queue: 1, Head: 3, Written: 60}}}.Field()
	as, err = inflight.DecodeAttrs(spec.VirtioDeviceIDNet, 0)
	require.NoError(t, err)
	assert.Contains(t, as, Attr{"entry0", "queue=1 head=3 written=60 ack=0"})

	bad := NetCVQField([]Part{NewNetCVQPart(spec.NetMQVQPairsSet, NetMQPairs{Pairs: 2})})
	bad.Value[len(bad.Value)-2] = 0 // virtqueue_pairs 0
	as, err = bad.DecodeAttrs(spec.VirtioDeviceIDNet, 1000)
	require.ErrorIs(t, err, ErrValue)
	at, _ := ErrorOffset(err)
	assert.Equal(t, 1016, at, "the value of part 0, 16 bytes into the field value at 1000")
	assert.Contains(t, as, Attr{"error", err.Error()})

	p := Part{Type: spec.PartNetCVQCfg, Value: []byte{2}}
	_, err = p.DecodeAttrs(0, 40)
	require.ErrorIs(t, err, ErrValue)
	assert.EqualError(t, err, "NET_CVQ_CFG VIRTIO_NET_CTRL_RX_PROMISC value at offset 40: bad value: 2, want 0 (off) or 1 (on)")
}
