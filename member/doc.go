// Package member owns the member device (a VF) as a pure, event-driven
// state machine: the Device contract (one event in, effects out) and the
// virtio core that implements it for any device type.
//
// # The core
//
// Core is everything a virtio member does whatever its type, in both
// editions: the PCI transport in BAR0 (common configuration with the
// per-queue registers and split 64-bit halves, ISR, notify decoding, the
// device-configuration window, MSI-X table and PBA), configuration space
// with FLR and PM, device status and reset, feature negotiation (FEATURES_OK
// validation), the migration modes (draft-2023 Active/Stop/Freeze,
// virtio-1.4 running/stopped) with every spec.Rules knob, the member admin
// commands (draft DEV_MODE_SET/GET and the context commands; 1.4 DEV_MODE_SET
// and the parts commands) with replies held during FLR, reset and PM
// transitions, device context capture and apply (draft TLV fields, 1.4
// device parts) and the ring walking in steps: fetch, execute, complete,
// write-back at stop, latched doorbells, held interrupts, re-derivation at
// resume.
//
// The common-configuration register file (CommonCfg, QueueRegs,
// DecodeCommonWrite) and the MSI-X table (MSIXTable) are exported: the
// owner's PF is a virtio function too and runs on the same transport code,
// with its own policies (when queue registers may change, reset of its admin
// queue).
//
// # Device types
//
// A device type plugs into the core as a DeviceType and its Backend
// (member/blk is the reference virtio-blk). The core asks the backend only
// for what differs between types, and keeps every decision that the modes
// govern:
//
//   - DeviceState: Reset and Clone of the backend's device state (the core
//     validates a context or parts write on a clone, so a rejected write
//     changes nothing), the device-specific draft fields (blk: DEV_CFG) and
//     virtio-1.4 parts (types 0x200..0x5ff), merged by the core in the
//     spec's order: draft fields by type, parts after the common ones.
//   - DeviceConfig: the configuration bytes; CheckConfigWrite names the
//     field a driver write changes and the core decides, by mode and
//     stop-config-write, whether it applies; HostChange/ApplyHostChange turn
//     a host-side event (EvBackend; blk: a resize) into a configuration
//     change with config_generation and interrupt, deferred in Freeze.
//   - Queues: Fetch decodes a chain the core popped, Execute runs it,
//     Complete writes what precedes the used element; the core owns the
//     order, the used ring, the interrupts and what a stop does to them.
//
// The shared resource behind a device (blk's disk) reaches its backend as
// Config.Backing, whose type only the backend knows.
//
// member/net is the virtio-net backend. Its queues are Config.NumQueues =
// 2×max_virtqueue_pairs + 1 and it maps an index to a role by the
// negotiated features each Request carries (Request.Features: rx even, tx
// odd, the control queue at 2N, N = max_virtqueue_pairs with MQ, 1
// without). Fetch decodes the virtio_net_hdr of a tx chain or the class
// and command of a control chain; Execute sends a tx frame to the network
// (Backing), fills an rx buffer from a frame the device holds or returns
// ErrNotReady when it holds none (the buffer stays taken), and applies a
// control command; Complete writes the control ack byte. Frames reach the
// device through the optional HostIntake hook: on EvBackend the core first
// lets the backend take in what arrived, telling it whether the device is
// quiesced — a quiesced net device holds or drops frames (rx-while-stopped)
// and never DMAs them — then HostChange names the rx queues with frames
// (Queues) and a link or announce change (Config, status). ReadConfig
// renders mac, status, max_virtqueue_pairs and mtu. Parts returns the
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART (0x200) parts that carry what the
// control commands set (receive modes, MAC table and address, VLANs,
// queue pairs), and ApplyPart takes them back, checked against the
// negotiated features it is given; FeatureChecker refuses CTRL_RX,
// CTRL_VLAN, GUEST_ANNOUNCE, MQ or CTRL_MAC_ADDR without CTRL_VQ.
//
// member starts no goroutine, takes no lock and reads no clock. Concurrency
// and ordering belong to the engine and the world that drive it; admin
// queue processing, resource objects and the SR-IOV group belong to owner;
// a device type's own semantics belong to its backend package.
package member
