// Package exercised tells whether a catalog row's run exercised what a
// requirement needs of the device: the features the guest driver
// negotiated, read from the guest's log of the row's run (what the host
// observes), never from the device's report about itself.
//
// A requirement about the control virtqueue, say, is judged by a row only
// when the device offered VIRTIO_NET_F_CTRL_VQ and the driver negotiated
// it (virtio spec, "Network Device", "Feature bits"); without it the
// guest's commands never reached the device and the row passes for want
// of anything to check.
//
// The same run shows what went wrong for the guest (Run.WentWrong): a
// device that fails a command in every run, with or without migration,
// gives the migrated run the same log, which the transparency oracle
// accepts, but the guest saw the failure. The gave-up oracle judges it in
// the migrated run; the kit judges the run without migration with the
// same function (oracle.DeviceTrouble), so that a command needing a
// feature the run did not negotiate is excused alike.
package exercised

import (
	"strings"

	"github.com/migsim/migsim/spec"
)

// ProbeFeaturesPrefix starts the guest drivers' log line that lists the
// negotiated features (guest/net and guest/blk, probe), after the actor's
// "name: " prefix.
const ProbeFeaturesPrefix = "probe: features "

// needs lists, per requirement, the device features a row's run must have
// negotiated to exercise it (virtio spec, "Network Device": "Device
// configuration layout" for STATUS, "Control Virtqueue" and its
// subsections for the commands, "Device parts" for the CVQ parts).
var needs = map[string][]spec.Feature{
	"NET-DEV-03":  {spec.FeatureNetStatus},
	"NET-DEV-05":  {spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlRx},
	"NET-DEV-06":  {spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlRx},
	"NET-DEV-07":  {spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlRx},
	"NET-DEV-08":  {spec.FeatureNetCtrlVQ, spec.FeatureNetCtrlVLAN},
	"NET-DEV-09":  {spec.FeatureNetCtrlVQ, spec.FeatureNetGuestAnnounce},
	"NET-DEV-10":  {spec.FeatureNetCtrlVQ, spec.FeatureNetMQ},
	"NET-DRV-02":  {spec.FeatureNetCtrlVQ, spec.FeatureNetMQ},
	"NET-DRV-03":  {spec.FeatureNetCtrlVQ, spec.FeatureNetGuestAnnounce},
	"NET-PART-01": {spec.FeatureNetCtrlVQ},
	"NET-PART-02": {spec.FeatureNetCtrlVQ},
	"NET-PART-03": {spec.FeatureNetCtrlVQ},
}

// Needs returns the features requirement id needs negotiated, in table
// order (nil when it needs none).
func Needs(id string) []spec.Feature { return needs[id] }

// Negotiated reads the features the guest drivers negotiated from a guest
// log (world.World.GuestLog, catalog.Target.Reference): the features
// common to every probe line, so that a feature one driver went without
// counts as not negotiated. ok is false when no driver probed.
func Negotiated(dev uint16, log []string) (fs spec.Features, ok bool) {
	names := featureBits(dev)
	for _, l := range log {
		i := strings.Index(l, ProbeFeaturesPrefix)
		if i < 0 {
			continue
		}
		var got spec.Features
		for _, n := range strings.Split(l[i+len(ProbeFeaturesPrefix):], "|") {
			if b, known := names[strings.TrimSpace(n)]; known {
				got |= spec.Features(b.Mask())
			}
		}
		if !ok {
			fs, ok = got, true
		} else {
			fs &= got
		}
	}
	return fs, ok
}

// featureBits maps the names of device dev's feature bits (as
// spec.DeviceFeatureName renders them) to the bits.
func featureBits(dev uint16) map[string]spec.Feature {
	m := map[string]spec.Feature{}
	for b := 0; b < 64; b++ {
		m[spec.DeviceFeatureName(dev, b)] = spec.Feature(b)
	}
	return m
}

// Why says why a run that negotiated fs did not exercise requirement id
// of a device dev ("the run did not negotiate VIRTIO_NET_F_CTRL_VQ": the
// device did not offer it, or the driver had to refuse it), or "" when it
// did.
func Why(dev uint16, id string, fs spec.Features) string {
	var missing []string
	for _, f := range needs[id] {
		if !fs.Has(f) {
			missing = append(missing, spec.DeviceFeatureName(dev, int(f)))
		}
	}
	if len(missing) == 0 {
		return ""
	}
	return "the run did not negotiate " + strings.Join(missing, ", ")
}
