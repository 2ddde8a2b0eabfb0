package net

import "github.com/migsim/migsim/guest"

// The default memory plan (DefaultPlan): each queue a 64 KiB ring window
// from 1 MiB up, buffers in a 16 MiB window at 16 MiB, cut into slots.
const (
	guestRingBase   = 0x0010_0000
	guestRingStride = 0x0001_0000
	guestBufBase    = 0x0100_0000
	guestBufSize    = 0x0100_0000
	// slotSize is one buffer slot: a receive buffer (virtio_net_hdr and a
	// frame of mtu 1500 with an 802.1Q tag), one transmitted frame or one
	// control command.
	slotSize = 2048
)

// DefaultPlan is the memory plan of a lone driver with the given number of
// queues (2N+1 for N pairs and the control queue).
func DefaultPlan(queues int) guest.MemoryPlan {
	p := guest.MemoryPlan{Buffers: guest.Region{Base: guestBufBase, Size: guestBufSize}}
	for q := 0; q < max(queues, 1); q++ {
		p.Rings = append(p.Rings, guest.Region{Base: guestRingBase + uint64(q)*guestRingStride, Size: guestRingStride})
	}
	return p
}

// slots hands out fixed-size buffer slots of a region, lowest address
// first, so the same sequence of operations always uses the same memory: a
// returned slot is taken again before any never-used one (last returned,
// first taken). The never-used slots are counted, not listed, so a driver
// costs nothing per slot until it uses one (the default region has 8,192).
type slots struct {
	// free are the returned slots, the last returned last.
	free []uint64
	// base and size are the region's first slot and the slot size; used
	// counts the slots ever handed out (base+i*size for i < used), n is
	// how many the region holds.
	base, size, used, n uint64
}

func newSlots(r guest.Region, size uint64) *slots {
	return &slots{base: r.Base, size: size, n: r.Size / size}
}

// get takes a slot; ok is false when none is left.
func (s *slots) get() (uint64, bool) {
	if len(s.free) > 0 {
		a := s.free[len(s.free)-1]
		s.free = s.free[:len(s.free)-1]
		return a, true
	}
	if s.used == s.n {
		return 0, false
	}
	s.used++
	return s.base + (s.used-1)*s.size, true
}

// put returns a slot.
func (s *slots) put(a uint64) { s.free = append(s.free, a) }
