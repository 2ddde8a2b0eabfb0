// Package net is a Linux-like virtio-net guest driver (drivers/net/virtio_net.c
// over virtio_pci_modern): probe with feature negotiation, queue pairs and
// the control virtqueue, multiqueue set up through VIRTIO_NET_CTRL_MQ,
// receive buffers kept filled, transmit with used-ring reclaim, control
// commands with their acks, the link-status configuration interrupt and
// announce handling (virtio spec, "Network Device"). It is the guest.Driver
// of virtio-net VFs (Info); docs/net.md describes what it logs.
package net
