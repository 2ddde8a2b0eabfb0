package blk

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Offsets in struct virtio_blk_config (virtio spec, "Device configuration
// layout" of the block device).
const (
	cfgCapacity  = 0
	cfgSizeMax   = 8
	cfgSegMax    = 12
	cfgBlkSize   = 20
	cfgWriteback = 32
	cfgNumQueues = 34
	// configLen is the part of virtio_blk_config the device exposes (up to
	// num_queues).
	configLen = 36
	// sizeMax is size_max, the largest segment in bytes.
	sizeMax = 1 << 16
)

// ConfigWritebackOffset is the offset of writeback in virtio_blk_config,
// the one field a driver may write (with VIRTIO_BLK_F_CONFIG_WCE).
const ConfigWritebackOffset = cfgWriteback

// errWCENotNegotiated refuses a writeback write without CONFIG_WCE.
var errWCENotNegotiated = errors.New("writeback write ignored: VIRTIO_BLK_F_CONFIG_WCE not negotiated")

// ReadConfig returns virtio_blk_config as the driver reads it.
func (d *device) ReadConfig() []byte {
	c := make([]byte, configLen)
	binary.LittleEndian.PutUint64(c[cfgCapacity:], d.capacity)
	binary.LittleEndian.PutUint32(c[cfgSizeMax:], sizeMax)
	binary.LittleEndian.PutUint32(c[cfgSegMax:], uint32(max(int(d.queueSizeMax)-2, 1)))
	binary.LittleEndian.PutUint32(c[cfgBlkSize:], SectorSize)
	c[cfgWriteback] = d.writeback
	binary.LittleEndian.PutUint16(c[cfgNumQueues:], d.numQueues)
	return c
}

// CheckConfigWrite accepts a one-byte write of writeback when
// VIRTIO_BLK_F_CONFIG_WCE is negotiated; every other field is read-only.
func (d *device) CheckConfigWrite(off uint64, data []byte, negotiated spec.Features) (string, error) {
	if off != cfgWriteback || len(data) != 1 {
		return "", fmt.Errorf("device config write of %d bytes at %#x ignored (read-only)", len(data), off)
	}
	if !negotiated.Has(spec.FeatureBlkConfigWCE) {
		return "", errWCENotNegotiated
	}
	return "writeback", nil
}

// WriteConfig sets writeback (0 writethrough, 1 writeback).
func (d *device) WriteConfig(_ uint64, data []byte) { d.writeback = data[0] & 1 }

// HostChange compares the disk's capacity with the one the device shows.
func (d *device) HostChange() member.HostChange {
	c := d.disk.Capacity()
	if c == d.capacity {
		return member.HostChange{What: fmt.Sprintf("capacity unchanged (%d)", c)}
	}
	return member.HostChange{Config: true, What: fmt.Sprintf("capacity change to %d", c)}
}

// ApplyHostChange shows the disk's capacity.
func (d *device) ApplyHostChange() string {
	c := d.disk.Capacity()
	note := fmt.Sprintf("capacity %d -> %d", d.capacity, c)
	d.capacity = c
	return note
}
