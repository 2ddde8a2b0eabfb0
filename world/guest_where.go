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
		if where := g.drv.Plan().Where(addr, fmt.Sprintf("guest %s's driver (VF %d)", g.name, g.vf)); where != "" {
			return where
		}
	}
	return ""
}
