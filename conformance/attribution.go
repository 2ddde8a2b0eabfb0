package conformance

import (
	"slices"
	"strings"

	"github.com/migsim/migsim/guest"
)

// What a guest-visible failure of a row's run without migration touches.
// The guest gave up on a command (or a wait ended with requests
// outstanding) in a run with no migration at all: no requirement of the
// admin commands, the migration modes, the context or the device parts
// was exercised by that observation, whatever the row lists. It touches
// the row's requirements of the device's own operation — the PCI
// transport's (PCI-DEV-…) and the device type's (NET-DEV-…), as the
// virtio spec's "Virtio Over PCI Bus" and "Network Device" chapters state
// them — and, of those that bind one control-virtqueue command class
// (ctrlClassReqs), only the classes of the commands the guest gave up on;
// of those about the frames the device receives (frameReqs), none unless
// a wait ended with requests outstanding.

// ctrlClassReqs maps a virtio-net control command class, as the guest
// drivers name their commands ("ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET …"),
// to the requirements about that class (virtio spec, "Network Device",
// "Control Virtqueue": "Packet Receive Filtering", "Setting MAC Address
// Filtering", "VLAN Filtering", "Gratuitous Packet Sending", "Automatic
// receive steering in multiqueue mode"). NET-DEV-07, the filtering a MAC
// table drives, is about received frames (frameReqs), not the command.
var ctrlClassReqs = []struct {
	prefix string
	reqs   []string
}{
	{"ctrl VIRTIO_NET_CTRL_RX_", []string{"NET-DEV-05"}},
	{"ctrl VIRTIO_NET_CTRL_MAC_", []string{"NET-DEV-06"}},
	{"ctrl VIRTIO_NET_CTRL_VLAN_", []string{"NET-DEV-08"}},
	{"ctrl VIRTIO_NET_CTRL_ANNOUNCE_", []string{"NET-DEV-09"}},
	{"ctrl VIRTIO_NET_CTRL_MQ_", []string{"NET-DEV-10"}},
}

// frameReqs are the requirements about the frames a virtio-net device
// passes to the driver (virtio spec, "Network Device": "Device
// Operation", "Setting Up Receive Buffers", "Setting MAC Address
// Filtering"): a command the guest gave up on does not touch them; a wait
// that ended with requests outstanding (guest.Outstanding) may.
var frameReqs = []string{"NET-DEV-02", "NET-DEV-04", "NET-DEV-07"}

// operational reports whether requirement id is about the device's own
// operation, which a run without migration exercises: the PCI
// transport's or the device type's device-side statements.
func operational(id string) bool {
	return strings.HasPrefix(id, "PCI-DEV-") || strings.HasPrefix(id, "NET-DEV-")
}

// commandReqs returns the requirements of ctrlClassReqs about command
// (nil: a command of no class, such as a block request or the probe).
func commandReqs(command string) []string {
	for _, c := range ctrlClassReqs {
		if strings.HasPrefix(command, c.prefix) {
			return c.reqs
		}
	}
	return nil
}

// troubleReqs returns the IDs of ids, a row's requirements in catalog
// order, that the troubles of a run without migration touch: the
// operational ones, leaving out those of a control command class no
// trouble's command belongs to (a command the driver could not send
// because no probe set the device up, guest.Trouble.Unprepared, as after
// a probe the device failed, never reached the device: its class is not
// touched), and those about received frames unless a wait ended with
// requests outstanding. Empty when none is touched: the device fails the
// guest in a way no requirement of the row states.
func troubleReqs(ids []string, ts []guest.Trouble) []string {
	var classes []string
	waited := false
	for _, t := range ts {
		if !t.Unprepared {
			classes = append(classes, commandReqs(t.Command)...)
		}
		waited = waited || t.Kind == guest.Outstanding
	}
	var out []string
	for _, id := range ids {
		switch {
		case !operational(id),
			classReq(id) && !slices.Contains(classes, id),
			slices.Contains(frameReqs, id) && !waited:
			continue
		}
		out = append(out, id)
	}
	return out
}

// classReq reports whether id binds one control command class.
func classReq(id string) bool {
	for _, c := range ctrlClassReqs {
		if slices.Contains(c.reqs, id) {
			return true
		}
	}
	return false
}
