package net

import (
	"fmt"

	"github.com/migsim/migsim/spec"
)

// CheckFeatures refuses driver features that break the network device's
// feature requirements (virtio spec, "Network Device", "Feature bit
// requirements"; NET-DRV-01): CTRL_RX, CTRL_VLAN, GUEST_ANNOUNCE, MQ and
// CTRL_MAC_ADDR need CTRL_VQ. The core calls it when FEATURES_OK is set.
func (d *device) CheckFeatures(driver spec.Features) error {
	if driver.Has(spec.FeatureNetCtrlVQ) {
		return nil
	}
	for _, f := range spec.NetFeatureNeedsCtrlVQ {
		if driver.Has(f) {
			return fmt.Errorf("%s without VIRTIO_NET_F_CTRL_VQ", spec.NetFeatureName(f))
		}
	}
	return nil
}
