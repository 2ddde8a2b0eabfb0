package hv

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/actorlog"
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
	locked, deferred map[vfKey]bool
}

// TrapBegin and TrapEnd bracket a vCPU's trapped FLR (the kernel's
// 100 ms and reset_done): halting the vCPUs waits while one is inside.
// The three are written in the hypervisor's record (Recorder), where a
// rebuilt hypervisor applies them.
func (hv *Hypervisor) TrapBegin() {
	hv.noteExternal(callTrapBegin, 0, nil)
	hv.kern.trapping++
}

// TrapEnd ends a trapped FLR TrapBegin began.
func (hv *Hypervisor) TrapEnd() {
	hv.noteExternal(callTrapEnd, 0, nil)
	hv.kern.trapping--
}

// ResetDone is vfio-virtio's reset_done for VF vf of h, run by the vCPU
// named who on its actor (yield).
func (hv *Hypervisor) ResetDone(h Host, vf int, who string, yield Yield) {
	hv.noteExternal(callResetDone, uint64(h.Index())<<32|uint64(uint32(vf)), who)
	hv.resetDone(h, vf, vcpu{name: who, yield: yield})
}

// noteExternal writes another actor's call on the hypervisor's state in
// its record, when it keeps one.
func (hv *Hypervisor) noteExternal(c actorlog.Call, arg uint64, v any) {
	if r, ok := hv.w.(*Recorder); ok {
		r.note(c, arg, v)
	}
}

// vcpu is the vCPU running reset_done.
type vcpu struct {
	name  string
	yield Yield
}

// resetDone is vfio-virtio's reset_done for VF vf of h, run by vCPU g.
func (hv *Hypervisor) resetDone(h Host, vf int, g vcpu) {
	k := vfKey{h.Index(), vf}
	m := hv.mig[k]
	if m == nil {
		return // no migration state: the VF was RUNNING, nothing to do
	}
	if hv.kern.locked[k] {
		hv.kern.deferred[k] = true
		hv.w.Notef("%s: reset_done of %s.vf%d deferred: the hypervisor holds its state_mutex", g.name, h.Name(), vf)
		return
	}
	if m.Saving() == nil && m.Resuming() == nil {
		m.ResetDone()
		return
	}
	i := h.Index()
	if hv.kern.drvOwner[i] != "" {
		g.yield(&Req{Label: g.name + ":reset_done waits for " + h.Name() + "'s owner driver",
			Ready: func() bool { return hv.kern.drvOwner[i] == "" || hv.w.Stalled() }})
	}
	if hv.kern.drvOwner[i] != "" {
		hv.w.Notef("%s: reset_done of %s.vf%d: the owner driver never came free", g.name, h.Name(), vf)
		return
	}
	hv.kern.drvOwner[i] = g.name
	d := hv.drv[i]
	prev := d.SetHost(&kernelPort{h: h, hv: hv, g: g})
	m.ResetDone()
	d.SetHost(prev)
	hv.kern.drvOwner[i] = ""
	hv.w.Notef("%s: reset_done of %s.vf%d: VFIO state RUNNING, data FDs disabled, objects destroyed", g.name, h.Name(), vf)
}

// acquireDriver makes the hypervisor the user of h's owner driver for one
// operation, waiting while a vCPU's reset_done has it.
func (hv *Hypervisor) acquireDriver(h Host) {
	i := h.Index()
	if o := hv.kern.drvOwner[i]; o != "" && o != "hv" {
		hv.yield(&Req{Label: hv.name + ":wait for " + h.Name() + "'s owner driver",
			Ready: func() bool { return hv.kern.drvOwner[i] == "" || hv.w.Stalled() }})
	}
	hv.kern.drvOwner[i] = "hv"
}

func (hv *Hypervisor) releaseDriver(h Host) {
	if hv.kern.drvOwner[h.Index()] == "hv" {
		hv.kern.drvOwner[h.Index()] = ""
	}
}

// waitTraps waits until no vCPU is inside a trapped FLR: halting the vCPUs
// needs the lock the trapping vCPU holds.
func (hv *Hypervisor) waitTraps() {
	if hv.kern.trapping == 0 {
		return
	}
	hv.yield(&Req{Label: hv.name + ":wait for the vCPUs' trapped FLRs",
		Ready: func() bool { return hv.kern.trapping == 0 || hv.w.Stalled() }})
}

// kernelPort is h's owner-driver host port lent to vCPU g: every access is
// a visible operation of g.
type kernelPort struct {
	h  Host
	hv *Hypervisor
	g  vcpu
}

func (p *kernelPort) access(label string, do func() []byte) []byte {
	return p.g.yield(&Req{Label: p.g.name + ":reset_done " + p.h.Name() + " " + label, Do: do})
}

func (p *kernelPort) cfg(t pcie.TLP) []byte {
	t.Requester, t.Completer = HostRID, p.hv.w.PFRID(p.h)
	return p.hv.w.Deliver(p.h, owner.TargetPF, member.Event{Kind: member.EvTLP, TLP: t}, p.g.name)
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
		return p.hv.w.Deliver(p.h, owner.TargetPF, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: HostRID, Addr: addr, Len: n}}, p.g.name)
	})
}

// MMIOWrite implements owner.HostPort.
func (p *kernelPort) MMIOWrite(addr uint64, data []byte) {
	d := append([]byte(nil), data...)
	p.access("pf mmio-write 0x"+strconv.FormatUint(addr, 16)+"="+hex.EncodeToString(d), func() []byte {
		return p.hv.w.Deliver(p.h, owner.TargetPF, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: HostRID, Addr: addr, Data: d}}, p.g.name)
	})
}

// WaitAdmin implements owner.HostPort, on the hypervisor's completion
// counters (the driver has one user at a time).
func (p *kernelPort) WaitAdmin() {
	hv, i := p.hv, p.h.Index()
	p.g.yield(&Req{Label: p.g.name + ":reset_done " + p.h.Name() + " wait-admin",
		Ready: func() bool { return hv.w.Published(i) > hv.seen[i] || hv.w.Stalled() || p.h.Failed() }})
	hv.seen[i] = hv.publishedSeen(i)
}
