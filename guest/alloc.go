package guest

import "fmt"

// Guest-physical memory the allocator hands out. Rings come from
// [1 MiB, 16 MiB) in 64 KiB windows, buffers from [16 MiB, 3 GiB) in
// 16 MiB windows (below the VFs' guest BAR0s at 0xc000_0000); when either
// runs out, both continue above 4 GiB. The first driver's plan is exactly
// guest/blk's DefaultPlan, the layout every single-guest scenario has
// always used.
const (
	ringArenaBase  = 0x0010_0000
	ringArenaEnd   = 0x0100_0000
	ringWindow     = 0x0001_0000
	bufArenaBase   = 0x0100_0000
	bufArenaEnd    = 0xc000_0000
	bufWindow      = 0x0100_0000
	highArenaBase  = 0x1_0000_0000
	highArenaLimit = 1 << 46
)

// Allocator hands every guest driver of a world its own memory plan: a
// ring window per queue and a buffer window, never overlapping another
// driver's. It is a bump allocator over fixed arenas, so plans depend only
// on the order of the requests (the guests' order in the scenario).
type Allocator struct {
	ring, buf, high uint64
}

// NewAllocator returns an allocator that has handed out nothing.
func NewAllocator() *Allocator {
	return &Allocator{ring: ringArenaBase, buf: bufArenaBase, high: highArenaBase}
}

// take returns size bytes from the arena whose next address is *next and
// whose end is end, or from the high arena once it is used up.
func (a *Allocator) take(next *uint64, end, size uint64) (Region, error) {
	if *next+size <= end {
		r := Region{Base: *next, Size: size}
		*next += size
		return r, nil
	}
	if a.high+size > highArenaLimit {
		return Region{}, fmt.Errorf("guest: memory exhausted (%#x bytes wanted at %#x)", size, a.high)
	}
	r := Region{Base: a.high, Size: size}
	a.high += size
	return r, nil
}

// Plan returns the next driver's memory: one ring window per queue (at
// least one), then a buffer window.
func (a *Allocator) Plan(queues int) (MemoryPlan, error) {
	var p MemoryPlan
	for q := 0; q < max(queues, 1); q++ {
		r, err := a.take(&a.ring, ringArenaEnd, ringWindow)
		if err != nil {
			return MemoryPlan{}, err
		}
		p.Rings = append(p.Rings, r)
	}
	r, err := a.take(&a.buf, bufArenaEnd, bufWindow)
	if err != nil {
		return MemoryPlan{}, err
	}
	p.Buffers = r
	return p, nil
}
