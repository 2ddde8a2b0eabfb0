package blk

import (
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// DefaultFeatures are the features the reference virtio-blk offers:
// VERSION_1, RING_RESET and the blk features FLUSH, CONFIG_WCE, BLK_SIZE,
// SEG_MAX and SIZE_MAX. NOTIF_CONFIG_DATA is not offered by default (the
// core accepts both notify encodings anyway; queue_notif_config_data is
// the queue index).
const DefaultFeatures = spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureRingReset |
	1<<spec.FeatureBlkFlush | 1<<spec.FeatureBlkConfigWCE | 1<<spec.FeatureBlkBlkSize |
	1<<spec.FeatureBlkSegMax | 1<<spec.FeatureBlkSizeMax)

// Type is the virtio-blk device type (virtio device ID 2, PCI 1AF4:1042).
var Type = member.DeviceType{
	Name:       "virtio-blk",
	DeviceID:   spec.VirtioDeviceIDBlk,
	Features:   DefaultFeatures,
	ConfigLen:  configLen,
	NewBackend: newDevice,
}

// Storage is the disk a virtio-blk device serves: the in-memory *Disk the
// source and destination worlds share, or a disk reached through another
// channel (an external device reaches the kit's disk through its protocol,
// package conformance/extdevice). Read and Write take whole sectors.
type Storage interface {
	Capacity() uint64
	Serial() string
	Read(sector uint64, n int) ([]byte, error)
	Write(sector uint64, data []byte) error
	Flush()
}

var _ Storage = (*Disk)(nil)

// New builds a virtio-blk member device: the virtio core with the blk
// backend. It is a member.Factory and the default one. c.Backing is the
// Storage (normally the *Disk) shared by the source and destination worlds;
// nil (or anything that is not a Storage) gives the device an empty disk of
// capacity 0 of its own, on which every IN and OUT fails with IOERR.
func New(c member.Config) member.Device { return member.NewCore(c, Type) }

var _ member.Factory = New

// device is the blk backend: the disk it serves and the device state a
// reset restores and a context carries (capacity, writeback).
type device struct {
	mem  pcie.MemoryPort
	rid  pcie.RID
	disk Storage
	// features are the offered features; queueSizeMax and numQueues
	// derive seg_max and num_queues of virtio_blk_config.
	features     spec.Features
	queueSizeMax uint16
	numQueues    uint16

	// capacity is the capacity the device configuration shows (a resize
	// reaches it through a host change); writeback the cache mode.
	capacity  uint64
	writeback uint8
}

// newDevice is Type.NewBackend.
func newDevice(c member.Config) member.Backend {
	disk, _ := c.Backing.(Storage)
	if d, ok := disk.(*Disk); disk == nil || (ok && d == nil) {
		disk = NewDisk(0, "")
	}
	d := &device{mem: c.Mem, rid: c.RID, disk: disk, features: c.Features,
		queueSizeMax: c.QueueSizeMax, numQueues: c.NumQueues}
	d.Reset()
	return d
}

// Reset restores the defaults: the disk's capacity now, writeback on when
// FLUSH is offered.
func (d *device) Reset() {
	d.capacity = d.disk.Capacity()
	d.writeback = 0
	if d.features.Has(spec.FeatureBlkFlush) {
		d.writeback = 1
	}
}

// Clone copies the device state; the disk is shared.
func (d *device) Clone() member.Backend {
	c := *d
	return &c
}
