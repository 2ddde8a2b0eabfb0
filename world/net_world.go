package world

import (
	"fmt"

	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/network"
	"github.com/migsim/migsim/world/vocab"
)

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
	w.net = network.New()
	return nil
}

// newMember builds host h's member for VF vf: the configured factory with
// the disk for blk VFs; for net VFs the net factory (WorldConfig.NetFactory,
// else the reference virtio-net) with the VF's port.
func (w *World) newMember(h *host, vf int, c member.Config) member.Device {
	if w.net == nil {
		return w.factory(c)
	}
	c.Backing = w.net.Port(h.idx, h.name, vf)
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
	return h, w.net.Port(h.idx, h.name, vf), w.net.Link(vf)
}
