package net

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

func TestCompatDescriptionAndCaps(t *testing.T) {
	c := DefaultCompat()
	require.NoError(t, c.Caps().Validate())
	h, err := c.Description(4, 1500, nil).Header()
	require.NoError(t, err)
	assert.Equal(t, devctx.ModelNet, h.Model)
	assert.Equal(t, spec.VirtioDeviceIDNet, h.VirtioDeviceID)
	assert.Equal(t, []devctx.Param{{Name: ParamMACFilterSize, Value: devctx.IntValue(MACFilterSize)},
		{Name: ParamMTU, Value: devctx.IntValue(1500)}, {Name: ParamNumQueuePairs, Value: devctx.IntValue(4)}}, h.Params)
	assert.Equal(t, uint64(DefaultFeatures), h.DeviceFeatures)
	require.Len(t, h.Parts, 7)
	assert.Equal(t, devctx.PartEntry{Type: spec.PartNetCVQCfg}, h.Parts[6])
	assert.True(t, h.Parts[0].Optional(), "DEV_FEATURES")
	where := devctx.Where{Phase: "precheck", Member: 1}
	assert.NoError(t, devctx.CheckCompatible(h, c.Caps(), where), "an implementation accepts its own state")

	small := c
	small.MaxPairs = 4
	h8, err := c.Description(8, 1500, nil).Header()
	require.NoError(t, err)
	err = devctx.CheckCompatible(h8, small.Caps(), where)
	var inc *devctx.IncompatibleError
	require.True(t, errors.As(err, &inc), "%v", err)
	require.Len(t, inc.Mismatches, 1)
	assert.Equal(t, devctx.CodeParamValue, inc.Mismatches[0].Code)
	assert.Contains(t, err.Error(), "param-value num-queue-pairs: source 8, destination allows 1-4")

	noMQ := c
	noMQ.Features &^= spec.Features(spec.FeatureNetMQ.Mask())
	err = devctx.CheckCompatible(h, noMQ.Caps(), where)
	assert.ErrorContains(t, err, "features bit 22 (VIRTIO_NET_F_MQ): source offers it, destination does not support it")

	hj, err := c.Description(4, 9001, nil).Header()
	require.NoError(t, err)
	assert.ErrorContains(t, devctx.CheckCompatible(hj, c.Caps(), where), "param-value mtu: source 9001, destination allows 68-9000")
}
