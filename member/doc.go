// Package member owns the member device (a VF) as a pure, event-driven
// state machine: the Device interface (one event in, effects out) and the
// reference virtio-blk implementation of it in both editions — virtio
// transport (common configuration, notify, ISR, device configuration, MSI-X),
// split virtqueues reached through a memory port, the block backend, the
// migration modes, and device context capture and apply (draft-2023 TLV
// fields, virtio-1.4 device parts), FLR and reset.
//
// member starts no goroutine, takes no lock and reads no clock. Concurrency
// and ordering belong to sim; admin queue processing and resource objects
// belong to owner.
package member
