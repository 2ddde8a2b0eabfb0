// Package owner owns the owner device (the PF): its admin virtqueue
// processing, validation of group, opcode and member, the in-use command
// list, capabilities and resource objects, the SR-IOV group's lifetime and
// the PF FLR; and the owner driver API that hypervisors use (list query/use,
// capability init, mode set, device parts and draft context commands) with
// the VFIO-v2 migration state machine on top.
//
// Member devices are created lazily through a factory, so any implementation
// of member.Device runs behind the owner.
package owner
