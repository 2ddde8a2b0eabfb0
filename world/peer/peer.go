// Package peer is the peers of a scenario (`peer NAME`, docs/scenarios.md):
// another device of the VM that kicks, writes and reads VFs peer-to-peer
// (while the VF backing it runs, when it has one), the fault injector's
// resets (`pf-flr`, `vf-flr`), the wire's operations on a net world's links
// (`rx`, `link`, `announce`), and the synchronisation every actor has. A
// peer runs its program on one of the world's actors, yielding a request
// (Req) at every visible operation; it sees the world only through World,
// which the world implements and hands to New.
package peer

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"fmt"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/por"
	"github.com/migsim/migsim/world/rerun"
	"github.com/migsim/migsim/world/vocab"
)

// RID is the requester ID of a peer device's transactions.
const RID pcie.RID = 0x0300

// Host is one of the world's hosts, as World hands it out.
type Host interface {
	Name() string
}

// World is what a peer sees of the world. Nothing a peer reads through it
// is recorded for state hashing: a peer's operations return nothing to it
// but a read's data, which goes to its log (Req.Kept).
type World interface {
	// Scenario is the scenario the world runs.
	Scenario() *scenario.Scenario
	// Bind checks op against the peers' verbs (vocab.PeerVerbs) under the
	// world's edition and returns its arguments.
	Bind(op scenario.Op) (scenario.Values, error)
	Notef(format string, args ...any)
	Now() engine.VTime
	// Stalled reports that nothing can run: waits give up.
	Stalled() bool
	// WakeAfter wakes the peer's actor delay nanoseconds from now, or at
	// the end of virtual time when that is sooner, and returns when.
	WakeAfter(delay uint64) engine.VTime
	// Signal raises a named signal; Signalled reports whether it was.
	Signal(name string)
	Signalled(name string) bool

	// HostOfVF is the host whose copy of VF vf the VM uses now; HostByName
	// the named host, created on first use.
	HostOfVF(vf int) Host
	HostByName(name string) (Host, error)
	// Failed reports whether h crashed; NumVFs how many VFs its owner
	// enabled; SRIOV its PF's SR-IOV state and PFRID the PF's requester ID.
	Failed(h Host) bool
	NumVFs(h Host) int
	SRIOV(h Host) (pcie.SRIOVState, bool)
	PFRID(h Host) pcie.RID
	// Member returns the member of VF vf of h, when it was built.
	Member(h Host, vf int) (member.Device, bool)
	// Deliver delivers ev to function t of h on behalf of who and returns
	// the completion data.
	Deliver(h Host, t owner.Target, ev member.Event, who string) []byte
	// InitiateFLR sets Initiate FLR in function t's Device Control, as the
	// host does; AdminOutstanding reports whether the host has an admin
	// command for one of h's members submitted and not completed.
	InitiateFLR(h Host, t owner.Target, who string)
	AdminOutstanding(h Host) bool

	// Net reports a world of virtio-net VFs. Wire returns the network of
	// VF vf on the host the VM's copy of it runs on now: that host, the
	// VF's port there and its link; Made records a frame the wire made;
	// Backend tells h's member for VF vf that its port changed.
	Net() bool
	Wire(vf int) (Host, *membernet.Port, *membernet.Link)
	Made(f observe.WireFrame)
	Backend(h Host, vf int, who string)
}

// Req is a peer's next visible operation: the world may run it when Ready
// reports true (nil: always); Do performs it and returns what the peer
// gets back (what a read returned; nothing for the other operations). Do
// touches the world only: what the peer keeps of it, the peer's code
// keeps once the yield returns.
type Req struct {
	Label string
	// Access is what an access to a VF touches besides the member's own
	// state (por.VFAccess).
	Access uint8
	Ready  func() bool
	Do     func() []byte
	// Kept is set when Do's result is what the peer's code keeps for
	// itself (a read's data, for its log): the world's state hash leaves
	// it out of the peer's chain, as when the log was written from Do.
	Kept bool
}

// Yield hands the world the peer's next operation and returns its result
// once the operation ran.
type Yield func(*Req) []byte

// Peer is one peer: its program, the VF backing it and what its reads
// returned.
type Peer struct {
	w     World
	name  string
	prog  *scenario.Program
	yield Yield
	// vf, when not 0, is the VF of the VM that backs the peer (`peer NAME
	// vf=N`): its doorbell and memory writes are that VF's transactions
	// (requester: the VF's routing ID), so it issues them only while that VF
	// runs (Active/running) on the VM's host — a stopped device starts no
	// transaction (DP-DEV-11).
	vf int
	// log holds what the peer's reads returned, in its program order: part
	// of what the VM can tell, compared with the run without migration.
	log []string
	// line is the scenario line of the operation the peer runs (0 before
	// the first and after the last).
	line int
	// tape is the peer's record as its code sees it (package rerun): nil
	// unless the world records its actors or rebuilds the peer.
	tape *rerun.Tape
}

// New returns the peer running program p, backed by VF vf of the VM (0:
// none).
func New(w World, p *scenario.Program, vf int) *Peer {
	return &Peer{w: w, name: p.Name, prog: p, vf: vf}
}

// Record makes the peer's code keep its record on t (package rerun): what
// its yields returned and the wake-up times it set, in order; with t
// forwarding, the code runs from its start against the record.
func (pa *Peer) Record(t *rerun.Tape) { pa.tape = t }

// Name is the peer's name.
func (pa *Peer) Name() string { return pa.name }

// Log returns what the peer's reads returned, in its program order.
func (pa *Peer) Log() []string { return pa.log }

// Run runs the peer's program on its actor, yielding every operation. An
// operation that is not valid ends it with an error that names its line.
func (pa *Peer) Run(yield Yield) error {
	pa.yield = rerun.Yield(pa.tape, yield, reqLabel)
	for _, op := range pa.prog.Ops {
		pa.line = op.Line
		if err := pa.exec(op); err != nil {
			return fmt.Errorf("%s:%d: %w", pa.w.Scenario().File, op.Line, err)
		}
	}
	pa.line = 0
	return nil
}

// Line is the scenario line of the operation the peer runs (0 before its
// first and after its last): where a stalled run finds it.
func (pa *Peer) Line() int { return pa.line }

func (pa *Peer) exec(op scenario.Op) error {
	w := pa.w
	args, err := w.Bind(op)
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
		pa.yield(&Req{Label: fmt.Sprintf("%s:p2p-kick vf%d q%d", pa.name, vf, q),
			Access: por.VFAccess(pcie.MemWrite, off, data),
			Ready:  func() bool { return pa.running() || w.Stalled() },
			Do: func() []byte {
				h := w.HostOfVF(vf)
				if !pa.running() {
					w.Notef("%s: p2p kick to vf%d never sent: its own vf%d never ran again", pa.name, vf, pa.vf)
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
		pa.yield(&Req{Label: fmt.Sprintf("%s:p2p-write vf%d +%#x=%s", pa.name, vf, off, v),
			Access: por.VFAccess(pcie.MemWrite, uint64(off), data),
			Ready:  func() bool { return pa.running() || w.Stalled() },
			Do: func() []byte {
				if !pa.running() {
					w.Notef("%s: p2p write to vf%d never sent: its own vf%d never ran again", pa.name, vf, pa.vf)
					return nil
				}
				pa.p2pWrite(w.HostOfVF(vf), vf, uint64(off), data, "write")
				return nil
			}})
	case "read":
		vf, off, n := int(args.Int("vf")), int(args.Int("offset")), int(args.Int("len"))
		if off+n > pcie.BAR0Size {
			return fmt.Errorf("read: offset %#x + len %d beyond BAR0 (%#x bytes)", off, n, pcie.BAR0Size)
		}
		got := pa.yield(&Req{Label: fmt.Sprintf("%s:p2p-read vf%d +%#x/%d", pa.name, vf, off, n), Kept: true,
			Ready: func() bool { return pa.running() || w.Stalled() },
			Do: func() []byte {
				if !pa.running() {
					w.Notef("%s: p2p read of vf%d never sent: its own vf%d never ran again", pa.name, vf, pa.vf)
					return nil
				}
				if got := pa.p2pRead(w.HostOfVF(vf), vf, uint64(off), n); got != nil {
					return got
				}
				return []byte{} // read, with no data: logged, unlike a read never sent
			}})
		if got != nil {
			pa.log = append(pa.log, fmt.Sprintf("read vf%d +%#x/%d: %s", vf, off, n, hex.EncodeToString(got)))
		}
	case "pf-flr":
		return pa.pfFLR(op)
	case "vf-flr":
		return pa.vfFLR(op)
	case "signal":
		name := args.Str("NAME")
		pa.yield(&Req{Label: pa.name + ":signal " + name, Do: func() []byte { w.Signal(name); return nil }})
	case "await":
		name := args.Str("NAME")
		// As a guest's await: it waits for the signal and nothing else, so
		// a wait no actor can end is a deadlock the engine reports (live),
		// whichever actors form the cycle.
		pa.yield(&Req{Label: pa.name + ":await " + name, Ready: func() bool { return w.Signalled(name) }})
	case "sleep":
		ms := int(args.Int("ms"))
		until := pa.wakeAfter(uint64(ms) * 1_000_000)
		pa.yield(&Req{Label: fmt.Sprintf("%s:sleep %dms", pa.name, ms), Ready: func() bool { return w.Now() >= until }})
	}
	return nil
}

// wakeAfter is World.WakeAfter as the peer's code receives it.
func (pa *Peer) wakeAfter(delay uint64) engine.VTime {
	return engine.VTime(pa.tape.Value(rerun.CallClock, delay, func() uint64 { return uint64(pa.w.WakeAfter(delay)) }))
}

func reqLabel(r *Req) string { return r.Label }

// p2pWrite sends a memory write TLP peer-to-peer into VF vf's BAR0 at off,
// on host h: the requester is the peer's own VF when it has one (its
// routing ID on the same host), else RID.
func (pa *Peer) p2pWrite(h Host, vf int, off uint64, data []byte, what string) {
	w := pa.w
	s, ok := w.SRIOV(h)
	if !ok || vf < 1 || vf > s.EnabledVFs() {
		w.Notef("%s: p2p %s to vf%d on %s: no such VF", pa.name, what, vf, h.Name())
		return
	}
	req := RID
	if pa.vf != 0 {
		req = s.VFRID(w.PFRID(h), pa.vf)
	}
	w.Deliver(h, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemWrite, Requester: req,
		Addr: s.VFBAR0Addr(vf) + off, Data: data}}, pa.name)
}

// p2pRead sends a memory read TLP peer-to-peer to VF vf's BAR0 at off, on
// host h, and returns the completion's data (all ones when no VF answers,
// as a master abort reads).
func (pa *Peer) p2pRead(h Host, vf int, off uint64, n int) []byte {
	w := pa.w
	s, ok := w.SRIOV(h)
	if !ok || vf < 1 || vf > s.EnabledVFs() {
		w.Notef("%s: p2p read of vf%d on %s: no such VF", pa.name, vf, h.Name())
		return bytes.Repeat([]byte{0xff}, n)
	}
	req := RID
	if pa.vf != 0 {
		req = s.VFRID(w.PFRID(h), pa.vf)
	}
	out := w.Deliver(h, owner.Target(vf), member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Requester: req,
		Addr: s.VFBAR0Addr(vf) + off, Len: n}}, pa.name)
	if len(out) < n {
		out = append(out, make([]byte, n-len(out))...)
	}
	return out
}

// running reports whether the peer may start a transaction: always for a
// free-standing peer; for one backed by a VF, while that VF is
// Active/running on the host the VM runs on.
func (pa *Peer) running() bool {
	if pa.vf == 0 {
		return true
	}
	w := pa.w
	h := w.HostOfVF(pa.vf)
	if w.Failed(h) || pa.vf > w.NumVFs(h) {
		return false
	}
	m, ok := w.Member(h, pa.vf)
	return !ok || !m.Status().Mode.Quiesced() // an untouched member is Active
}

// isWireVerb reports whether verb is one of the wire's.
func isWireVerb(verb string) bool { return vocab.WireVerbs.Has(verb, 0) }
