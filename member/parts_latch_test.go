package member_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// TestPartsSetLatchesItsOwnCopy: DEV_PARTS_SET latches copies of the values
// (the request data is the caller's, who may reuse it), and a second SET
// adds to what the first latched; both apply at the resume.
func TestPartsSetLatchesItsOwnCopy(t *testing.T) {
	g, _ := liveRig(t, spec.Virtio14, spec.DefaultRules(spec.Virtio14))
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeStop).Status)
	sets := [][]devctx.Part{
		{devctx.NewCommonCfgPart(spec.CfgQueueSelect, []byte{1, 0})},
		{devctx.NewCommonCfgPart(spec.CfgDriverFeatureSelect, []byte{1, 0, 0, 0}),
			devctx.NewCommonCfgPart(spec.CfgDeviceFeatureSelect, []byte{1, 0, 0, 0})},
	}
	latched := 0
	for _, ps := range sets {
		data := append(make([]byte, objHeaderSize), devctx.EncodeParts(ps)...)
		require.Equal(t, spec.StatusOK, g.admin(uint16(spec.OpDevPartsSet), data, 0).Status)
		for i := objHeaderSize; i < len(data); i++ {
			data[i] = 0xff // the caller reuses its buffer
		}
		latched += len(ps)
		assert.Equal(t, latched, g.in.LatchedParts())
	}
	require.Equal(t, spec.StatusOK, g.modeSet(spec.ModeActive).Status)
	assert.Equal(t, uint32(1), g.commonRead(spec.CfgQueueSelect))
	assert.Equal(t, uint32(1), g.commonRead(spec.CfgDriverFeatureSelect))
	assert.Equal(t, uint32(1), g.commonRead(spec.CfgDeviceFeatureSelect))
	assert.Zero(t, g.in.LatchedParts())
}
