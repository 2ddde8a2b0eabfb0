package blk

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

func TestConfigLayout(t *testing.T) {
	d := testDevice(t, virtq.NewGuestMemory())
	c := d.ReadConfig()
	require.Len(t, c, int(Type.ConfigLen))
	assert.Equal(t, uint64(16), binary.LittleEndian.Uint64(c[cfgCapacity:]))
	assert.Equal(t, uint32(sizeMax), binary.LittleEndian.Uint32(c[cfgSizeMax:]))
	assert.Equal(t, uint32(62), binary.LittleEndian.Uint32(c[cfgSegMax:]), "queue size - 2")
	assert.Equal(t, uint32(SectorSize), binary.LittleEndian.Uint32(c[cfgBlkSize:]))
	assert.Equal(t, byte(1), c[cfgWriteback], "writeback on when FLUSH is offered")
	assert.Equal(t, uint16(1), binary.LittleEndian.Uint16(c[cfgNumQueues:]))
}

func TestConfigWriteChecks(t *testing.T) {
	wce := spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureBlkConfigWCE)
	tests := []struct {
		name       string
		off        uint64
		data       []byte
		negotiated spec.Features
		err        string
	}{
		{"writeback", ConfigWritebackOffset, []byte{0}, wce, ""},
		{"without CONFIG_WCE", ConfigWritebackOffset, []byte{0}, spec.Features(1 << spec.FeatureVersion1),
			"writeback write ignored: VIRTIO_BLK_F_CONFIG_WCE not negotiated"},
		{"capacity", cfgCapacity, make([]byte, 8), wce, "device config write of 8 bytes at 0x0 ignored (read-only)"},
		{"two bytes at writeback", ConfigWritebackOffset, []byte{0, 0}, wce, "device config write of 2 bytes at 0x20 ignored (read-only)"},
	}
	for _, tc := range tests {
		d := testDevice(t, virtq.NewGuestMemory())
		field, err := d.CheckConfigWrite(tc.off, tc.data, tc.negotiated)
		if tc.err != "" {
			assert.EqualError(t, err, tc.err, tc.name)
			continue
		}
		require.NoError(t, err, tc.name)
		assert.Equal(t, "writeback", field)
		d.WriteConfig(tc.off, []byte{0xfe})
		assert.Equal(t, byte(0), d.ReadConfig()[cfgWriteback], "only bit 0 is kept")
	}
}

func TestResizeIsAHostChange(t *testing.T) {
	d := testDevice(t, virtq.NewGuestMemory())
	assert.Equal(t, member.HostChange{What: "capacity unchanged (16)"}, d.HostChange())
	d.disk.(*Disk).Resize(32)
	assert.Equal(t, member.HostChange{Config: true, What: "capacity change to 32"}, d.HostChange())
	assert.Equal(t, uint64(16), binary.LittleEndian.Uint64(d.ReadConfig()), "not shown before it is applied")
	assert.Equal(t, "capacity 16 -> 32", d.ApplyHostChange())
	assert.Equal(t, uint64(32), binary.LittleEndian.Uint64(d.ReadConfig()))
	assert.False(t, d.HostChange().Config)
}

func TestResetDefaults(t *testing.T) {
	d := testDevice(t, virtq.NewGuestMemory())
	d.writeback = 0
	d.disk.(*Disk).Resize(20)
	d.Reset()
	assert.Equal(t, uint64(20), d.capacity, "the disk's capacity now")
	assert.Equal(t, uint8(1), d.writeback)
	noFlush := newDevice(member.Config{Features: spec.Features(1 << spec.FeatureVersion1)}).(*device)
	assert.Equal(t, uint8(0), noFlush.writeback, "writethrough without FLUSH")
	assert.Zero(t, noFlush.capacity, "no Backing: an empty disk of its own")
}

func TestTypeIdentity(t *testing.T) {
	assert.Equal(t, spec.PCIDeviceVirtioBlk, Type.PCIDeviceID())
	assert.Equal(t, "virtio-blk", Type.Name)
}
