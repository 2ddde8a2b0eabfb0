package world

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// A guest's FLR of its VF under virtio-1.4 is trapped, as with QEMU over
// vfio-pci: QEMU takes the guest's write of Initiate FLR
// (pcie_cap_flr_write_config) and issues VFIO_DEVICE_RESET, which resets
// the VF (pcie_flr: Initiate FLR, 100 ms) and then runs the variant
// driver's reset_done — vfio-virtio's virtiovf_migration_reset_done
// (drivers/vfio/pci/virtio/migrate.c): the VFIO state becomes RUNNING, both
// data FDs are disabled and their objects destroyed, and no DEV_MODE_SET is
// sent. The vCPU that wrote the register waits for all of it (QEMU handles
// the write synchronously, holding the big lock, so the hypervisor cannot
// halt the vCPUs meanwhile). When the hypervisor is inside a VFIO
// operation on the VF (it holds the VF's state_mutex), reset_done only
// marks the reset and returns: the hypervisor's operation does the cleanup
// when it ends (the deferred_reset of virtiovf_state_mutex_unlock). The
// OBJ_DESTROYs of reset_done go through the host's owner driver, which the
// vCPU borrows while nobody else uses it (Linux serialises the two on the
// admin queue; migsim's hypervisor holds the driver for a whole operation,
// so reset_done waits for the operation to end instead of running beside
// it). The draft-2023 edition has no vfio variant driver: its guests' FLRs
// reach the device directly.

// vfioKernel is that kernel state of the hypervisor's hosts.
type vfioKernel struct {
	// drvOwner names who uses a host's owner driver: "" nobody, "hv" the
	// hypervisor inside an operation, or the vCPU running reset_done.
	drvOwner [4]string
	// trapping counts vCPUs inside a trapped FLR.
	trapping int
	// locked are the VFs whose state_mutex the hypervisor holds; deferred
	// the resets reset_done left to the hypervisor.
	locked, deferred map[devKey]bool
}

// trapsFLR reports whether a guest's configuration write of data at off
// sets Initiate FLR and is trapped (virtio-1.4 with a hypervisor).
func (w *World) trapsFLR(off uint16, data []byte) bool {
	if w.ed != spec.Virtio14 || w.hv == nil {
		return false
	}
	b, ok := byteAt(uint64(off), data, pcie.PCIeCapOffset+pcie.PCIeDevCtl+1)
	return ok && b&byte(pcie.DevCtlInitiateFLR>>8) != 0
}

// trapFLR is the rest of the trapped write once the FLR started: the
// kernel's 100 ms, then reset_done.
func (g *guestActor) trapFLR() {
	hv := g.w.hv
	hv.kern.trapping++
	defer func() { hv.kern.trapping-- }()
	g.Sleep(pcie.FLRDurationNs)
	h, _ := g.hostVF()
	hv.resetDone(h, g.vf, g)
}

// resetDone is vfio-virtio's reset_done for VF vf of h, run by vCPU g.
func (hv *hvActor) resetDone(h *host, vf int, g *guestActor) {
	k := devKey{h.idx, owner.Target(vf)}
	m := hv.mig[k]
	if m == nil {
		return // no migration state: the VF was RUNNING, nothing to do
	}
	if hv.kern.locked[k] {
		hv.kern.deferred[k] = true
		hv.w.notef("%s: reset_done of %s.vf%d deferred: the hypervisor holds its state_mutex", g.name, h.name, vf)
		return
	}
	if m.Saving() == nil && m.Resuming() == nil {
		m.ResetDone()
		return
	}
	i := h.idx
	if hv.kern.drvOwner[i] != "" {
		g.yield(&actorReq{label: g.name + ":reset_done waits for " + h.name + "'s owner driver",
			ready: func() bool { return hv.kern.drvOwner[i] == "" || hv.w.stalled }})
	}
	if hv.kern.drvOwner[i] != "" {
		hv.w.notef("%s: reset_done of %s.vf%d: the owner driver never came free", g.name, h.name, vf)
		return
	}
	hv.kern.drvOwner[i] = g.name
	d := hv.drv[i]
	prev := d.SetHost(&kernelPort{h: h, hv: hv, g: g})
	m.ResetDone()
	d.SetHost(prev)
	hv.kern.drvOwner[i] = ""
	hv.w.notef("%s: reset_done of %s.vf%d: VFIO state RUNNING, data FDs disabled, objects destroyed", g.name, h.name, vf)
}

// acquireDriver makes the hypervisor the user of h's owner driver for one
// operation, waiting while a vCPU's reset_done has it.
func (hv *hvActor) acquireDriver(h *host) {
	i := h.idx
	if o := hv.kern.drvOwner[i]; o != "" && o != "hv" {
		hv.yield(&actorReq{label: hv.name + ":wait for " + h.name + "'s owner driver",
			ready: func() bool { return hv.kern.drvOwner[i] == "" || hv.w.stalled }})
	}
	hv.kern.drvOwner[i] = "hv"
}

func (hv *hvActor) releaseDriver(h *host) {
	if hv.kern.drvOwner[h.idx] == "hv" {
		hv.kern.drvOwner[h.idx] = ""
	}
}

// waitTraps waits until no vCPU is inside a trapped FLR: halting the vCPUs
// needs the lock the trapping vCPU holds.
func (hv *hvActor) waitTraps() {
	if hv.kern.trapping == 0 {
		return
	}
	hv.yield(&actorReq{label: hv.name + ":wait for the vCPUs' trapped FLRs",
		ready: func() bool { return hv.kern.trapping == 0 || hv.w.stalled }})
}

// kernelPort is h's owner-driver host port lent to vCPU g: every access is
// a visible operation of g.
type kernelPort struct {
	h  *host
	hv *hvActor
	g  *guestActor
}

func (p *kernelPort) access(label string, do func() []byte) []byte {
	return p.g.yield(&actorReq{label: p.g.name + ":reset_done " + p.h.name + " " + label,
		fp: fpHost[p.h.idx].hvAccess, do: do})
}

func (p *kernelPort) cfg(t pcie.TLP) []byte {
	t.Requester, t.Completer = hostRID, p.h.pf.RID()
	return p.hv.w.deliver(p.h, owner.TargetPF, member.Event{Kind: member.EvTLP, TLP: t}, p.g.name)
}

// ConfigRead implements owner.HostPort.
func (p *kernelPort) ConfigRead(off, size int) uint32 {
	return leUint(p.access("pf cfg-read 0x"+strconv.FormatUint(uint64(off), 16), func() []byte {
		return p.cfg(pcie.TLP{Kind: pcie.CfgRead, Addr: uint64(off), Len: size})
	}))
}

// ConfigWrite implements owner.HostPort.
func (p *kernelPort) ConfigWrite(off, size int, val uint32) {
	p.access("pf cfg-write 0x"+strconv.FormatUint(uint64(off), 16), func() []byte {
		return p.cfg(pcie.TLP{Kind: pcie.CfgWrite, Addr: uint64(off), Data: binary.LittleEndian.AppendUint32(nil, val)[:size]})
	})
}

// MMIORead implements owner.HostPort.
func (p *kernelPort) MMIORead(addr uint64, n int) []byte {
	return p.access("pf mmio-read 0x"+strconv.FormatUint(addr, 16), func() []byte {
		return p.hv.w.deliver(p.h, owner.TargetPF, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: hostRID, Addr: addr, Len: n}}, p.g.name)
	})
}

// MMIOWrite implements owner.HostPort.
func (p *kernelPort) MMIOWrite(addr uint64, data []byte) {
	d := append([]byte(nil), data...)
	p.access("pf mmio-write 0x"+strconv.FormatUint(addr, 16)+"="+hex.EncodeToString(d), func() []byte {
		return p.hv.w.deliver(p.h, owner.TargetPF, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: hostRID, Addr: addr, Data: d}}, p.g.name)
	})
}

// WaitAdmin implements owner.HostPort, on the hypervisor's completion
// counters (the driver has one user at a time).
func (p *kernelPort) WaitAdmin() {
	hv, i := p.hv, p.h.idx
	p.g.yield(&actorReq{label: p.g.name + ":reset_done " + p.h.name + " wait-admin", fp: fpHost[i].waitAdmin,
		ready: func() bool { return hv.published[i] > hv.seen[i] || hv.w.stalled || p.h.failed }})
	hv.seen[i] = hv.published[i]
}
