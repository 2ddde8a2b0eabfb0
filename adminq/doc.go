// Package adminq owns the admin command wire format (struct virtio_admin_cmd:
// the 24-byte header and command-specific data, the 8-byte status and the
// command-specific result) with the length rules of the spec — missing input
// reads as zero, extra input is ignored, a command never fails on buffer
// length alone — and a typed encoder and decoder for the data and result of
// every command of both editions. It also owns the admin virtqueue: the
// driver side that builds descriptor chains and the device side that pops
// them and completes them in queue order.
//
// adminq does not execute commands; owner does.
package adminq
