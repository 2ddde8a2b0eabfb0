package hv

import (
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/actorlog"
)

// The hosts, host memory and owner-driver observer a Recorder hands the
// hypervisor: each records what the hypervisor's code reads through it.

// recHost is a host as the recorded hypervisor sees it: host i of the
// world. A checkpoint holds it without r and h (restore binds them).
type recHost struct {
	r *Recorder
	h Host
	i int
}

// Name implements Host.
func (x *recHost) Name() string { return x.h.Name() }

// Index implements Host.
func (x *recHost) Index() int { return x.i }

// Failed implements Host.
func (x *recHost) Failed() bool {
	return x.r.readBool(callFailed, uint64(x.i), x.h.Failed)
}

// host is the recorded hypervisor's host of index i.
func (r *Recorder) host(i int) Host {
	for len(r.hosts) <= i {
		r.hosts = append(r.hosts, nil)
	}
	if r.hosts[i] == nil {
		r.hosts[i] = &recHost{r: r, h: r.hostAt(i), i: i}
	}
	return r.hosts[i]
}

// unwrap is the world's host of h.
func unwrap(h Host) Host {
	if x, ok := h.(*recHost); ok {
		return x.h
	}
	return h
}

// recMem is a host's memory as the recorded owner driver reads it: the
// memory m of host i. A checkpoint holds it without r and m (restore
// binds them).
type recMem struct {
	r *Recorder
	i uint64
	m pcie.MemoryPort
}

// arg identifies an access of n bytes at addr by rid.
func (m *recMem) arg(rid pcie.RID, addr uint64, n int) uint64 {
	return deephash.Mix(deephash.Mix(deephash.Mix(m.i, uint64(rid)), addr), uint64(n))
}

// ReadMem implements pcie.MemoryPort.
func (m *recMem) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if m.r.through() {
		return m.m.ReadMem(rid, addr, buf)
	}
	arg := m.arg(rid, addr, len(buf))
	if m.r.ff() {
		e := m.r.next(callReadMem, arg)
		copy(buf, e.B)
		return errOf(e.V)
	}
	err := m.m.ReadMem(rid, addr, buf)
	m.r.add(actorlog.Entry{Call: callReadMem, Arg: arg, B: clone(buf), V: err})
	return err
}

// WriteMem implements pcie.MemoryPort: the record holds a hash of the
// data written.
func (m *recMem) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if m.r.through() {
		return m.m.WriteMem(rid, addr, data)
	}
	arg := deephash.Bytes(m.arg(rid, addr, len(data)), data)
	if m.r.ff() {
		return errOf(m.r.next(callWriteMem, arg).V)
	}
	err := m.m.WriteMem(rid, addr, data)
	m.r.add(actorlog.Entry{Call: callWriteMem, Arg: arg, V: err})
	return err
}

// recObserver is the owner driver's observer o of host i: its calls are
// recorded (record_effects.go) and silent while fast-forwarding. A
// checkpoint holds it without r and o (restore binds them).
type recObserver struct {
	r *Recorder
	o owner.DriverObserver
	i int
}
