// Package network is the network of a world of virtio-net VFs: one link
// per VF of the VM, shared by the hosts as the disk is (the source's and
// the destinations' copies of a VF are on the same network), a port per
// host copy of a VF, and the frames the wire actor put on the ports. The
// world builds it, hands each member its port (member.Config.Backing) and
// hashes it with its state.
package network

import (
	"cmp"
	"fmt"
	"maps"
	"slices"

	"github.com/migsim/migsim/internal/deephash"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/world/observe"
)

// Network is the links, the ports and the frames made of one world.
type Network struct {
	links map[int]*membernet.Link
	ports map[portKey]*membernet.Port
	// made lists the frames the wire made, in order, with the port they
	// were put on; madeSum chains their hashes (madeHash), extended by
	// Made, the list's only writer.
	made    []observe.WireFrame
	madeSum uint64
	// vfs and keys list the links' VFs and the ports' keys in order,
	// nil until asked for after a link or port was made (Link and Port
	// forget them when they make one).
	vfs  []int
	keys []portKey
}

// portKey names the port of host (its index) copy of VF vf.
type portKey struct{ host, vf int }

// New returns a network with no link yet.
func New() *Network {
	return &Network{links: map[int]*membernet.Link{}, ports: map[portKey]*membernet.Port{}}
}

// seed is the seed of VF vf's link: the same in a run and in its run
// without migration, so the frames are the same bytes.
func seed(vf int) uint64 { return 0x6e657400 + uint64(vf) }

// Link returns VF vf's link, creating it.
func (n *Network) Link(vf int) *membernet.Link {
	l, ok := n.links[vf]
	if !ok {
		l = membernet.NewLink(seed(vf), membernet.DefaultMTU)
		n.links[vf] = l
		n.vfs = nil
	}
	return l
}

// Port returns the port of VF vf on the host of index host named name,
// creating it.
func (n *Network) Port(host int, name string, vf int) *membernet.Port {
	k := portKey{host, vf}
	p, ok := n.ports[k]
	if !ok {
		p = n.Link(vf).NewPort(fmt.Sprintf("%s.vf%d", name, vf), membernet.DefaultFIFOFrames)
		n.ports[k] = p
		n.keys = nil
	}
	return p
}

// Made records a frame the wire put on a port.
func (n *Network) Made(f observe.WireFrame) {
	n.made = append(n.made, f)
	n.madeSum = madeHash(n.madeSum, f)
}

// madeHash extends the chain h of the frames made by f.
func madeHash(h uint64, f observe.WireFrame) uint64 {
	return deephash.String(deephash.Mix(deephash.Mix(deephash.Mix(h, uint64(f.VF)), f.Seq), uint64(f.Flow)), f.Port)
}

// Frames returns the frames the wire made, in order; the caller must not
// modify them.
func (n *Network) Frames() []observe.WireFrame { return n.made }

// VFs lists the VFs that have a link, in order.
func (n *Network) VFs() []int { return slices.Clone(n.sortedVFs()) }

// sortedVFs is VFs, the network's own list (the caller changes nothing).
func (n *Network) sortedVFs() []int {
	if n.vfs == nil {
		n.vfs = slices.Sorted(maps.Keys(n.links))
	}
	return n.vfs
}

// View is VF vf's network as the wire oracle judges it: the link's
// records, the frames made for it and what each of its ports (in host
// order) still holds. Guests are left to the caller.
func (n *Network) View(vf int) observe.WireView {
	l := n.Link(vf)
	v := observe.WireView{VF: vf, Transmitted: l.Transmitted(), Delivered: l.Delivered(), Drops: l.Drops(), Pending: map[string]int{}}
	for _, f := range n.made {
		if f.VF == vf {
			v.Made = append(v.Made, f)
		}
	}
	for _, k := range n.sortedPorts() {
		if k.vf == vf {
			p := n.ports[k]
			v.Pending[p.Name()] = p.Waiting() + p.Held()
		}
	}
	return v
}

// sortedPorts lists the ports' keys by host, then VF: the network's own
// list (the caller changes nothing).
func (n *Network) sortedPorts() []portKey {
	if n.keys == nil {
		n.keys = slices.SortedFunc(maps.Keys(n.ports), func(a, b portKey) int {
			return cmp.Or(cmp.Compare(a.host, b.host), cmp.Compare(a.vf, b.vf))
		})
	}
	return n.keys
}

// StateHash hashes the network: the frames the wire made (the wire oracle
// judges with them at the end), every link and every port (membernet's
// StateHash), in VF and host order. The frames' chain grows with each
// frame made (Made), and the links and ports keep their hashes until they
// change, so a hash walks only what changed since the last.
func (n *Network) StateHash() uint64 { return n.stateHash(false) }

// FreshStateHash is StateHash computed from the network's data alone:
// the frames' chain from the list, the links' and ports' hashes
// (FreshStateHash) and their order from the maps, reading and keeping no
// memo. A check of the memos compares StateHash with it.
func (n *Network) FreshStateHash() uint64 { return n.stateHash(true) }

// Hash is StateHash, or FreshStateHash when fresh; 0 for no network (nil):
// a world of virtio-blk VFs has none.
func (n *Network) Hash(fresh bool) uint64 {
	if n == nil {
		return 0
	}
	return n.stateHash(fresh)
}

func (n *Network) stateHash(fresh bool) uint64 {
	var sum uint64
	var vfs []int
	var keys []portKey
	if !fresh {
		sum, vfs, keys = n.madeSum, n.sortedVFs(), n.sortedPorts()
	} else {
		for _, f := range n.made {
			sum = madeHash(sum, f)
		}
		vfs = slices.Sorted(maps.Keys(n.links))
		keys = slices.SortedFunc(maps.Keys(n.ports), func(a, b portKey) int {
			return cmp.Or(cmp.Compare(a.host, b.host), cmp.Compare(a.vf, b.vf))
		})
	}
	h := deephash.Mix(deephash.Mix(0, uint64(len(n.made))), sum)
	h = deephash.Mix(h, uint64(len(n.links)))
	for _, vf := range vfs {
		l := n.links[vf]
		lh := l.StateHash()
		if fresh {
			lh = l.FreshStateHash()
		}
		h = deephash.Mix(deephash.Mix(h, uint64(vf)), lh)
	}
	h = deephash.Mix(h, uint64(len(keys)))
	for _, k := range keys {
		p := n.ports[k]
		ph := p.StateHash()
		if fresh {
			ph = p.FreshStateHash()
		}
		h = deephash.Mix(deephash.Mix(deephash.Mix(h, uint64(k.host)), uint64(k.vf)), ph)
	}
	return h
}

// Activity summarises what traffic changed in the network: how many frames
// the wire made and the activity of every link and port that is not fresh
// (membernet's Activity and Fresh). Making a link or a port changes nothing
// a member could tell (the world makes a member's port when it builds the
// member), so Activity, unlike StateHash, stays the same when one is made;
// and it walks no record, so the world's footprint guard compares it
// around every step it checks.
func (n *Network) Activity() uint64 {
	// A sum of one mixed value per entry: the maps' order does not matter
	// and nothing is sorted or allocated.
	h := deephash.Mix(0, uint64(len(n.made)))
	for vf, l := range n.links {
		if !l.Fresh() {
			h += deephash.Mix(deephash.Mix(1, uint64(vf)), l.Activity())
		}
	}
	for k, p := range n.ports {
		if !p.Fresh() {
			h += deephash.Mix(deephash.Mix(deephash.Mix(2, uint64(k.host)), uint64(k.vf)), p.Activity())
		}
	}
	return h
}
