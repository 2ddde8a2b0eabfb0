package net

import "github.com/migsim/migsim/spec"

// CommandNeeds returns the features a control command needs negotiated:
// VIRTIO_NET_F_CTRL_VQ and its class's feature (virtio spec, "Network
// Device", "Control Virtqueue": "Packet Receive Filtering" and "Setting
// MAC Address Filtering" VIRTIO_NET_F_CTRL_RX, the extra receive modes
// VIRTIO_NET_F_CTRL_RX_EXTRA, "Setting MAC Address"
// VIRTIO_NET_F_CTRL_MAC_ADDR, "VLAN Filtering" VIRTIO_NET_F_CTRL_VLAN,
// "Gratuitous Packet Sending" VIRTIO_NET_F_GUEST_ANNOUNCE, "Device
// operation in multiqueue mode" VIRTIO_NET_F_MQ). A driver that sends a
// command without them fails it whatever the device does (Linux's
// virtnet_send_command is never reached: the callers test the feature).
func CommandNeeds(c spec.NetCVQCommand) spec.Features {
	fs := spec.Features(spec.FeatureNetCtrlVQ.Mask())
	for _, cl := range ctrlClasses {
		for _, x := range cl.cmds {
			if x == c {
				return fs | spec.Features(cl.f.Mask())
			}
		}
	}
	return fs
}

// ctrlClasses are the control commands of each feature's class.
var ctrlClasses = []struct {
	f    spec.Feature
	cmds []spec.NetCVQCommand
}{
	{spec.FeatureNetCtrlRx, []spec.NetCVQCommand{spec.NetRxPromisc, spec.NetRxAllMulti, spec.NetMACTableSet}},
	{spec.FeatureNetCtrlRxExtra, []spec.NetCVQCommand{spec.NetRxAllUni, spec.NetRxNoMulti, spec.NetRxNoUni, spec.NetRxNoBcast}},
	{spec.FeatureNetCtrlMACAddr, []spec.NetCVQCommand{spec.NetMACAddrSet}},
	{spec.FeatureNetCtrlVLAN, []spec.NetCVQCommand{spec.NetVLANAdd, spec.NetVLANDel}},
	{spec.FeatureNetGuestAnnounce, []spec.NetCVQCommand{spec.NetAnnounceAck}},
	{spec.FeatureNetMQ, []spec.NetCVQCommand{spec.NetMQVQPairsSet}},
}

// mqNeeds are the features setting the number of queue pairs needs
// (SetPairs): VIRTIO_NET_F_CTRL_VQ and VIRTIO_NET_F_MQ.
var mqNeeds = spec.Features(spec.FeatureNetCtrlVQ.Mask() | spec.FeatureNetMQ.Mask())

// pairNeeds are the features transmitting on or kicking pair p needs: a
// pair other than the first is only in use with VIRTIO_NET_F_MQ.
func pairNeeds(p int) spec.Features {
	if p > 0 {
		return mqNeeds
	}
	return 0
}
