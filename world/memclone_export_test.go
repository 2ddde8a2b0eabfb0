package world

import "github.com/migsim/migsim/virtq"

// MemoriesForTest lists every host's memories, nil ones too: its own
// (the admin queue's), the VM's and the other VMs'.
func (w *World) MemoriesForTest() []*virtq.GuestMemory {
	var ms []*virtq.GuestMemory
	for _, h := range w.hosts {
		ms = append(ms, h.hostMem, h.guestMem, h.otherMem)
	}
	return ms
}
