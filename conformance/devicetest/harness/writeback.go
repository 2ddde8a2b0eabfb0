package harness

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Writeback reads writeback, the byte of virtio_blk_config a driver writes
// to choose the cache mode, for a test that writes it. A device that does
// not offer VIRTIO_BLK_F_CONFIG_WCE skips the test: the field is writable
// only when the driver negotiated that feature (virtio spec, "Block
// Device", "Device configuration layout" and "Device Initialization"), so
// no driver writes it and the device may keep it read-only; the test
// would judge a write the device is free to ignore. It is for set-up only,
// before the test judges anything (Check.Skipf).
func (g *Rig) Writeback() byte {
	if !spec.Features(g.Offered()).Has(spec.FeatureBlkConfigWCE) {
		g.Check.Skipf("the device does not offer %s: writeback is writable only with it, so no device-configuration write can be judged",
			spec.FeatureBlkConfigWCE)
	}
	return g.Read(pcie.BAR0DeviceCfg+BlkCfgWriteback, 1)[0]
}

// WritebackFlipped is the other cache mode than wb (0 writethrough, 1
// writeback; any other value reads as writeback): the value a test writes
// so that the write changes the field whatever the device started with (a
// device with CONFIG_WCE and no FLUSH starts with 0, the reference with 1).
func WritebackFlipped(wb byte) byte {
	if wb == 0 {
		return 1
	}
	return 0
}
