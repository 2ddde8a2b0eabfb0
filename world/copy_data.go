package world

import (
	"fmt"
	"reflect"
	"unsafe"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/virtq"
	"github.com/migsim/migsim/world/actorlog"
	"github.com/migsim/migsim/world/kept"
	"github.com/migsim/migsim/world/peer"
	"github.com/migsim/migsim/world/worldcopy"
)

// worldCopier copies a world's data (copyData). What it leaves zero, what
// it shares and what it copies by a method of its own is declared here;
// docs/engine.md, "Copying the world's data", explains each.
var worldCopier = worldcopy.New(worldcopy.Config{
	Share: kept.Shared,
	Zero:  copyZero,
	Custom: map[reflect.Type]func(dst, src unsafe.Pointer){
		// Memories copy on write (virtq.GuestMemory.Clone).
		reflect.TypeFor[*virtq.GuestMemory](): func(dst, src unsafe.Pointer) {
			*(**virtq.GuestMemory)(dst) = (*(**virtq.GuestMemory)(src)).Clone()
		},
		// A hasher's scratch is not state: the copy's starts empty.
		reflect.TypeFor[deephash.Hasher](): func(dst, src unsafe.Pointer) {
			*(*deephash.Hasher)(dst) = (*deephash.Hasher)(src).Fresh()
		},
		// An actor's record only grows: the copy shares its entries.
		reflect.TypeFor[actorlog.Log](): func(dst, src unsafe.Pointer) {
			*(*actorlog.Log)(dst) = (*actorlog.Log)(src).Share((*actorlog.Log)(src).Len())
		},
	},
})

// copyZero lists the fields a copy of the world holds zero.
var copyZero = map[reflect.Type][]string{
	// The actors' code: their coroutines, pending requests and
	// program positions, rebuilt by running their code again.
	reflect.TypeFor[actor]():      {"co", "req", "at"},
	reflect.TypeFor[guestActor](): {"drv", "tape", "yield", "memReq", "mem", "doMMIORead", "doMMIOWrite"},
	reflect.TypeFor[peer.Peer]():  {"yield"},
	// The hypervisor and everything only it reaches; the peers, which
	// their code owns (copyData gives the copy as many empty places); the
	// members outside the process to release, the original's to release.
	reflect.TypeFor[World](): {"hv", "peers", "released"},
	// A planted owner fault may keep state of its own: copyData
	// refuses a world that has one.
	reflect.TypeFor[WorldConfig](): {"OwnerFault"},
	// Closures bound to the world, bound again to the copy by
	// copyData.
	reflect.TypeFor[blk.Disk]():     {"observe"},
	reflect.TypeFor[owner.Config](): {"NewMember"},
	reflect.TypeFor[owner.PF]():     {"spare"}, // arrays kept for the next event's effects
}

// copyData returns an independent copy of the world's data: everything
// reachable from w but its actors' code (their coroutines, pending
// requests, drivers, the hypervisor), which the copy holds zero for the
// rebuilds to fill, and the immutable parts it shares (kept.Shared). With
// f (w frozen: a kept copy), the copy is f's, which walks w only once.
func (w *World) copyData(f *worldcopy.Frozen[World]) (*World, error) {
	if w.cfg.OwnerFault != nil {
		return nil, fmt.Errorf("world: copy: a planted owner fault (WorldConfig.OwnerFault) may keep state of its own")
	}
	// A member behind the device protocol (member.Opaque: an external
	// device) is a process or a server the copy cannot duplicate: a copy
	// would drive the original's device.
	for _, h := range w.hosts {
		for vf, m := range h.pf.Members() {
			if _, ok := m.(member.Opaque); ok {
				return nil, fmt.Errorf("world: copy: %s.vf%d is an external device (behind the device protocol), which a copy of the world cannot duplicate", h.name, vf)
			}
		}
	}
	copyOf := func() (*World, error) { return worldcopy.Copy(worldCopier, w) }
	if f != nil {
		copyOf = f.Copy
	}
	c, err := copyOf()
	if err != nil {
		return nil, fmt.Errorf("world: copy: %w", err)
	}
	for _, h := range c.hosts {
		h.pf.SetMemberFactory(c.memberFactory(h))
	}
	if c.disk != nil {
		c.disk.SetObserver(c.diskAccess)
	}
	if len(w.peers) > 0 {
		c.peers = make([]*peer.Peer, len(w.peers))
	}
	return c, nil
}
