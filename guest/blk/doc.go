// Package blk is a Linux-like virtio-pci block driver for the guest: probe
// (reset, feature negotiation, MSI-X and queue setup with 64-bit fields
// written as two halves), block requests over split virtqueues, config
// reads with the generation loop, FLR, PM and reset, and the guest log the
// transparent oracle compares with a run without migration.
package blk
