package guest

import "fmt"

// Region is a range of guest-physical memory, [Base, Base+Size).
type Region struct {
	Base, Size uint64
}

// End is the first address after the region.
func (r Region) End() uint64 { return r.Base + r.Size }

// Contains reports whether [addr, addr+n) lies inside the region.
func (r Region) Contains(addr, n uint64) bool {
	return addr >= r.Base && n <= r.Size && addr-r.Base <= r.Size-n
}

// Overlaps reports whether two non-empty regions share an address.
func (r Region) Overlaps(o Region) bool {
	return r.Size > 0 && o.Size > 0 && r.Base < o.End() && o.Base < r.End()
}

// String renders the region as [base, end).
func (r Region) String() string { return fmt.Sprintf("[%#x, %#x)", r.Base, r.End()) }

// MemoryPlan is the guest memory one driver may use: a region per queue for
// its split ring (descriptor table, avail and used rings) and one region for
// request buffers (headers, data, status bytes). The world hands each
// driver its own plan, so no two drivers' rings or buffers overlap and two
// devices never DMA to the same guest page on behalf of different drivers.
type MemoryPlan struct {
	Rings   []Region
	Buffers Region
}

// Where names the part of the plan addr is in, for a message about an
// access that touched it, owner naming whose plan it is ("guest vcpu0's
// driver (VF 1)"): "the ring memory of queue 0 of OWNER, offset 0x0", "a
// buffer of OWNER", or "" when the plan does not hold it.
func (p MemoryPlan) Where(addr uint64, owner string) string {
	for q, r := range p.Rings {
		if r.Contains(addr, 1) {
			return fmt.Sprintf("the ring memory of queue %d of %s, offset %#x", q, owner, addr-r.Base)
		}
	}
	if p.Buffers.Contains(addr, 1) {
		return "a buffer of " + owner
	}
	return ""
}

// Regions lists every region of the plan: the rings in queue order, then
// the buffers.
func (p MemoryPlan) Regions() []Region {
	return append(append([]Region(nil), p.Rings...), p.Buffers)
}
