package blk

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

func TestDevCfgFieldRoundTrip(t *testing.T) {
	src := testDevice(t, virtq.NewGuestMemory())
	src.disk.(*Disk).Resize(40)
	src.ApplyHostChange()
	src.WriteConfig(cfgWriteback, []byte{0})
	fs := src.Fields()
	require.Len(t, fs, 1)
	assert.Equal(t, spec.FieldDevCfg, fs[0].Type)

	dst := testDevice(t, virtq.NewGuestMemory())
	ok, err := dst.ApplyField(fs[0], 0)
	require.True(t, ok)
	require.NoError(t, err)
	assert.Equal(t, src.ReadConfig(), dst.ReadConfig())
}

func TestApplyFieldAndParts(t *testing.T) {
	d := testDevice(t, virtq.NewGuestMemory())
	ok, err := d.ApplyField(devctx.DevCfgField(make([]byte, 8)), 0)
	assert.True(t, ok, "DEV_CFG is blk's")
	assert.EqualError(t, err, "member: DEV_CFG: length 8, want 36")
	ok, err = d.ApplyField(devctx.Field{Type: spec.FieldDeviceTypeFirst, Value: []byte{1}}, 0)
	assert.False(t, ok)
	assert.NoError(t, err)
	assert.Empty(t, d.Parts(), "virtio-1.4 has no block device part")
	ok, err = d.ApplyPart(devctx.NewPart(spec.PartNetCVQCfg, nil), 0)
	assert.False(t, ok)
	assert.NoError(t, err)
}

func TestCloneIsIndependentAndSharesTheDisk(t *testing.T) {
	d := testDevice(t, virtq.NewGuestMemory())
	c := d.Clone().(*device)
	v := d.ReadConfig()
	binary.LittleEndian.PutUint64(v, 99)
	_, err := c.ApplyField(devctx.DevCfgField(v), 0)
	require.NoError(t, err)
	assert.Equal(t, uint64(16), d.capacity, "the original is untouched")
	assert.Same(t, d.disk, c.disk)
}
