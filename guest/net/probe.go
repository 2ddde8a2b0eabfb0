package net

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// ProbePoint is a point inside the probe where a scenario may cut it in two
// (`probe until=POINT`, later `probe from=POINT`), so a migration can land
// exactly between a register write and the access after it, or with a
// control command in flight (docs/net.md, "The guest driver").
type ProbePoint uint8

// Probe points, in probe order.
const (
	// ProbeStart is the beginning (from=start, the default).
	ProbeStart ProbePoint = iota
	// ProbeDriver is right after the ACKNOWLEDGE|DRIVER status write,
	// before the driver reads the device's features.
	ProbeDriver
	// ProbeFeaturesOK is right after the FEATURES_OK write, before the
	// driver reads device_status back (virtio_features_ok).
	ProbeFeaturesOK
	// ProbePair1 is right after pair 1's transmitq queue_enable write;
	// ProbePair1+k-1 is the same for pair k (up to MaxPairs), before the
	// next pair's or the control queue's set-up.
	ProbePair1
	// ProbeQueueEnable is right after the last queue_enable write (the
	// control queue's with CTRL_VQ), before DRIVER_OK.
	ProbeQueueEnable = ProbePair1 + MaxPairs
	// ProbeDriverOK is right after the DRIVER_OK write, before the
	// receive queues are filled.
	ProbeDriverOK = ProbeQueueEnable + 1
	// ProbeMQ is right after VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET is posted and
	// kicked, before the driver waits for its ack (with one pair in use
	// there is no command, and the point is the end).
	ProbeMQ = ProbeDriverOK + 1
	// ProbeEnd is the end (until=end, the default).
	ProbeEnd = ProbeMQ + 1
)

// probePoints names the probe points as the scenario language spells them,
// in ProbePoint order.
var probePoints = func() []string {
	names := []string{"start", "driver", "features-ok"}
	for k := 1; k <= MaxPairs; k++ {
		names = append(names, fmt.Sprintf("pair-%d", k))
	}
	return append(names, "queue-enable", "driver-ok", "mq", "end")
}()

// probePoint returns the point a name from probePoints names.
func probePoint(name string) ProbePoint {
	for i, n := range probePoints {
		if n == name {
			return ProbePoint(i)
		}
	}
	return ProbeEnd
}

// probeArgs are probe's from= and until=.
var probeArgs = []scenario.ArgSpec{
	{Name: "from", Kind: scenario.ArgWord, Values: probePoints[:ProbeEnd], Default: "start",
		Doc: "where to start: start, or the point an earlier probe until= stopped at"},
	{Name: "until", Kind: scenario.ArgWord, Values: probePoints[1:], Default: "end",
		Doc: "where to stop: driver (after the DRIVER status write), features-ok (after the FEATURES_OK write), " +
			"pair-K (after pair K's transmitq queue_enable write), queue-enable (after the last queue_enable write), " +
			"driver-ok (after the DRIVER_OK write), mq (after VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET is kicked) or end"},
}

// checkProbe refuses a pair-K point beyond the pairs the scenario's queues
// give the driver: queues Q are Q/2 pairs (2N+1: N pairs and the control
// queue; 2N: N pairs).
func checkProbe(v scenario.Values, ctx scenario.Context) string {
	if ctx.Queues == 0 {
		return ""
	}
	pairs := ctx.Queues / 2
	for _, key := range []string{"from", "until"} {
		p := probePoint(v.Str(key))
		if p >= ProbePair1 && p < ProbeQueueEnable && int(p-ProbePair1) >= pairs {
			return fmt.Sprintf("%s=%s: the scenario's queues %d give the driver at most %d queue pairs (pair-1..pair-%d)",
				key, v.Str(key), ctx.Queues, pairs, pairs)
		}
	}
	return ""
}

// probeState is what a probe cut at a point keeps for the part that goes
// on from it: the features acked (before the read-back sets features),
// num_queues as read, and whether the MQ command was posted.
type probeState struct {
	acked     spec.Features
	numQueues uint16
	mqPosted  bool
}

// Probe initialises the device as virtnet_probe does: MSI-X, reset,
// ACKNOWLEDGE, DRIVER, features, FEATURES_OK (read back), the
// configuration, every queue pair the memory plan has rings for and the
// control queue, DRIVER_OK, receive buffers, then VIRTIO_NET_CTRL_MQ for
// the pairs in use (virtnet_set_queues).
func (g *Driver) Probe() { g.ProbePart(ProbeStart, ProbeEnd) }

// ProbePart runs the probe from one point to another (Probe runs all of
// it). A part that starts past ProbeStart continues a probe an earlier part
// cut at that point.
func (g *Driver) ProbePart(from, until ProbePoint) {
	if from < ProbeDriver && !g.probeStart() {
		return
	}
	if until <= ProbeDriver {
		return
	}
	if from < ProbeFeaturesOK {
		g.negotiate()
	}
	if until <= ProbeFeaturesOK {
		return
	}
	if from < ProbePair1 && !g.probeConfig() {
		return
	}
	if from < ProbeQueueEnable {
		first := 0
		if from >= ProbePair1 {
			first = int(from-ProbePair1) + 1
		}
		if !g.setupQueues(first, until) {
			return
		}
	}
	if until <= ProbeQueueEnable {
		return
	}
	st := spec.StatusAcknowledge | spec.StatusDriver | spec.StatusFeaturesOK
	if from < ProbeDriverOK {
		g.w8(spec.CfgDeviceStatus, uint8(st|spec.StatusDriverOK))
	}
	if until <= ProbeDriverOK {
		return
	}
	if from < ProbeMQ {
		for _, q := range g.order {
			if g.queues[q].kind == 'r' {
				g.refill(g.queues[q])
			}
		}
		g.logf("probe: DRIVER_OK mac=%s mtu=%d max-pairs=%d link=%s", macString(g.mac), g.mtu, g.maxPairs, linkString(g.status))
		g.probe.mqPosted = g.features.Has(spec.FeatureNetMQ) && g.pairs > 1 &&
			g.command(spec.NetMQVQPairsSet, binary.LittleEndian.AppendUint16(nil, g.pairs), false)
	}
	if until <= ProbeMQ {
		return
	}
	if g.probe.mqPosted {
		g.probe.mqPosted = false
		g.Wait()
	}
}

// probeStart runs the probe up to the DRIVER status write: bus mastering,
// every MSI-X vector, reset, ACKNOWLEDGE, DRIVER; false when the reset
// failed.
func (g *Driver) probeStart() bool {
	g.findCaps()
	g.bus.CfgWrite(0x04, 2, 0x0006)
	// Every vector of the table (Message Control, Table Size): queue q
	// uses vector q+1, and the control queue's index follows
	// max_virtqueue_pairs, not the plan.
	vectors := len(g.plan.Rings) + 1
	if g.msixCap != 0 {
		vectors = int(g.bus.CfgRead(g.msixCap+2, 2)&0x7ff) + 1
	}
	for v := 0; v < vectors && v < pcie.MaxMSIXVectors; v++ {
		base := g.bus.BAR0() + pcie.BAR0MSIXTable + uint64(v*pcie.MSIXEntrySize)
		for i, dw := range []uint32{uint32(guest.MSIXAddr), uint32(uint64(guest.MSIXAddr) >> 32), guest.MSIXDataBase + uint32(v), 0} {
			g.bus.MMIOWrite(base+uint64(4*i), binary.LittleEndian.AppendUint32(nil, dw))
		}
	}
	if g.msixCap != 0 {
		g.bus.CfgWrite(g.msixCap+2, 2, 0x8000)
	}
	if !g.reset() {
		return false
	}
	g.w8(spec.CfgDeviceStatus, uint8(spec.StatusAcknowledge))
	g.w8(spec.CfgDeviceStatus, uint8(spec.StatusAcknowledge|spec.StatusDriver))
	return true
}

// negotiate reads the device's features, writes the driver's and sets
// FEATURES_OK.
func (g *Driver) negotiate() {
	var offered uint64
	for sel := uint32(0); sel < 2; sel++ {
		g.w32(spec.CfgDeviceFeatureSelect, sel)
		offered |= uint64(g.r32(spec.CfgDeviceFeature)) << (32 * sel)
	}
	acked := spec.Features(offered) & Wanted
	if !acked.Has(spec.FeatureNetCtrlVQ) {
		// virtnet_validate_feature: the control-queue features need CTRL_VQ.
		for _, f := range spec.NetFeatureNeedsCtrlVQ {
			acked &^= spec.Features(f.Mask())
		}
	}
	for sel := uint32(0); sel < 2; sel++ {
		g.w32(spec.CfgDriverFeatureSelect, sel)
		g.w32(spec.CfgDriverFeature, uint32(uint64(acked)>>(32*sel)))
	}
	g.probe.acked = acked
	g.w8(spec.CfgDeviceStatus, uint8(spec.StatusAcknowledge|spec.StatusDriver|spec.StatusFeaturesOK))
}

// probeConfig reads device_status back after the FEATURES_OK write, as
// virtio_features_ok does (false, and the probe fails, when the bit is
// clear), then reads the configuration and sets the config vector.
func (g *Driver) probeConfig() bool {
	acked := g.probe.acked
	if spec.DeviceStatus(g.r8(spec.CfgDeviceStatus))&spec.StatusFeaturesOK == 0 {
		g.fail("probe: device refused FEATURES_OK for %s", spec.NetFeaturesString(acked))
		return false
	}
	g.features = acked
	g.logf("probe: features %s", spec.NetFeaturesString(acked))
	g.readConfig()
	g.w16(spec.CfgConfigMSIXVector, 0)
	if g.r16(spec.CfgConfigMSIXVector) != 0 {
		g.fail("probe: config vector not accepted")
		return false
	}
	return true
}

// setupQueues sets up the pairs the plan has rings for (at most
// max_virtqueue_pairs) from pair first (0-based) on, and then the control
// queue at 2·max_virtqueue_pairs, each on the next ring region of the
// plan. It returns false when the driver gave up, or stopped after pair K
// because until is pair-K.
func (g *Driver) setupQueues(first int, until ProbePoint) bool {
	ctl := g.features.Has(spec.FeatureNetCtrlVQ)
	if first == 0 {
		rings := len(g.plan.Rings)
		if ctl {
			rings--
		}
		g.pairs = min(g.maxPairs, uint16(max(rings/2, 0)))
		if g.pairs == 0 {
			g.fail("probe: %d ring regions are not enough for a queue pair", len(g.plan.Rings))
			return false
		}
		g.probe.numQueues = g.r16(spec.CfgNumQueues)
	}
	nq := g.probe.numQueues
	if until >= ProbePair1 && until < ProbeQueueEnable && int(until-ProbePair1) >= int(g.pairs) {
		g.fail("probe: until=%s: the driver sets up %d queue pairs", probePoints[until], g.pairs)
		return false
	}
	for p := uint16(first); p < g.pairs; p++ {
		for i, k := range []byte{'r', 't'} {
			if !g.setupQueue(2*p+uint16(i), k, 2*int(p)+i, nq) {
				return false
			}
		}
		if until == ProbePair1+ProbePoint(p) {
			return false
		}
	}
	if ctl {
		g.ctrl = 2 * g.maxPairs
		if !g.setupQueue(g.ctrl, 'c', 2*int(g.pairs), nq) {
			return false
		}
		g.hasCtl = true
	}
	return true
}
