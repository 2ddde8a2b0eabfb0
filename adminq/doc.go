// Package adminq owns the admin command wire format (struct virtio_admin_cmd:
// the 24-byte header and command-specific data, the 8-byte status and the
// command-specific result) with the length rules of the spec — missing input
// reads as zero, extra input is ignored, a command never fails on buffer
// length alone — and a typed encoder and decoder for the data of every
// command of both editions and for the results of the commands that are not
// context or parts commands. It also owns the admin virtqueue: the driver
// side that builds descriptor chains and the device side that pops them and
// completes them in queue order.
//
// The results of DEV_CTX_SIZE_GET, DEV_CTX_READ, DEV_CTX_FIELDS_QUERY,
// DEV_PARTS_METADATA_GET and DEV_PARTS_GET are context and parts results:
// adminq keeps them raw and package devctx, the one decoder of saved device
// state, decodes them (devctx.DecodeResult).
//
// adminq does not execute commands; owner does.
package adminq
