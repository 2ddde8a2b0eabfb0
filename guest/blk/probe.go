package blk

import (
	"encoding/binary"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// ProbePoint is a point inside the probe where a scenario may cut it in two
// (`probe until=POINT`, later `probe from=POINT`), so a migration can land
// exactly between a register write and the access after it.
type ProbePoint uint8

// Probe points, in probe order.
const (
	// ProbeStart is the beginning (from=start, the default).
	ProbeStart ProbePoint = iota
	// ProbeFeaturesOK is right after the FEATURES_OK write, before the
	// driver reads device_status back (virtio_features_ok).
	ProbeFeaturesOK
	// ProbeQueueEnable is right after the last queue's queue_enable write,
	// before DRIVER_OK.
	ProbeQueueEnable
	// ProbeEnd is the end (until=end, the default).
	ProbeEnd
)

// probePoints names the probe points as the scenario language spells them.
var probePoints = []string{"start", "features-ok", "queue-enable", "end"}

// probePoint returns the point a name from probePoints names.
func probePoint(name string) ProbePoint {
	for i, n := range probePoints {
		if n == name {
			return ProbePoint(i)
		}
	}
	return ProbeEnd
}

// probeStatus is device_status once features are being negotiated.
const probeStatus = spec.StatusAcknowledge | spec.StatusDriver | spec.StatusFeaturesOK

// Probe initialises the device as Linux does: enable memory and bus
// mastering, program and enable MSI-X, reset, ACKNOWLEDGE, DRIVER, feature
// negotiation, FEATURES_OK (read back), queue setup, DRIVER_OK.
func (g *Driver) Probe() { g.ProbePart(ProbeStart, ProbeEnd) }

// ProbePart runs the probe from one point to another (Probe runs all of
// it). A part that starts past ProbeStart continues a probe an earlier part
// cut at that point.
func (g *Driver) ProbePart(from, until ProbePoint) {
	if from < ProbeFeaturesOK && !g.negotiate() {
		return
	}
	if until <= ProbeFeaturesOK {
		return
	}
	if from < ProbeQueueEnable && (!g.featuresOK() || !g.setupQueues()) {
		return
	}
	if until <= ProbeQueueEnable {
		return
	}
	g.w8(spec.CfgDeviceStatus, uint8(probeStatus|spec.StatusDriverOK))
	g.capacity = g.readCapacity()
	g.logUint("probe: DRIVER_OK capacity=", g.capacity)
}

// negotiate runs the probe up to the FEATURES_OK write; false when the
// driver gave up.
func (g *Driver) negotiate() bool {
	g.findCaps()
	g.bus.CfgWrite(0x04, 2, 0x0006) // Command: memory space, bus master
	vectors := 1 + g.wantQueues
	for v := 0; v < vectors; v++ {
		// Linux's __pci_write_msi_msg: address low, address high, data, then
		// the vector control word (unmask), each a 32-bit write.
		base := g.bus.BAR0() + pcie.BAR0MSIXTable + uint64(v*pcie.MSIXEntrySize)
		for i, dw := range []uint32{uint32(guest.MSIXAddr), uint32(uint64(guest.MSIXAddr) >> 32), guest.MSIXDataBase + uint32(v), 0} {
			g.bus.MMIOWrite(base+uint64(4*i), binary.LittleEndian.AppendUint32(nil, dw))
		}
	}
	if g.msixCap != 0 {
		g.bus.CfgWrite(g.msixCap+2, 2, 0x8000) // MSI-X Enable
	}
	if !g.reset() {
		return false
	}
	g.w8(spec.CfgDeviceStatus, uint8(spec.StatusAcknowledge))
	g.w8(spec.CfgDeviceStatus, uint8(spec.StatusAcknowledge|spec.StatusDriver))
	var offered uint64
	for sel := uint32(0); sel < 2; sel++ {
		g.w32(spec.CfgDeviceFeatureSelect, sel)
		offered |= uint64(g.r32(spec.CfgDeviceFeature)) << (32 * sel)
	}
	want := spec.FeatureVersion1.Mask() | spec.FeatureBlkFlush.Mask() | spec.FeatureBlkConfigWCE.Mask() |
		spec.FeatureBlkBlkSize.Mask() | spec.FeatureBlkSegMax.Mask() | spec.FeatureBlkSizeMax.Mask() |
		spec.FeatureRingReset.Mask() | spec.FeatureNotifConfigData.Mask()
	g.acked = offered & want
	for sel := uint32(0); sel < 2; sel++ {
		g.w32(spec.CfgDriverFeatureSelect, sel)
		g.w32(spec.CfgDriverFeature, uint32(g.acked>>(32*sel)))
	}
	g.w8(spec.CfgDeviceStatus, uint8(probeStatus))
	return true
}

// featuresOK reads device_status back after the FEATURES_OK write, as
// virtio_features_ok does; false (and the probe fails) when the bit is
// clear.
func (g *Driver) featuresOK() bool {
	if spec.DeviceStatus(g.r8(spec.CfgDeviceStatus))&spec.StatusFeaturesOK == 0 {
		g.fail("probe: device refused FEATURES_OK for %s", spec.Features(g.acked))
		return false
	}
	g.features = spec.Features(g.acked)
	g.log = append(g.log, "probe: features "+g.features.String())
	return true
}

// setupQueues sets the config vector and every queue up; false when the
// driver gave up.
func (g *Driver) setupQueues() bool {
	g.w16(spec.CfgConfigMSIXVector, 0)
	if g.r16(spec.CfgConfigMSIXVector) != 0 {
		g.fail("probe: config vector not accepted")
		return false
	}
	nq := int(g.r16(spec.CfgNumQueues))
	if nq < g.wantQueues {
		g.fail("probe: device has %d queues, want %d", nq, g.wantQueues)
		return false
	}
	g.queues = g.queues[:0]
	for q := 0; q < g.wantQueues; q++ {
		if !g.setupQueue(uint16(q)) {
			return false
		}
	}
	return true
}
