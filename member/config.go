package member

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Config is what a member device is built from. Zero values of NumQueues,
// QueueSizeMax, Features and MSIXVectors take the defaults below.
type Config struct {
	Edition spec.Edition
	Rules   spec.Rules
	// VF is the member's VF number (1-based); RID its routing ID.
	VF  int
	RID pcie.RID
	// BAR0 is the base address of the member's BAR0: memory TLPs carry
	// absolute addresses.
	BAR0 uint64
	// NumQueues is num_queues (default 1).
	NumQueues uint16
	// QueueSizeMax is the largest queue_size the device accepts (default 64).
	QueueSizeMax uint16
	// Features are the features the device offers (default DefaultFeatures).
	Features spec.Features
	// MSIXVectors is the MSI-X table size (default NumQueues + 1).
	MSIXVectors int
	// Mem is the port to guest memory; every DMA goes through it.
	Mem pcie.MemoryPort
	// Disk is the backend, shared by the source and destination worlds.
	Disk *Disk
	// Cfg is the function's configuration space. Nil builds the member's
	// own minimal one (PCIe capability with FLR, PM capability).
	Cfg CfgSpace
}

// Factory builds a member device from its configuration. NewBlk is the
// default; a vendor model or a bug-injecting wrapper is another Factory.
type Factory func(Config) Device

// Defaults of Config.
const (
	DefaultNumQueues    = 1
	DefaultQueueSizeMax = 64
)

// DefaultFeatures are the features the reference virtio-blk offers:
// VERSION_1, RING_RESET and the blk features FLUSH, CONFIG_WCE, BLK_SIZE,
// SEG_MAX and SIZE_MAX. NOTIF_CONFIG_DATA is not offered by default (the
// device accepts both notify encodings anyway; queue_notif_config_data is
// the queue index).
const DefaultFeatures = spec.Features(1<<spec.FeatureVersion1 | 1<<spec.FeatureRingReset |
	1<<spec.FeatureBlkFlush | 1<<spec.FeatureBlkConfigWCE | 1<<spec.FeatureBlkBlkSize |
	1<<spec.FeatureBlkSegMax | 1<<spec.FeatureBlkSizeMax)

// withDefaults fills the zero fields of c.
func (c Config) withDefaults() Config {
	if c.Edition == 0 {
		c.Edition = spec.Virtio14
	}
	if c.Rules == (spec.Rules{}) {
		c.Rules = spec.DefaultRules(c.Edition)
	}
	if c.NumQueues == 0 {
		c.NumQueues = DefaultNumQueues
	}
	if c.QueueSizeMax == 0 {
		c.QueueSizeMax = DefaultQueueSizeMax
	}
	if c.Features == 0 {
		c.Features = DefaultFeatures
	}
	if c.MSIXVectors <= 0 {
		c.MSIXVectors = int(c.NumQueues) + 1
	}
	if c.Disk == nil {
		c.Disk = NewDisk(0, "")
	}
	return c
}
