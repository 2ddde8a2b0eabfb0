package net

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/spec"
)

func TestCompatDescriptionAndCaps(t *testing.T) {
	c := DefaultCompat()
	require.NoError(t, c.Caps().Validate())
	h, err := c.Description(4, 1500, nil).Header()
	require.NoError(t, err)
	assert.Equal(t, compat.ModelNet, h.Model)
	assert.Equal(t, spec.VirtioDeviceIDNet, h.VirtioDeviceID)
	assert.Equal(t, []compat.Param{{Name: ParamMACFilterSize, Value: compat.IntValue(MACFilterSize)},
		{Name: ParamMTU, Value: compat.IntValue(1500)}, {Name: ParamNumQueuePairs, Value: compat.IntValue(4)}}, h.Params)
	assert.Equal(t, uint64(DefaultFeatures), h.DeviceFeatures)
	require.Len(t, h.Parts, 7)
	assert.Equal(t, compat.PartEntry{Type: spec.PartNetCVQCfg}, h.Parts[6])
	assert.True(t, h.Parts[0].Optional(), "DEV_FEATURES")
	where := compat.Where{Phase: "precheck", Member: 1}
	assert.NoError(t, compat.CheckCompatible(h, c.Caps(), where), "an implementation accepts its own state")

	small := c
	small.MaxPairs = 4
	h8, err := c.Description(8, 1500, nil).Header()
	require.NoError(t, err)
	err = compat.CheckCompatible(h8, small.Caps(), where)
	var inc *compat.IncompatibleError
	require.True(t, errors.As(err, &inc), "%v", err)
	require.Len(t, inc.Mismatches, 1)
	assert.Equal(t, compat.CodeParamValue, inc.Mismatches[0].Code)
	assert.Contains(t, err.Error(), "param-value num-queue-pairs: source 8, destination allows 1-4")

	noMQ := c
	noMQ.Features &^= spec.Features(spec.FeatureNetMQ.Mask())
	err = compat.CheckCompatible(h, noMQ.Caps(), where)
	assert.ErrorContains(t, err, "features bit 22 (VIRTIO_NET_F_MQ): source offers it, destination does not support it")

	hj, err := c.Description(4, 9001, nil).Header()
	require.NoError(t, err)
	assert.ErrorContains(t, compat.CheckCompatible(hj, c.Caps(), where), "param-value mtu: source 9001, destination allows 68-9000")
}
