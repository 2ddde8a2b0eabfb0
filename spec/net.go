package spec

import (
	"fmt"
	"math/bits"
	"sync/atomic"
)

// Network device feature bits (virtio spec, "Network Device", "Feature
// bits"). They are device-specific: the same numbers mean other things for
// other device types, so Feature.String does not name them (a virtio-blk
// trace would otherwise print VIRTIO_NET_F_STATUS for its bit 16);
// NetFeatureName does.
const (
	FeatureNetMTU           Feature = 3
	FeatureNetMAC           Feature = 5
	FeatureNetMrgRxBuf      Feature = 15
	FeatureNetStatus        Feature = 16
	FeatureNetCtrlVQ        Feature = 17
	FeatureNetCtrlRx        Feature = 18
	FeatureNetCtrlVLAN      Feature = 19
	FeatureNetCtrlRxExtra   Feature = 20
	FeatureNetGuestAnnounce Feature = 21
	FeatureNetMQ            Feature = 22
	FeatureNetCtrlMACAddr   Feature = 23
)

// netFeatureNames names the network device's feature bits (virtio spec,
// "Network Device", "Feature bits"), those the model uses and the others.
var netFeatureNames = map[Feature]string{
	0: "VIRTIO_NET_F_CSUM", 1: "VIRTIO_NET_F_GUEST_CSUM",
	2: "VIRTIO_NET_F_CTRL_GUEST_OFFLOADS", FeatureNetMTU: "VIRTIO_NET_F_MTU",
	FeatureNetMAC: "VIRTIO_NET_F_MAC", 7: "VIRTIO_NET_F_GUEST_TSO4",
	8: "VIRTIO_NET_F_GUEST_TSO6", 9: "VIRTIO_NET_F_GUEST_ECN",
	10: "VIRTIO_NET_F_GUEST_UFO", 11: "VIRTIO_NET_F_HOST_TSO4",
	12: "VIRTIO_NET_F_HOST_TSO6", 13: "VIRTIO_NET_F_HOST_ECN",
	14: "VIRTIO_NET_F_HOST_UFO", FeatureNetMrgRxBuf: "VIRTIO_NET_F_MRG_RXBUF",
	FeatureNetStatus: "VIRTIO_NET_F_STATUS", FeatureNetCtrlVQ: "VIRTIO_NET_F_CTRL_VQ",
	FeatureNetCtrlRx: "VIRTIO_NET_F_CTRL_RX", FeatureNetCtrlVLAN: "VIRTIO_NET_F_CTRL_VLAN",
	FeatureNetCtrlRxExtra: "VIRTIO_NET_F_CTRL_RX_EXTRA", FeatureNetGuestAnnounce: "VIRTIO_NET_F_GUEST_ANNOUNCE",
	FeatureNetMQ: "VIRTIO_NET_F_MQ", FeatureNetCtrlMACAddr: "VIRTIO_NET_F_CTRL_MAC_ADDR",
	57: "VIRTIO_NET_F_HASH_REPORT", 60: "VIRTIO_NET_F_RSS", 61: "VIRTIO_NET_F_RSC_EXT",
	62: "VIRTIO_NET_F_STANDBY", 63: "VIRTIO_NET_F_SPEED_DUPLEX",
}

// NetFeatureName names feature bit f of a network device
// (DeviceFeatureName for VirtioDeviceIDNet).
func NetFeatureName(f Feature) string { return DeviceFeatureName(VirtioDeviceIDNet, int(f)) }

// NetFeaturesString lists the set bits of a network device's features by
// name, joined by '|' ("0" when none). A net driver's probe logs the set it
// acked on every run of a scenario, its rebuilds on a copy of the world
// too: the last set rendered is kept, and rendered again only when another
// set is asked for.
func NetFeaturesString(fs Features) string {
	if l := netFeaturesLast.Load(); l != nil && l.fs == fs {
		return l.s
	}
	s := netFeaturesString(fs)
	netFeaturesLast.Store(&netFeaturesText{fs: fs, s: s})
	return s
}

// netFeaturesText is a feature set and its NetFeaturesString.
type netFeaturesText struct {
	fs Features
	s  string
}

// netFeaturesLast is the last set NetFeaturesString rendered.
var netFeaturesLast atomic.Pointer[netFeaturesText]

// netFeaturesString renders fs as NetFeaturesString does, in one buffer.
func netFeaturesString(fs Features) string {
	if fs == 0 {
		return "0"
	}
	var b [256]byte
	l := b[:0]
	for rest := uint64(fs); rest != 0; rest &= rest - 1 {
		if len(l) > 0 {
			l = append(l, '|')
		}
		l = append(l, NetFeatureName(Feature(bits.TrailingZeros64(rest)))...)
	}
	return string(l)
}

// NetFeatureNeedsCtrlVQ lists the offered network features that require
// VIRTIO_NET_F_CTRL_VQ (virtio spec, "Network Device", "Feature bit
// requirements"), in bit order.
var NetFeatureNeedsCtrlVQ = []Feature{FeatureNetCtrlRx, FeatureNetCtrlVLAN, FeatureNetGuestAnnounce,
	FeatureNetMQ, FeatureNetCtrlMACAddr}

// Bits of the status field of struct virtio_net_config (virtio spec,
// "Network Device", "Device configuration layout").
const (
	NetStatusLinkUp   uint16 = 1
	NetStatusAnnounce uint16 = 2
)

// The ack byte of a control-virtqueue command (virtio spec, "Network
// Device", "Control Virtqueue").
const (
	NetAckOK  uint8 = 0
	NetAckErr uint8 = 1
)

// virtqueue_pairs limits of VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET (virtio spec,
// "Automatic receive steering in multiqueue mode").
const (
	NetMQPairsMin = 1
	NetMQPairsMax = 0x8000
)

// NetHdrSize is sizeof(struct virtio_net_hdr) without the fields of
// HASH_REPORT, the UDP tunnel features, OUT_NET_HEADER and IPSEC: 12 bytes
// (virtio spec, "Network Device", "Device Operation"; num_buffers always
// present for VIRTIO_F_VERSION_1).
const NetHdrSize = 12

// NetCtrlClass is the class of a control-virtqueue command (struct
// virtio_net_ctrl, virtio spec "Control Virtqueue").
type NetCtrlClass uint8

// Control-virtqueue classes.
const (
	NetCtrlRx            NetCtrlClass = 0
	NetCtrlMAC           NetCtrlClass = 1
	NetCtrlVLAN          NetCtrlClass = 2
	NetCtrlAnnounce      NetCtrlClass = 3
	NetCtrlMQ            NetCtrlClass = 4
	NetCtrlGuestOffloads NetCtrlClass = 5
	NetCtrlNotfCoal      NetCtrlClass = 6
	NetCtrlStats         NetCtrlClass = 8
)

var netClassNames = map[NetCtrlClass]string{
	NetCtrlRx: "VIRTIO_NET_CTRL_RX", NetCtrlMAC: "VIRTIO_NET_CTRL_MAC", NetCtrlVLAN: "VIRTIO_NET_CTRL_VLAN",
	NetCtrlAnnounce: "VIRTIO_NET_CTRL_ANNOUNCE", NetCtrlMQ: "VIRTIO_NET_CTRL_MQ",
	NetCtrlGuestOffloads: "VIRTIO_NET_CTRL_GUEST_OFFLOADS", NetCtrlNotfCoal: "VIRTIO_NET_CTRL_NOTF_COAL",
	NetCtrlStats: "VIRTIO_NET_CTRL_STATS",
}

// String returns the class's macro name or NET_CTRL_CLASS_n.
func (c NetCtrlClass) String() string {
	if n, ok := netClassNames[c]; ok {
		return n
	}
	return fmt.Sprintf("NET_CTRL_CLASS_%d", uint8(c))
}

// NetCVQCommand is one control-virtqueue command, class and command, as
// struct virtio_net_ctrl carries it and as the selector of a
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART names it.
type NetCVQCommand struct {
	Class   NetCtrlClass
	Command uint8
}

// Control-virtqueue commands (virtio spec, "Control Virtqueue": "Packet
// Receive Filtering", "Setting MAC Address Filtering", "VLAN Filtering",
// "Gratuitous Packet Sending", "Device operation in multiqueue mode").
var (
	NetRxPromisc      = NetCVQCommand{NetCtrlRx, 0}
	NetRxAllMulti     = NetCVQCommand{NetCtrlRx, 1}
	NetRxAllUni       = NetCVQCommand{NetCtrlRx, 2}
	NetRxNoMulti      = NetCVQCommand{NetCtrlRx, 3}
	NetRxNoUni        = NetCVQCommand{NetCtrlRx, 4}
	NetRxNoBcast      = NetCVQCommand{NetCtrlRx, 5}
	NetMACTableSet    = NetCVQCommand{NetCtrlMAC, 0}
	NetMACAddrSet     = NetCVQCommand{NetCtrlMAC, 1}
	NetVLANAdd        = NetCVQCommand{NetCtrlVLAN, 0}
	NetVLANDel        = NetCVQCommand{NetCtrlVLAN, 1}
	NetAnnounceAck    = NetCVQCommand{NetCtrlAnnounce, 0}
	NetMQVQPairsSet   = NetCVQCommand{NetCtrlMQ, 0}
	NetMQRSSConfig    = NetCVQCommand{NetCtrlMQ, 1}
	NetMQHashConfig   = NetCVQCommand{NetCtrlMQ, 2}
	netCVQCommandName = map[NetCVQCommand]string{
		NetRxPromisc: "VIRTIO_NET_CTRL_RX_PROMISC", NetRxAllMulti: "VIRTIO_NET_CTRL_RX_ALLMULTI",
		NetRxAllUni: "VIRTIO_NET_CTRL_RX_ALLUNI", NetRxNoMulti: "VIRTIO_NET_CTRL_RX_NOMULTI",
		NetRxNoUni: "VIRTIO_NET_CTRL_RX_NOUNI", NetRxNoBcast: "VIRTIO_NET_CTRL_RX_NOBCAST",
		NetMACTableSet: "VIRTIO_NET_CTRL_MAC_TABLE_SET", NetMACAddrSet: "VIRTIO_NET_CTRL_MAC_ADDR_SET",
		NetVLANAdd: "VIRTIO_NET_CTRL_VLAN_ADD", NetVLANDel: "VIRTIO_NET_CTRL_VLAN_DEL",
		NetAnnounceAck:  "VIRTIO_NET_CTRL_ANNOUNCE_ACK",
		NetMQVQPairsSet: "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET", NetMQRSSConfig: "VIRTIO_NET_CTRL_MQ_RSS_CONFIG",
		NetMQHashConfig: "VIRTIO_NET_CTRL_MQ_HASH_CONFIG",
	}
)

// Known reports whether migsim names the command.
func (c NetCVQCommand) Known() bool { _, ok := netCVQCommandName[c]; return ok }

// String returns the command's macro name, or "class C command N".
func (c NetCVQCommand) String() string {
	if n, ok := netCVQCommandName[c]; ok {
		return n
	}
	return fmt.Sprintf("class %d command %d", uint8(c.Class), c.Command)
}

// NetCVQPartSelectors lists the selectors a VIRTIO_NET_DEV_PART_CVQ_CFG_PART
// may carry, in the order of the spec's table (virtio spec, "Network
// Device", "Device parts"): the order migsim returns the parts in.
func NetCVQPartSelectors() []NetCVQCommand {
	return []NetCVQCommand{NetRxPromisc, NetRxAllMulti, NetRxAllUni, NetRxNoMulti, NetRxNoUni, NetRxNoBcast,
		NetMACTableSet, NetMACAddrSet, NetVLANAdd, NetAnnounceAck, NetMQVQPairsSet, NetMQRSSConfig,
		NetMQHashConfig}
}

// IsNetCVQPartSelector reports whether c is in NetCVQPartSelectors.
func IsNetCVQPartSelector(c NetCVQCommand) bool {
	for _, s := range NetCVQPartSelectors() {
		if s == c {
			return true
		}
	}
	return false
}

// Draft-2023 context field types of a network device, in the device-type
// range (simulator-assigned; docs/context-format.md, "virtio-net fields").
// They mean something only for a virtio-net member: another device type may
// use the same numbers, so FieldType.String keeps printing DEVICE_TYPE_….
const (
	// FieldNetCVQ carries what the control virtqueue set, as a run of
	// VIRTIO_NET_DEV_PART_CVQ_CFG_PART parts.
	FieldNetCVQ FieldType = FieldDeviceTypeFirst
	// FieldNetInflight carries the requests the device executed and did
	// not complete (a frame already on the wire, a frame already in a
	// receive buffer, a control command already applied).
	FieldNetInflight FieldType = FieldDeviceTypeFirst + 1
)

// netFieldNames names the network device's draft-2023 device-type fields.
var netFieldNames = map[FieldType]string{FieldNetCVQ: "NET_CVQ", FieldNetInflight: "NET_INFLIGHT"}

// FieldTypeName names draft field type f of a device with virtio device id
// dev (0 when the type is not known): a network device's device-type
// fields as NET_CVQ and NET_INFLIGHT, everything else as FieldType.String.
func FieldTypeName(f FieldType, dev uint16) string {
	if dev == VirtioDeviceIDNet {
		if n, ok := netFieldNames[f]; ok {
			return n
		}
	}
	return f.String()
}
