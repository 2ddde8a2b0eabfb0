package world

import "fmt"

// GuestMemoryWhere names the part of the guests' memory addr is in, from
// the memory plan the world gave each guest's driver (guest.MemoryPlan: a
// ring region per queue, whose descriptor table comes first, and a region
// of buffers): "the ring memory of queue 0 of guest vcpu0's driver (VF 1),
// offset 0x0", "a buffer of guest vcpu0's driver (VF 1)", or "" when no
// guest's plan holds it. A message about a member's access says with it
// what the access touched.
func (w *World) GuestMemoryWhere(addr uint64) string {
	for _, g := range w.guests {
		p := g.drv.Plan()
		for q, r := range p.Rings {
			if r.Contains(addr, 1) {
				return fmt.Sprintf("the ring memory of queue %d of guest %s's driver (VF %d), offset %#x", q, g.name, g.vf, addr-r.Base)
			}
		}
		if p.Buffers.Contains(addr, 1) {
			return fmt.Sprintf("a buffer of guest %s's driver (VF %d)", g.name, g.vf)
		}
	}
	return ""
}
