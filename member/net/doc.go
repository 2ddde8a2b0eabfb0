// Package net is the virtio-net device type of a member device: the
// backend the virtio core of package member runs (virtio spec, "Network
// Device"). It owns the network device's part and nothing else:
//
//   - queues: receiveq/transmitq pairs and the control queue at 2N, N being
//     max_virtqueue_pairs with VIRTIO_NET_F_MQ and 1 without; a receive
//     buffer is filled with virtio_net_hdr and a frame the device holds, a
//     transmit buffer's frame is put on the wire once, a control command
//     (receive modes, MAC table and address, VLAN add/del, announce ack,
//     queue pairs) is applied and acked;
//   - struct virtio_net_config (mac, status with LINK_UP and ANNOUNCE,
//     max_virtqueue_pairs, mtu), read-only for the driver, and the host-side
//     changes that reach it (link state, announce requests);
//   - the feature rules (CTRL_RX, CTRL_VLAN, GUEST_ANNOUNCE, MQ and
//     CTRL_MAC_ADDR need CTRL_VQ);
//   - the saved state: the VIRTIO_NET_DEV_PART_CVQ_CFG_PART (0x200) device
//     parts of virtio-1.4, and the draft-2023 fields DEV_CFG, NET_CVQ and
//     NET_INFLIGHT (docs/context-format.md);
//   - the wire: a Link shared by the source and destination worlds (frames
//     with seeded content and sequence numbers, the log of what was
//     transmitted, delivered and dropped) and a Port per member, whose
//     frames the member takes in on EvBackend — held, or while quiesced
//     held or dropped per the rx-while-stopped knob;
//   - the compatibility description of the implementation (Compat).
//
// Everything else a member does — transport, notify, status and reset,
// migration modes, admin commands, FLR, the ring walking and when a step
// may run — is the core's (package member). A frame is written into guest
// memory only in an execute step, which the core runs only while the
// device may DMA.
//
// New is the member.Factory; the *Port a world gives each member is
// member.Config.Backing.
package net
