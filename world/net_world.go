package world

import (
	"fmt"
	"slices"

	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/vocab"
)

// netWorld is the network of a world of virtio-net VFs: one link per VF of
// the VM, shared by the hosts as the disk is (the source's and the
// destinations' copies of a VF are on the same network), a port per host
// copy of a VF, and what the wire actor put on the ports.
type netWorld struct {
	links map[int]*membernet.Link
	ports map[devKey]*membernet.Port
	// made lists the frames the wire made, in order, with the port they
	// were put on.
	made []observe.WireFrame
}

// netSeed is the seed of VF vf's link: the same in a run and in its run
// without migration, so the frames are the same bytes.
func netSeed(vf int) uint64 { return 0x6e657400 + uint64(vf) }

// vfDevice returns the VFs' device type.
func (w *World) vfDevice() string {
	if v, ok := w.setting(vocab.SettingVFDevice); ok {
		return v
	}
	return vocab.VFDeviceBlk
}

// vfDeviceID is the PCI Device ID of the VFs.
func (w *World) vfDeviceID() uint16 {
	if w.vfDevice() == vocab.VFDeviceNet {
		return spec.PCIDeviceVirtioNet
	}
	return spec.PCIDeviceVirtioBlk
}

// buildNet prepares the network of a world of net VFs; a blk world has
// none.
func (w *World) buildNet() error {
	if w.vfDevice() != vocab.VFDeviceNet {
		return nil
	}
	if w.scen.Queues < vocab.NetMinQueues {
		return fmt.Errorf("world: %s: a virtio-net VF needs at least %d queues (queues 2N+1: N pairs and the control queue), the scenario has %d",
			w.scen.File, vocab.NetMinQueues, w.scen.Queues)
	}
	w.net = &netWorld{links: map[int]*membernet.Link{}, ports: map[devKey]*membernet.Port{}}
	return nil
}

// link returns VF vf's link, creating it.
func (n *netWorld) link(vf int) *membernet.Link {
	l, ok := n.links[vf]
	if !ok {
		l = membernet.NewLink(netSeed(vf), membernet.DefaultMTU)
		n.links[vf] = l
	}
	return l
}

// port returns the port of host h's VF vf, creating it.
func (n *netWorld) port(h *host, vf int) *membernet.Port {
	k := devKey{h.idx, owner.Target(vf)}
	p, ok := n.ports[k]
	if !ok {
		p = n.link(vf).NewPort(fmt.Sprintf("%s.vf%d", h.name, vf), membernet.DefaultFIFOFrames)
		n.ports[k] = p
	}
	return p
}

// newMember builds host h's member for VF vf: the configured factory with
// the disk for blk VFs; for net VFs the net factory (WorldConfig.NetFactory,
// else the reference virtio-net) with the VF's port.
func (w *World) newMember(h *host, vf int, c member.Config) member.Device {
	if w.net == nil {
		return w.factory(c)
	}
	c.Backing = w.net.port(h, vf)
	if w.cfg.NetFactory != nil {
		return w.cfg.NetFactory(c)
	}
	return membernet.New(c)
}

// checkGuestDriver refuses a guest whose driver does not bind the VFs'
// device type.
func (w *World) checkGuestDriver(name string, deviceID uint16) error {
	if deviceID != w.vfDeviceID() {
		return fmt.Errorf("driver %s does not bind %s VFs (set %s=… names the VFs' device type)", name, w.vfDevice(), vocab.SettingVFDevice)
	}
	return nil
}

// wireDeliver tells host h's member for VF vf that its port changed
// (EvBackend), when the member exists and the host is up.
func (w *World) wireDeliver(h *host, vf int, who string) {
	if h.failed {
		return
	}
	if _, ok := h.pf.Member(vf); !ok {
		return
	}
	w.deliver(h, owner.Target(vf), member.Event{Kind: member.EvBackend}, who)
}

// wireVF returns the network of VF vf on the host the VM's copy of it runs
// on now: the switch learns the new location at switchover.
func (w *World) wireVF(vf int) (*host, *membernet.Port, *membernet.Link) {
	h := w.hostOfVF(vf)
	return h, w.net.port(h, vf), w.net.link(vf)
}

// wireVFs lists the VFs that have a link, in order.
func (n *netWorld) wireVFs() []int {
	var out []int
	for vf := range n.links {
		out = append(out, vf)
	}
	slices.Sort(out)
	return out
}
