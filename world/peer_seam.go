package world

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/peer"
	"github.com/migsim/migsim/world/rerun"
	"github.com/migsim/migsim/world/vocab"
)

// The peers are package peer. This file is the world's side of them: the
// actor each runs on and the services it uses (peerWorld implements
// peer.World).

// PeerRID is the requester ID of a peer device's transactions (peer.RID).
const PeerRID = peer.RID

// addPeer builds the peer running p and registers its actor.
func (w *World) addPeer(p *scenario.Program) error {
	vf, err := w.peerBacking(p)
	if err != nil {
		return err
	}
	a := &actor{id: len(w.actors), name: p.Name, desc: "peer " + p.Name}
	w.actors = append(w.actors, a)
	w.peers = append(w.peers, nil)
	var t *rerun.Tape
	if w.cfg.RecordActors {
		t = rerun.New(&a.log)
	}
	a.start(w, w.peerCode(len(w.peers)-1, a, p, vf, t))
	return nil
}

// peerBacking is the VF backing peer program p (0: none).
func (w *World) peerBacking(p *scenario.Program) (int, error) {
	attrs, err := scenario.BindAttrs("peer "+p.Name, vocab.PeerAttrs, p.Args, w.bindCtx(), scenario.Pos{Line: p.Line, Col: p.NameCol})
	if err != nil {
		return 0, fmt.Errorf("%s:%d: %w", w.scen.File, p.Line, err)
	}
	if attrs.Given("vf") {
		return int(attrs.Int("vf")), nil
	}
	return 0, nil
}

// peerCode builds what peer i's code owns (the peer, where it is) on its
// actor a, and returns the body its coroutine runs.
func (w *World) peerCode(i int, a *actor, p *scenario.Program, vf int, t *rerun.Tape) func(y func(*actorReq) []byte) {
	pa := peer.New(peerWorld{w: w, a: a}, p, vf)
	pa.Record(t)
	a.at = func() (string, int) { return w.scen.File, pa.Line() }
	w.peers[i] = pa
	return func(y func(*actorReq) []byte) {
		if err := pa.Run(peerYield(y)); err != nil && !t.Forwarding() {
			w.report("scenario", nil, []string{pa.Name()}, "%v", err)
		}
	}
}

// peerYield turns an actor's yield into a peer's (a step's footprint comes
// from its label, its access and the state: footprint.go). The actor has
// one request at a time, so one is reused: the scheduler reads it only
// while the actor is suspended on it.
func peerYield(y func(*actorReq) []byte) peer.Yield {
	req := new(actorReq)
	return func(r *peer.Req) []byte {
		*req = actorReq{label: r.Label, access: r.Access, ready: r.Ready, do: r.Do, kept: r.Kept}
		return y(req)
	}
}

// peerWorld is the world as a peer sees it; a is the peer's actor.
type peerWorld struct {
	w *World
	a *actor
}

func (s peerWorld) Scenario() *scenario.Scenario { return s.w.scen }
func (s peerWorld) Bind(op scenario.Op) (scenario.Values, error) {
	return s.w.bind(vocab.PeerVerbs, op)
}
func (s peerWorld) Notef(format string, args ...any) { s.w.notef(format, args...) }
func (s peerWorld) Now() engine.VTime                { return s.w.now }
func (s peerWorld) Stalled() bool                    { return s.w.stallSeen() }
func (s peerWorld) Signal(name string)               { s.w.signal(name) }
func (s peerWorld) Signalled(name string) bool       { return s.w.signals[name] }
func (s peerWorld) WakeAfter(delay uint64) engine.VTime {
	at := timerAt(s.w.now, delay)
	s.w.addTimer(timer{at: at, actor: s.a})
	return at
}

func (s peerWorld) HostOfVF(vf int) peer.Host { return s.w.hostOfVF(vf) }
func (s peerWorld) HostByName(name string) (peer.Host, error) {
	h, err := s.w.hostByName(name)
	if err != nil {
		return nil, err
	}
	return h, nil
}
func (s peerWorld) Failed(h peer.Host) bool                          { return h.(*host).failed }
func (s peerWorld) NumVFs(h peer.Host) int                           { return h.(*host).pf.NumVFs() }
func (s peerWorld) SRIOV(h peer.Host) (pcie.SRIOVState, bool)        { return h.(*host).pfCfg.SRIOV() }
func (s peerWorld) PFRID(h peer.Host) pcie.RID                       { return h.(*host).pf.RID() }
func (s peerWorld) AdminOutstanding(h peer.Host) bool                { return h.(*host).truth.Outstanding() }
func (s peerWorld) Member(h peer.Host, vf int) (member.Device, bool) { return h.(*host).pf.Member(vf) }
func (s peerWorld) Deliver(h peer.Host, t owner.Target, ev member.Event, who string) []byte {
	return s.w.deliver(h.(*host), t, ev, who)
}
func (s peerWorld) InitiateFLR(h peer.Host, t owner.Target, who string) {
	s.w.initiateFLR(h.(*host), t, who)
}

func (s peerWorld) Net() bool                               { return s.w.net != nil }
func (s peerWorld) Made(f observe.WireFrame)                { s.w.net.Made(f) }
func (s peerWorld) Backend(h peer.Host, vf int, who string) { s.w.wireDeliver(h.(*host), vf, who) }
func (s peerWorld) Wire(vf int) (peer.Host, *membernet.Port, *membernet.Link) {
	h, port, link := s.w.wireVF(vf)
	return h, port, link
}

// initiateFLR sets Initiate FLR in a function's Device Control, as the
// host does: a read of the register, then a write with bit 15 set.
func (w *World) initiateFLR(h *host, t owner.Target, who string) {
	rid := h.pf.RID()
	if t != owner.TargetPF {
		if s, ok := h.pfCfg.SRIOV(); ok {
			rid = s.VFRID(h.pf.RID(), int(t))
		}
	}
	off := uint64(pcie.PCIeCapOffset + pcie.PCIeDevCtl)
	ctl := leUint(w.deliver(h, t, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: hostRID, Completer: rid, Addr: off, Len: 2}}, who))
	w.deliver(h, t, member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: hostRID, Completer: rid, Addr: off,
		Data: binary.LittleEndian.AppendUint16(nil, uint16(ctl)|pcie.DevCtlInitiateFLR)}}, who)
}
