package world

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/por"
	"github.com/migsim/migsim/world/vocab"
)

// PeerRID is the requester ID of a peer device's transactions.
const PeerRID pcie.RID = 0x0300

// peerActor is another device (or a fault injector) of the VM: it writes
// VF doorbells and VF BAR memory peer-to-peer and can reset an owner.
type peerActor struct {
	actor
	w     *World
	prog  *scenario.Program
	yield func(*actorReq) []byte
	// vf, when not 0, is the VF of the VM that backs the peer (`peer NAME
	// vf=N`): its doorbell and memory writes are that VF's transactions
	// (requester: the VF's routing ID), so it issues them only while that VF
	// runs (Active/running) on the VM's host — a stopped device starts no
	// transaction (DP-DEV-11).
	vf int
	// log holds what the peer's reads returned, in its program order: part
	// of what the VM can tell (GuestLog), compared with the run without
	// migration.
	log []string
}

func (w *World) addPeer(p *scenario.Program) error {
	pa := &peerActor{w: w, prog: p}
	attrs, err := scenario.BindAttrs("peer "+p.Name, vocab.PeerAttrs, p.Args, w.bindCtx(), scenario.Pos{Line: p.Line, Col: p.NameCol})
	if err != nil {
		return fmt.Errorf("%s:%d: %w", w.scen.File, p.Line, err)
	}
	if attrs.Given("vf") {
		pa.vf = int(attrs.Int("vf"))
	}
	pa.id = len(w.actors)
	pa.name = p.Name
	w.actors = append(w.actors, &pa.actor)
	w.peers = append(w.peers, pa)
	pa.start(func(y func(*actorReq) []byte) {
		pa.yield = y
		for _, op := range p.Ops {
			if err := pa.exec(op); err != nil {
				w.report("scenario", nil, []string{pa.name}, "%s:%d: %v", w.scen.File, op.Line, err)
				return
			}
		}
	})
	return nil
}

func (pa *peerActor) exec(op scenario.Op) error {
	w := pa.w
	args, err := w.bind(vocab.PeerVerbs, op)
	if err != nil {
		return err
	}
	if isWireVerb(op.Verb) {
		return pa.wire(op, args)
	}
	switch op.Verb {
	case "kick":
		vf, q := int(args.Int("vf")), int(args.Int("q"))
		off, data := pcie.BAR0Notify+uint64(q)*pcie.NotifyMultiplier, binary.LittleEndian.AppendUint16(nil, uint16(q))
		pa.yield(&actorReq{label: fmt.Sprintf("%s:p2p-kick vf%d q%d", pa.name, vf, q),
			access: por.VFAccess(pcie.MemWrite, off, data),
			ready:  func() bool { return pa.running() || w.stalled },
			do: func() []byte {
				h := w.hostOfVF(vf)
				if !pa.running() {
					w.notef("%s: p2p kick to vf%d never sent: its own vf%d never ran again", pa.name, vf, pa.vf)
					return nil
				}
				pa.p2pWrite(h, vf, off, data, "kick")
				return nil
			}})
	case "write":
		vf, off, v := int(args.Int("vf")), int(args.Int("offset")), args.Str("bytes")
		data, err := hex.DecodeString(v)
		if err != nil || off+len(data) > pcie.BAR0Size {
			return fmt.Errorf("write: want bytes=HEX, 1 to 8 bytes inside BAR0")
		}
		pa.yield(&actorReq{label: fmt.Sprintf("%s:p2p-write vf%d +%#x=%s", pa.name, vf, off, v),
			access: por.VFAccess(pcie.MemWrite, uint64(off), data),
			ready:  func() bool { return pa.running() || w.stalled },
			do: func() []byte {
				if !pa.running() {
					w.notef("%s: p2p write to vf%d never sent: its own vf%d never ran again", pa.name, vf, pa.vf)
					return nil
				}
				pa.p2pWrite(w.hostOfVF(vf), vf, uint64(off), data, "write")
				return nil
			}})
	case "read":
		vf, off, n := int(args.Int("vf")), int(args.Int("offset")), int(args.Int("len"))
		if off+n > pcie.BAR0Size {
			return fmt.Errorf("read: offset %#x + len %d beyond BAR0 (%#x bytes)", off, n, pcie.BAR0Size)
		}
		pa.yield(&actorReq{label: fmt.Sprintf("%s:p2p-read vf%d +%#x/%d", pa.name, vf, off, n),
			ready: func() bool { return pa.running() || w.stalled },
			do: func() []byte {
				if !pa.running() {
					w.notef("%s: p2p read of vf%d never sent: its own vf%d never ran again", pa.name, vf, pa.vf)
					return nil
				}
				got := pa.p2pRead(w.hostOfVF(vf), vf, uint64(off), n)
				pa.log = append(pa.log, fmt.Sprintf("read vf%d +%#x/%d: %s", vf, off, n, hex.EncodeToString(got)))
				return nil
			}})
	case "pf-flr":
		return pa.pfFLR(op)
	case "vf-flr":
		return pa.vfFLR(op)
	case "signal":
		name := args.Str("NAME")
		pa.yield(&actorReq{label: pa.name + ":signal " + name, do: func() []byte { w.signals[name] = true; return nil }})
	case "await":
		name := args.Str("NAME")
		// As a guest's await: it waits for the signal and nothing else, so
		// a wait no actor can end is a deadlock the engine reports (live),
		// whichever actors form the cycle.
		pa.yield(&actorReq{label: pa.name + ":await " + name, ready: func() bool { return w.signals[name] }})
	case "sleep":
		ms := int(args.Int("ms"))
		until := timerAt(w.now, uint64(ms)*1_000_000)
		w.addTimer(timer{at: until, actor: &pa.actor})
		pa.yield(&actorReq{label: fmt.Sprintf("%s:sleep %dms", pa.name, ms), ready: func() bool { return w.now >= until }})
	}
	return nil
}

// p2pWrite sends a memory write TLP peer-to-peer into VF vf's BAR0 at off,
// on host h: the requester is the peer's own VF when it has one (its
// routing ID on the same host), else PeerRID.
func (pa *peerActor) p2pWrite(h *host, vf int, off uint64, data []byte, what string) {
	w := pa.w
	s, ok := h.pfCfg.SRIOV()
	if !ok || vf < 1 || vf > s.EnabledVFs() {
		w.notef("%s: p2p %s to vf%d on %s: no such VF", pa.name, what, vf, h.name)
		return
	}
	req := PeerRID
	if pa.vf != 0 {
		req = s.VFRID(h.pf.RID(), pa.vf)
	}
	w.deliver(h, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: req,
		Addr: s.VFBAR0Addr(vf) + off, Data: data}}, pa.name)
}

// p2pRead sends a memory read TLP peer-to-peer to VF vf's BAR0 at off, on
// host h, and returns the completion's data (all ones when no VF answers,
// as a master abort reads).
func (pa *peerActor) p2pRead(h *host, vf int, off uint64, n int) []byte {
	w := pa.w
	s, ok := h.pfCfg.SRIOV()
	if !ok || vf < 1 || vf > s.EnabledVFs() {
		w.notef("%s: p2p read of vf%d on %s: no such VF", pa.name, vf, h.name)
		return allOnes(n)
	}
	req := PeerRID
	if pa.vf != 0 {
		req = s.VFRID(h.pf.RID(), pa.vf)
	}
	out := w.deliver(h, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: req,
		Addr: s.VFBAR0Addr(vf) + off, Len: n}}, pa.name)
	if len(out) < n {
		out = append(out, make([]byte, n-len(out))...)
	}
	return out
}

// running reports whether the peer may start a transaction: always for a
// free-standing peer; for one backed by a VF, while that VF is
// Active/running on the host the VM runs on.
func (pa *peerActor) running() bool {
	if pa.vf == 0 {
		return true
	}
	h := pa.w.hostOfVF(pa.vf)
	if h.failed || pa.vf > h.pf.NumVFs() {
		return false
	}
	m, ok := h.pf.Member(pa.vf)
	return !ok || !m.Status().Mode.Quiesced() // an untouched member is Active
}
