// Package owner owns the owner device (the PF): its admin virtqueue
// processing, validation of group, opcode and member, the in-use command
// list, capabilities and resource objects, the SR-IOV group's lifetime and
// the PF FLR; and the owner driver API that hypervisors use (list query/use,
// capability init, mode set, device parts and draft context commands) with
// the VFIO-v2 migration state machine on top.
//
// The PF's virtio transport (common configuration, ISR, MSI-X) runs on the
// register file and MSI-X table of package member, the same code as a
// member's; owner keeps only the PF's policies on top (transport.go) and
// the routing of its TLPs (bar.go). Member devices are created lazily
// through a factory, so any implementation of member.Device runs behind the
// owner.
package owner
