package member_test

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

func TestDecodeCommonWrite(t *testing.T) {
	tests := []struct {
		name   string
		off    spec.CommonCfgField
		data   []byte
		fields []spec.CommonCfgField
		values []uint32
		err    string
	}{
		{"dword register", spec.CfgDriverFeatureSelect, []byte{1, 0, 0, 0}, []spec.CommonCfgField{spec.CfgDriverFeatureSelect}, []uint32{1}, ""},
		{"byte register", spec.CfgDeviceStatus, []byte{0x0f}, []spec.CommonCfgField{spec.CfgDeviceStatus}, []uint32{0x0f}, ""},
		{"64-bit at lo writes both halves", spec.CfgQueueDescLo, []byte{1, 2, 3, 4, 5, 6, 7, 8},
			[]spec.CommonCfgField{spec.CfgQueueDescLo, spec.CfgQueueDescHi}, []uint32{0x04030201, 0x08070605}, ""},
		{"64-bit at hi", spec.CfgQueueDescHi, make([]byte, 8), nil, nil,
			"common config write of 8 bytes at offset 36 ignored: not a field of that size"},
		{"wrong size", spec.CfgQueueSelect, []byte{1}, nil, nil,
			"common config write of 1 bytes at offset 22 ignored: not a field of that size"},
		{"inside a field", spec.CfgQueueSelect + 1, []byte{1}, nil, nil,
			"common config write of 1 bytes at offset 23 ignored: not a field of that size"},
		{"read-only", spec.CfgNumQueues, []byte{9, 0}, nil, nil, "write to read-only num_queues ignored"},
		{"read-only admin_queue_index", spec.CfgAdminQueueIndex, []byte{9, 0}, nil, nil, "write to read-only admin_queue_index ignored"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ws, err := member.DecodeCommonWrite(uint32(tc.off), tc.data)
			if tc.err != "" {
				var we *member.CommonWriteError
				require.ErrorAs(t, err, &we)
				assert.Equal(t, tc.err, err.Error())
				assert.Empty(t, ws)
				return
			}
			require.NoError(t, err)
			require.Len(t, ws, len(tc.fields))
			for i, w := range ws {
				assert.Equal(t, tc.fields[i], w.Field)
				assert.Equal(t, tc.values[i], w.Value)
			}
		})
	}
}

func TestCommonCfgImage(t *testing.T) {
	c := member.NewCommonCfg()
	c.DeviceFeatureSelect, c.DriverFeatures, c.Status, c.QueueSelect = 1, 0x1_0000_0002, spec.StatusDriver, 3
	q := member.NewQueueRegs(64)
	q.WriteAddr(member.AddrDriver, true, 0x1000)
	q.WriteAddr(member.AddrDriver, false, 0x2)
	offered := spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureAdminVQ)
	u16 := func(b [spec.CommonCfgSize]byte, f spec.CommonCfgField) uint16 {
		return binary.LittleEndian.Uint16(b[f:])
	}
	u32 := func(b [spec.CommonCfgSize]byte, f spec.CommonCfgField) uint32 {
		return binary.LittleEndian.Uint32(b[f:])
	}

	img := c.Image(member.CommonView{Offered: offered, NumQueues: 4, Queue: &q, NotifConfigData: true})
	assert.Equal(t, uint32(uint64(offered)>>32), u32(img, spec.CfgDeviceFeature), "word 1 of the offered features")
	assert.Equal(t, uint32(2), u32(img, spec.CfgDriverFeature), "word 0 of the driver's")
	assert.Equal(t, member.NoVector, u16(img, spec.CfgConfigMSIXVector))
	assert.Equal(t, uint16(4), u16(img, spec.CfgNumQueues))
	assert.Equal(t, byte(spec.StatusDriver), img[spec.CfgDeviceStatus])
	assert.Equal(t, uint16(64), u16(img, spec.CfgQueueSize))
	assert.Equal(t, member.NoVector, u16(img, spec.CfgQueueMSIXVector))
	assert.Equal(t, uint16(3), u16(img, spec.CfgQueueNotifyOff), "queue_notify_off is the queue index")
	assert.Equal(t, uint32(0x1000), u32(img, spec.CfgQueueDriverLo))
	assert.Equal(t, uint32(0x2), u32(img, spec.CfgQueueDriverHi))
	assert.Equal(t, uint16(3), u16(img, spec.CfgQueueNotifConfigData))
	assert.Zero(t, u16(img, spec.CfgAdminQueueNum))

	pf := c.Image(member.CommonView{Offered: offered, NumQueues: 0, AdminQueueIndex: 0, AdminQueueNum: 1})
	assert.Zero(t, u16(pf, spec.CfgQueueSize), "no queue selected: per-queue fields read 0")
	assert.Equal(t, uint16(1), u16(pf, spec.CfgAdminQueueNum))
}

func TestQueueRegsSplitAddress(t *testing.T) {
	q := member.NewQueueRegs(8)
	q.WriteAddr(member.AddrDesc, false, 0x7)
	assert.Equal(t, member.HalfHi, q.Split[member.AddrDesc])
	q.WriteAddr(member.AddrDesc, true, 0x1000)
	assert.Zero(t, q.Split[member.AddrDesc], "a complete pair clears the flags")
	assert.Equal(t, uint64(0x7_00001000), q.Layout().Desc)
}

func TestCommonCfgFeatures(t *testing.T) {
	c := member.NewCommonCfg()
	c.DriverFeatureSelect = 1
	require.True(t, c.WriteDriverFeature(1))
	assert.Equal(t, spec.FeatureVersion1.Mask(), c.DriverFeatures)
	c.DriverFeatureSelect = 2
	assert.False(t, c.WriteDriverFeature(1), "past the 64 feature bits")
	offered := spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureRingReset)
	for _, tc := range []struct {
		driver uint64
		ok     bool
	}{
		{spec.FeatureVersion1.Mask(), true},
		{uint64(offered), true},
		{0, false},
		{spec.FeatureRingReset.Mask(), false},
		{spec.FeatureVersion1.Mask() | spec.FeatureAdminVQ.Mask(), false},
	} {
		assert.Equal(t, tc.ok, member.FeaturesAcceptable(offered, tc.driver), "%#x", tc.driver)
	}
	assert.Equal(t, uint32(0), member.FeatureWord(^uint64(0), 2))
}
