// Package blk is the virtio-blk device type of a member device: the
// backend the virtio core of package member runs (virtio spec, "Block
// Device"). It owns the block device's part and nothing else: request
// decoding and execution (IN, OUT, FLUSH, GET_ID, the status byte), struct
// virtio_blk_config with its read-only capacity and the writeback field a
// driver may write with VIRTIO_BLK_F_CONFIG_WCE, the draft-2023 DEV_CFG
// context field, the host-side resize of the disk, and the in-memory Disk.
//
// Everything else a member does — transport registers, MSI-X, notify,
// status and reset, feature negotiation, migration modes, admin commands,
// FLR, device context and parts, the ring walking and when a configuration
// write or a resize may take effect — is the core's (package member).
//
// New is the member.Factory; the Disk a world shares between its source and
// destination hosts is passed as member.Config.Backing.
package blk
