package exercised

import (
	"strconv"
	"strings"

	"github.com/migsim/migsim/spec"
)

// FailPrefix starts the guest drivers' log line that gives up on a
// command (guest/blk and guest/net, Driver.fail), after the actor's
// "name: " prefix: "vcpu0: FAIL ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET: ack 1".
const FailPrefix = "FAIL "

// GaveUp is a command a guest driver gave up on: what the driver was
// doing (the failure's text up to its first ": ", such as
// "ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET" or "write sector=8") and the whole
// log line.
type GaveUp struct {
	Command string
	Line    string
}

// GaveUpOn lists the commands the guest drivers of a log gave up on (its
// FailPrefix lines, in log order), but those that need a device feature
// the run did not negotiate (fs, from Negotiated; CommandNeeds): a driver
// that tries such a command fails it whatever the device does, so that
// failure says nothing of the device. dev is the device ID of the log's
// devices.
func GaveUpOn(dev uint16, log []string, fs spec.Features) []GaveUp {
	var out []GaveUp
	for _, l := range log {
		msg, ok := strings.CutPrefix(l, FailPrefix)
		if !ok { // after the actor's "name: "
			_, rest, _ := strings.Cut(l, ": ")
			if msg, ok = strings.CutPrefix(rest, FailPrefix); !ok {
				continue
			}
		}
		cmd, _, _ := strings.Cut(msg, ": ")
		excused := false
		for _, f := range CommandNeeds(dev, msg) {
			excused = excused || !fs.Has(f)
		}
		if !excused {
			out = append(out, GaveUp{Command: cmd, Line: l})
		}
	}
	return out
}

// CommandNeeds returns the device features the command of a guest
// driver's failure (msg: the line after FailPrefix) needs negotiated, nil
// when it needs none or the failure is not one of these:
//
//   - virtio-net (guest/net): a control command ("ctrl NAME: …", post and
//     acked) needs VIRTIO_NET_F_CTRL_VQ and its class's feature (virtio
//     spec, "Network Device", "Control Virtqueue": "Packet Receive
//     Filtering" and "Setting MAC Address Filtering" VIRTIO_NET_F_CTRL_RX,
//     the extra receive modes VIRTIO_NET_F_CTRL_RX_EXTRA, "Setting MAC
//     Address" VIRTIO_NET_F_CTRL_MAC_ADDR, "VLAN Filtering"
//     VIRTIO_NET_F_CTRL_VLAN, "Gratuitous Packet Sending"
//     VIRTIO_NET_F_GUEST_ANNOUNCE, "Device operation in multiqueue mode"
//     VIRTIO_NET_F_MQ); setting the queue pairs ("mq: …", SetPairs), and
//     transmitting on or kicking a pair other than the first ("tx: pair N
//     …", "kick: pair N …"), which only MQ brings into use, need
//     VIRTIO_NET_F_CTRL_VQ and VIRTIO_NET_F_MQ.
//   - virtio-blk (guest/blk): setting the write-cache mode ("wce: …")
//     needs VIRTIO_BLK_F_CONFIG_WCE (virtio spec, "Block Device", "Feature
//     bits").
func CommandNeeds(dev uint16, msg string) []spec.Feature {
	if dev == spec.VirtioDeviceIDBlk {
		if strings.HasPrefix(msg, "wce: ") {
			return []spec.Feature{spec.FeatureBlkConfigWCE}
		}
		return nil
	}
	if dev != spec.VirtioDeviceIDNet {
		return nil
	}
	mq := []spec.Feature{spec.FeatureNetCtrlVQ, spec.FeatureNetMQ}
	switch {
	case strings.HasPrefix(msg, "ctrl "):
		name, _, _ := strings.Cut(strings.TrimPrefix(msg, "ctrl "), ":")
		name, _, _ = strings.Cut(name, " ") // the command's data follows its name
		if f, ok := ctrlFeature[name]; ok {
			return []spec.Feature{spec.FeatureNetCtrlVQ, f}
		}
		return []spec.Feature{spec.FeatureNetCtrlVQ}
	case strings.HasPrefix(msg, "mq: "):
		return mq
	case strings.HasPrefix(msg, "tx: pair "), strings.HasPrefix(msg, "kick: pair "):
		_, rest, _ := strings.Cut(msg, "pair ")
		n, _, _ := strings.Cut(rest, " ")
		if p, err := strconv.Atoi(n); err == nil && p > 0 {
			return mq
		}
	}
	return nil
}

// ctrlFeature maps a control command's name (spec.NetCVQCommand.String)
// to the feature of its class (virtio spec, "Network Device", "Control
// Virtqueue").
var ctrlFeature = func() map[string]spec.Feature {
	m := map[string]spec.Feature{}
	for f, cmds := range map[spec.Feature][]spec.NetCVQCommand{
		spec.FeatureNetCtrlRx:        {spec.NetRxPromisc, spec.NetRxAllMulti, spec.NetMACTableSet},
		spec.FeatureNetCtrlRxExtra:   {spec.NetRxAllUni, spec.NetRxNoMulti, spec.NetRxNoUni, spec.NetRxNoBcast},
		spec.FeatureNetCtrlMACAddr:   {spec.NetMACAddrSet},
		spec.FeatureNetCtrlVLAN:      {spec.NetVLANAdd, spec.NetVLANDel},
		spec.FeatureNetGuestAnnounce: {spec.NetAnnounceAck},
		spec.FeatureNetMQ:            {spec.NetMQVQPairsSet},
	} {
		for _, c := range cmds {
			m[c.String()] = f
		}
	}
	return m
}()
