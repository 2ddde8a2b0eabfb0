package conformance

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
)

// TestDeviceErrorOf: a finding shows an external device's error when the
// engine marked its panic (engine.Finding.DeviceError), whatever its
// message says: an unmarked panic, or another oracle's finding whose
// message quotes a device's words, is not the device's and charges as
// any finding does; the kit's line limit is marked but is no finding of
// the device (ShowsDeviceError), and charges nothing either.
func TestDeviceErrorOf(t *testing.T) {
	fault := extdevice.ErrorPrefix + "device fault: ./dev: event 3 for device 1 (vf 1): a read outside guest memory"
	protocol := extdevice.ErrorPrefix + "protocol: ./dev: event 3 for device 1 (vf 1): no reply within 5s"
	for _, tc := range []struct {
		name          string
		fd            *engine.Finding
		kind          string
		shows, charge bool
	}{
		{"no finding", nil, "", false, false},
		{"a marked fault", &engine.Finding{Oracle: engine.OraclePanic, Message: fault, DeviceError: extdevice.KindFault}, extdevice.KindFault, true, false},
		{"a marked protocol error", &engine.Finding{Oracle: engine.OraclePanic, Message: protocol, DeviceError: extdevice.KindProtocol}, extdevice.KindProtocol, true, false},
		{"a marked protocol error, reworded", &engine.Finding{Oracle: engine.OraclePanic, Message: "the device said nothing", DeviceError: extdevice.KindProtocol}, extdevice.KindProtocol, true, false},
		{"the kit's limit", &engine.Finding{Oracle: engine.OraclePanic, Message: extdevice.ErrorPrefix + "kit limit: x", DeviceError: extdevice.KindLimit}, extdevice.KindLimit, false, false},
		{"an unmarked panic with a fault's text", &engine.Finding{Oracle: engine.OraclePanic, Message: fault}, "", false, true},
		{"an unmarked panic with a protocol error's text", &engine.Finding{Oracle: engine.OraclePanic, Message: protocol}, "", false, true},
		{"an oracle quoting a device's fault", &engine.Finding{Oracle: oracle.Transparent.Info().Name, Message: "the guest read " + fault}, "", false, true},
	} {
		assert.Equal(t, tc.kind, deviceErrorOf(tc.fd), tc.name)
		assert.Equal(t, tc.shows, ShowsDeviceError(tc.fd), "%s: shows the device's error", tc.name)
		if tc.fd != nil {
			assert.Equal(t, tc.charge, charges(tc.fd), "%s: charges", tc.name)
		}
	}
}
