package devctx

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/spec"
)

func TestFieldValuesRoundTrip(t *testing.T) {
	c := sampleContext()
	b := EncodeDraftContext(c)
	got, err := DecodeDraftContext(b)
	require.NoError(t, err)
	require.Len(t, got.Fields, len(c.Fields))
	byType := map[spec.FieldType][]byte{}
	for _, f := range got.Fields {
		byType[f.Type] = f.Value
	}

	cc, err := DecodeCommonCfgImage(byType[spec.FieldPCICommonCfg])
	require.NoError(t, err)
	assert.Equal(t, uint16(1), cc.QueueSelect())
	assert.Equal(t, uint32(2), cc.Get(spec.CfgNumQueues))
	assert.Equal(t, spec.DeviceStatus(0x0f), cc.DeviceStatus())
	assert.Equal(t, uint64(0x1000), cc.Queue64(spec.CfgQueueDescLo))

	rt, err := DecodeCommonRuntimeCfg(byType[spec.FieldPCICommonRuntimeCfg])
	require.NoError(t, err)
	assert.Equal(t, []SplitWrite{{Queue: 1, Field: spec.CfgQueueDescLo, Flags: SplitLoWritten, Lo: 0x2000}}, rt.Writes)
	assert.True(t, rt.Writes[0].InProgress())
	assert.Equal(t, byType[spec.FieldPCICommonRuntimeCfg], rt.Encode())

	df, err := DecodeFeatureWords(byType[spec.FieldDevFeatures])
	require.NoError(t, err)
	assert.Equal(t, FeatureWords{0x130000046}, df)

	st, err := DecodeDeviceStatus(byType[spec.FieldDeviceStatus])
	require.NoError(t, err)
	assert.Equal(t, spec.DeviceStatus(0x0f), st)

	vq, err := DecodeVQCfgList(byType[spec.FieldPCIVQCfg])
	require.NoError(t, err)
	require.Len(t, vq.Queues, 2)
	assert.Equal(t, VQCfgEntry{Index: 0, Size: 256, MSIXVector: 1, Enabled: 1, Desc: 0x1000, Driver: 0x2000, Device: 0x3000}, vq.Queues[0])
	assert.Equal(t, byType[spec.FieldPCIVQCfg], vq.Encode())
	assert.Len(t, byType[spec.FieldPCIVQCfg], 8+2*VQCfgEntrySize)

	rtq, err := DecodeVQSplitRuntimeList(byType[spec.FieldVQSplitRuntimeCfg])
	require.NoError(t, err)
	assert.Equal(t, []VQSplitRuntimeEntry{{Index: 0, LastAvailIdx: 5, UsedIdx: 4, Flags: RuntimeNotifyLatched, LatchedAvailIdx: 6}}, rtq.Queues)
	assert.Len(t, byType[spec.FieldVQSplitRuntimeCfg], 8+VQSplitRuntimeEntrySize)

	own, err := DecodeDevOwnDescList(byType[spec.FieldVQSplitDevOwnDesc])
	require.NoError(t, err)
	assert.Equal(t, []DevOwnDesc{{Queue: 0, Head: 3}, {Queue: 0, Head: 7}}, own.Descs)
	assert.Len(t, byType[spec.FieldVQSplitDevOwnDesc], 8+2*DevOwnDescSize)

	pe, err := DecodePendingEvents(byType[spec.FieldPendingEvents])
	require.NoError(t, err)
	assert.Equal(t, PendingEvents{Flags: PendingConfigIRQ, HeldIRQs: 2}, pe)

	assert.Equal(t, []byte{1, 2, 3, 4, 5}, byType[spec.FieldDevCfg])
}

func TestFieldValueLayouts(t *testing.T) {
	cases := []struct {
		name string
		got  []byte
		want []byte
	}{
		{"PCI_COMMON_RUNTIME_CFG entry", CommonRuntimeCfg{Writes: []SplitWrite{{Queue: 2, Field: spec.CfgQueueDriverLo, Flags: SplitHiWritten, Lo: 0x11223344, Hi: 0x55667788}}}.Encode(),
			[]byte{1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 40, 2, 0x44, 0x33, 0x22, 0x11, 0x88, 0x77, 0x66, 0x55, 0, 0, 0, 0}},
		{"PCI_VQ_CFG entry", VQCfgList{Queues: []VQCfgEntry{{Index: 1, Size: 2, MSIXVector: 3, Enabled: 4, NotifyOff: 5, NotifConfigData: 6, Desc: 7, Driver: 8, Device: 9}}}.Encode(),
			[]byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 0, 0, 0, 0,
				7, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0}},
		{"VQ_SPLIT_RUNTIME_CFG entry", VQSplitRuntimeList{Queues: []VQSplitRuntimeEntry{{Index: 1, LastAvailIdx: 2, UsedIdx: 3, Flags: 3, LatchedAvailIdx: 4}}}.Encode(),
			[]byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 0, 3, 0, 3, 0, 4, 0, 0, 0, 0, 0, 0, 0}},
		{"VQ_SPLIT_DEV_OWN_DESC entry", DevOwnDescList{Descs: []DevOwnDesc{{Queue: 1, Head: 0x102}}}.Encode(),
			[]byte{1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 2, 1, 0, 0, 0, 0}},
		{"PENDING_EVENTS", PendingEvents{Flags: PendingFLR | PendingReset, HeldIRQs: 1 << 9}.Encode(),
			[]byte{6, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0}},
		{"DEVICE_STATUS", DeviceStatusField(spec.StatusDriverOK).Value, []byte{4, 0, 0, 0, 0, 0, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, tc.got)
		})
	}
}

func TestFieldValueErrors(t *testing.T) {
	badField := CommonRuntimeCfg{Writes: []SplitWrite{{Field: spec.CfgQueueDescLo, Flags: SplitLoWritten}, {Field: spec.CfgQueueDescHi, Flags: SplitHiWritten}}}.Encode()
	badFlags := CommonRuntimeCfg{Writes: []SplitWrite{{Field: spec.CfgQueueDeviceLo, Flags: 4}}}.Encode()
	badRuntime := VQSplitRuntimeList{Queues: []VQSplitRuntimeEntry{{Flags: 0x80}}}.Encode()
	hostile := newEntryList(0, 0)
	hostile[0], hostile[1], hostile[2], hostile[3] = 0xff, 0xff, 0xff, 0xff
	cases := []struct {
		name   string
		decode func() error
		want   error
		msg    string
	}{
		{"common cfg image length", func() error { _, err := DecodeCommonCfgImage(make([]byte, 60)); return err },
			ErrLength, "devctx: PCI_COMMON_CFG value at offset 0: length 60, want 64"},
		{"runtime cfg field offset", func() error { _, err := DecodeCommonRuntimeCfg(badField); return err },
			ErrValue, "devctx: PCI_COMMON_RUNTIME_CFG entry 1 at offset 24: bad value: field offset 36"},
		{"runtime cfg flags", func() error { _, err := DecodeCommonRuntimeCfg(badFlags); return err },
			ErrValue, "entry 0 at offset 8: bad value: unknown flag bits 0x4"},
		{"runtime cfg count header", func() error { _, err := DecodeCommonRuntimeCfg(make([]byte, 4)); return err },
			ErrTruncated, "devctx: PCI_COMMON_RUNTIME_CFG value at offset 0: truncated"},
		{"vq cfg count/length mismatch", func() error { _, err := DecodeVQCfgList(newEntryList(2, 40)[:50]); return err },
			ErrLength, "devctx: PCI_VQ_CFG count at offset 0: length: count 2 needs 80 bytes of 40-byte entries, have 42"},
		{"hostile entry count", func() error { _, err := DecodeDevOwnDescList(hostile); return err },
			ErrLength, "count 4294967295 needs 34359738360 bytes"},
		{"split runtime flags", func() error { _, err := DecodeVQSplitRuntimeList(badRuntime); return err },
			ErrValue, "devctx: VQ_SPLIT_RUNTIME_CFG entry 0 at offset 8: bad value: unknown flag bits 0x80"},
		{"device status length", func() error { _, err := DecodeDeviceStatus([]byte{1}); return err },
			ErrLength, "devctx: DEVICE_STATUS value at offset 0: length 1, want 8"},
		{"pending events length", func() error { _, err := DecodePendingEvents(make([]byte, 8)); return err },
			ErrLength, "length 8, want 16"},
		{"pending events flags", func() error { _, err := DecodePendingEvents(PendingEvents{Flags: 16}.Encode()); return err },
			ErrValue, "unknown flag bits 0x10"},
		{"feature words length", func() error { _, err := DecodeFeatureWords(make([]byte, 9)); return err },
			ErrLength, "length 9, want a multiple of 8"},
		{"common cfg part value", func() error { _, err := CommonCfgValue(make([]byte, 3)); return err },
			ErrLength, "length 3, want 1, 2 or 4"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.decode()
			require.Error(t, err)
			assert.ErrorIs(t, err, tc.want)
			assert.Contains(t, err.Error(), tc.msg)
		})
	}
}

func TestFieldDescribe(t *testing.T) {
	cases := []struct {
		field Field
		want  string
	}{
		{DeviceStatusField(0x0f), "DEVICE_STATUS length=8: status=0x0f (ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK)"},
		{DevOwnDescList{Descs: []DevOwnDesc{{Queue: 1, Head: 9}}}.Field(), "VQ_SPLIT_DEV_OWN_DESC length=16: count=1 desc0=queue=1 head=9"},
		{PendingEvents{Flags: PendingFLR}.Field(), "PENDING_EVENTS length=16: flags=0x2 held_irqs=0x0"},
		{DevCfgField([]byte{0xab}), "DEV_CFG length=1: value=ab"},
		{Field{Type: spec.FieldDeviceStatus, Value: []byte{1}}, "DEVICE_STATUS length=1: value=01 error=DEVICE_STATUS value at offset 0: length 1, want 8"},
	}
	for _, tc := range cases {
		t.Run(tc.field.Type.String(), func(t *testing.T) {
			assert.Equal(t, tc.want, tc.field.Describe())
		})
	}
	for _, f := range sampleContext().Fields {
		for _, a := range f.Attrs() {
			assert.NotEqual(t, "error", a.Name, "sample field %s decodes", f.Type)
		}
	}
}

func TestCommonCfgImageAccessors(t *testing.T) {
	var c CommonCfgImage
	for _, f := range spec.CommonCfgFields {
		v := uint32(0x89abcdef) >> (32 - 8*f.Size)
		c.Set(f.Field, v)
		assert.Equal(t, v, c.Get(f.Field), f.Name)
	}
	c.Set(spec.CfgQueueDeviceLo, 0x1)
	c.Set(spec.CfgQueueDeviceHi, 0x2)
	assert.Equal(t, uint64(0x200000001), c.Queue64(spec.CfgQueueDeviceLo))
	c.Set(62, 0xffff)
	c.Set(63, 0xffffffff) // starts no field and runs past the image: ignored
	assert.Equal(t, uint32(0xffff), c.Get(spec.CfgAdminQueueNum))
	assert.Equal(t, uint32(0), c.Get(63))
}
