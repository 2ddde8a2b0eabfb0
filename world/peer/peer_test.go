package peer_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/peer"
	"github.com/migsim/migsim/world/vocab"
)

// fakeHost is a host of the fake world.
type fakeHost string

func (h fakeHost) Name() string { return string(h) }

// fakeMember is a member in a given mode; it handles nothing.
type fakeMember struct{ mode spec.Mode }

func (m fakeMember) Handle(member.Event) member.Effects { return member.Effects{} }
func (m fakeMember) Status() member.Status              { return member.Status{Mode: m.mode} }
func (m fakeMember) ContextDigest() uint64              { return 0 }

// pfRID is the fake hosts' PF requester ID.
const pfRID pcie.RID = 0x0100

// fakeWorld is peer.World over two hosts (src, dst) whose VFs are enabled
// as sriov says, recording what the peer does to it.
type fakeWorld struct {
	scen        *scenario.Scenario
	now         engine.VTime
	stalled     bool
	signals     map[string]bool
	failed      bool
	sriov       pcie.SRIOVState
	members     map[int]spec.Mode // the VFs with a member, by number
	outstanding bool
	net         bool
	link        *membernet.Link
	port        *membernet.Port
	made        []observe.WireFrame
	reply       []byte // what a delivered read returns
	notes       []string
	calls       []string // Deliver, InitiateFLR, Signal, WakeAfter
}

func (w *fakeWorld) Scenario() *scenario.Scenario { return w.scen }
func (w *fakeWorld) Bind(op scenario.Op) (scenario.Values, error) {
	return vocab.PeerVerbs.Bind(op, spec.Draft2023, scenario.Context{VFs: w.scen.VFs, Queues: 2, Hosts: vocab.Hosts})
}
func (w *fakeWorld) Notef(format string, args ...any) {
	w.notes = append(w.notes, fmt.Sprintf(format, args...))
}
func (w *fakeWorld) Now() engine.VTime { return w.now }
func (w *fakeWorld) Stalled() bool     { return w.stalled }
func (w *fakeWorld) WakeAfter(delay uint64) engine.VTime {
	w.calls = append(w.calls, fmt.Sprintf("wake-after %d", delay))
	return w.now + engine.VTime(delay)
}
func (w *fakeWorld) Signal(name string) {
	w.calls = append(w.calls, "signal "+name)
	w.signals[name] = true
}
func (w *fakeWorld) Signalled(name string) bool { return w.signals[name] }
func (w *fakeWorld) HostOfVF(int) peer.Host     { return fakeHost("src") }
func (w *fakeWorld) HostByName(name string) (peer.Host, error) {
	if name != "src" && name != "dst" {
		return nil, fmt.Errorf("no host %q", name)
	}
	return fakeHost(name), nil
}
func (w *fakeWorld) Failed(peer.Host) bool                   { return w.failed }
func (w *fakeWorld) NumVFs(peer.Host) int                    { return w.sriov.EnabledVFs() }
func (w *fakeWorld) SRIOV(peer.Host) (pcie.SRIOVState, bool) { return w.sriov, true }
func (w *fakeWorld) PFRID(peer.Host) pcie.RID                { return pfRID }
func (w *fakeWorld) Member(_ peer.Host, vf int) (member.Device, bool) {
	m, ok := w.members[vf]
	return fakeMember{mode: m}, ok
}
func (w *fakeWorld) Deliver(h peer.Host, t owner.Target, ev member.Event, who string) []byte {
	tlp := ev.TLP
	w.calls = append(w.calls, fmt.Sprintf("deliver %s vf%d %v from %#04x at %#x data %x len %d by %s",
		h.Name(), t, tlp.Kind, uint16(tlp.Requester), tlp.Addr, tlp.Data, tlp.Len, who))
	return w.reply
}
func (w *fakeWorld) InitiateFLR(h peer.Host, t owner.Target, who string) {
	w.calls = append(w.calls, fmt.Sprintf("initiate-flr %s target %d by %s", h.Name(), t, who))
}
func (w *fakeWorld) AdminOutstanding(peer.Host) bool { return w.outstanding }
func (w *fakeWorld) Net() bool                       { return w.net }
func (w *fakeWorld) Wire(int) (peer.Host, *membernet.Port, *membernet.Link) {
	return fakeHost("src"), w.port, w.link
}
func (w *fakeWorld) Made(f observe.WireFrame) { w.made = append(w.made, f) }
func (w *fakeWorld) Backend(h peer.Host, vf int, who string) {
	w.calls = append(w.calls, fmt.Sprintf("backend %s vf%d by %s", h.Name(), vf, who))
}

// step is what the peer yielded: its label and access, whether it was
// ready when yielded and, when the world changed as the case says, after.
type step struct {
	label string
	ready bool
}

// vfBAR0 is where the fake hosts' VF BARs start.
const vfBAR0 = 0x8000_0000

// runPeer parses a scenario of vfs VFs whose one peer is body, and runs it
// on w: each operation is yielded, its readiness noted, then change (if
// any) is applied to w and the operation done when ready (or always, with
// force).
func runPeer(t *testing.T, w *fakeWorld, body string, change func(*fakeWorld), force bool) (*peer.Peer, []step, error) {
	t.Helper()
	src := "scenario peer-test\nvfs 2\n\n" + body + "\n"
	s, err := scenario.ParseScenario("peer-test.scn", []byte(src))
	require.NoError(t, err, src)
	var prog *scenario.Program
	for _, a := range s.Actors {
		if a.Kind == scenario.ActorPeer {
			prog = a
		}
	}
	require.NotNil(t, prog, src)
	w.scen = s
	if w.signals == nil {
		w.signals = map[string]bool{}
	}
	vf := 0
	if v, ok := scenario.Lookup(prog.Args, "vf"); ok {
		_, err := fmt.Sscan(v, &vf)
		require.NoError(t, err)
	}
	p := peer.New(w, prog, vf)
	var steps []step
	err = p.Run(func(r *peer.Req) []byte {
		ready := r.Ready == nil || r.Ready()
		steps = append(steps, step{label: r.Label, ready: ready})
		if change != nil {
			change(w)
			ready = r.Ready == nil || r.Ready()
		}
		if (ready || force) && r.Do != nil {
			return r.Do()
		}
		return nil
	})
	return p, steps, err
}

// twoVFs is a PF with two VFs enabled: VF n's routing ID is
// 0x0100 + 0x80 + 2(n-1), its BAR0 at 0x8000_0000 + (n-1)·0x8000.
func twoVFs() *fakeWorld {
	return &fakeWorld{sriov: pcie.SRIOVState{VFEnable: true, NumVFs: 2, TotalVFs: 4, FirstVFOffset: 0x80, VFStride: 2, VFBAR0: vfBAR0}}
}

// Every peer operation is one step with its label: the P2P accesses go to
// the VF's BAR0 on the host the VM uses, from the peer's own requester ID
// (its VF's, when a VF backs it) and only while that VF runs (or once
// nothing else can run, when it is dropped with a note); the resets go to
// the named host's PF or VF; signal, await and sleep synchronise. What
// reads return goes to the peer's log.
func TestPeer_Operations(t *testing.T) {
	for _, tc := range []struct {
		name   string
		world  func(*fakeWorld)
		body   string
		change func(*fakeWorld) // applied after each yield, before Do
		force  bool             // Do even when not ready
		steps  []step
		calls  []string
		notes  []string
		log    []string
	}{
		{name: "kick, free-standing", body: "peer p\n  kick vf=2 q=1",
			steps: []step{{"p:p2p-kick vf2 q1", true}},
			calls: []string{"deliver src vf2 MWr from 0x0300 at 0x8000b004 data 0100 len 0 by p"}},
		{name: "write from the peer's own VF", world: func(w *fakeWorld) { w.members = map[int]spec.Mode{2: spec.ModeActive} },
			body:  "peer p vf=2\n  write vf=1 offset=0x10 bytes=aabb",
			steps: []step{{"p:p2p-write vf1 +0x10=aabb", true}},
			calls: []string{"deliver src vf1 MWr from 0x0182 at 0x80000010 data aabb len 0 by p"}},
		{name: "own VF never touched is active", body: "peer p vf=1\n  kick vf=2",
			steps: []step{{"p:p2p-kick vf2 q0", true}},
			calls: []string{"deliver src vf2 MWr from 0x0180 at 0x8000b000 data 0000 len 0 by p"}},
		{name: "own VF stopped: waits, dropped once stalled", world: func(w *fakeWorld) { w.members = map[int]spec.Mode{1: spec.ModeStop} },
			body:   "peer p vf=1\n  kick vf=2\n  write vf=2 offset=0 bytes=01\n  read vf=2 offset=0",
			change: func(w *fakeWorld) { w.stalled = true },
			steps:  []step{{"p:p2p-kick vf2 q0", false}, {"p:p2p-write vf2 +0x0=01", true}, {"p:p2p-read vf2 +0x0/4", true}},
			notes: []string{"p: p2p kick to vf2 never sent: its own vf1 never ran again",
				"p: p2p write to vf2 never sent: its own vf1 never ran again",
				"p: p2p read of vf2 never sent: its own vf1 never ran again"}},
		{name: "own VF frozen, host failed or VF gone", world: func(w *fakeWorld) { w.members = map[int]spec.Mode{1: spec.ModeFreeze}; w.failed = true },
			body: "peer p vf=1\n  kick", force: true,
			steps: []step{{"p:p2p-kick vf1 q0", false}},
			notes: []string{"p: p2p kick to vf1 never sent: its own vf1 never ran again"}},
		{name: "read: the completion's bytes, padded", world: func(w *fakeWorld) { w.reply = []byte{0x12, 0x34} },
			body:  "peer p\n  read vf=1 offset=0x14 len=4",
			steps: []step{{"p:p2p-read vf1 +0x14/4", true}},
			calls: []string{"deliver src vf1 MRd from 0x0300 at 0x80000014 data  len 4 by p"},
			log:   []string{"read vf1 +0x14/4: 12340000"}},
		{name: "no such VF: a write is dropped, a read reads all ones", world: func(w *fakeWorld) { w.sriov.NumVFs = 1 },
			body:  "peer p\n  write vf=2 offset=0 bytes=01\n  read vf=2 offset=0 len=2",
			steps: []step{{"p:p2p-write vf2 +0x0=01", true}, {"p:p2p-read vf2 +0x0/2", true}},
			notes: []string{"p: p2p write to vf2 on src: no such VF", "p: p2p read of vf2 on src: no such VF"},
			log:   []string{"read vf2 +0x0/2: ffff"}},
		{name: "pf-flr", body: "peer f\n  pf-flr dst",
			steps: []step{{"f:pf-flr dst", true}},
			calls: []string{"initiate-flr dst target 0 by f"}},
		{name: "pf-flr waits for an admin command", body: "peer f\n  pf-flr src while=admin-outstanding",
			change: func(w *fakeWorld) { w.outstanding = true },
			steps:  []step{{"f:pf-flr src", false}},
			calls:  []string{"initiate-flr src target 0 by f"}},
		{name: "pf-flr skipped when none ever was", body: "peer f\n  pf-flr src while=admin-outstanding",
			change: func(w *fakeWorld) { w.stalled = true },
			steps:  []step{{"f:pf-flr src", false}},
			notes:  []string{"f: pf-flr src skipped: no admin command was ever outstanding"}},
		{name: "vf-flr", world: func(w *fakeWorld) { w.members = map[int]spec.Mode{2: spec.ModeActive} },
			body:  "peer f\n  vf-flr src vf=2\n  vf-flr dst vf=1",
			steps: []step{{"f:vf-flr src vf2", true}, {"f:vf-flr dst vf1", true}},
			calls: []string{"initiate-flr src target 2 by f"},
			notes: []string{"f: vf-flr dst vf1: no such member"}},
		{name: "signal, await, sleep", world: func(w *fakeWorld) { w.now = 5 },
			body:   "peer s\n  signal go\n  await go\n  await never\n  sleep ms=2",
			change: func(w *fakeWorld) { w.now += 1_000_000 },
			steps:  []step{{"s:signal go", true}, {"s:await go", true}, {"s:await never", false}, {"s:sleep 2ms", false}},
			calls:  []string{"signal go", "wake-after 2000000"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := twoVFs()
			if tc.world != nil {
				tc.world(w)
			}
			p, steps, err := runPeer(t, w, tc.body, tc.change, tc.force)
			require.NoError(t, err)
			assert.Equal(t, tc.steps, steps)
			assert.Equal(t, tc.calls, w.calls)
			assert.Equal(t, tc.notes, w.notes)
			assert.Equal(t, tc.log, p.Log())
			assert.Equal(t, tc.body[len("peer "):len("peer ")+1], p.Name())
		})
	}
}

// An operation the peer cannot run ends its program with an error naming
// the scenario file and the line; nothing after it runs.
func TestPeer_Errors(t *testing.T) {
	for _, tc := range []struct {
		name, body, want string
	}{
		{"unknown verb", "peer p\n  kick\n  dance", "peer-test.scn:6: unknown operation \"dance\""},
		{"read beyond BAR0", "peer p\n  kick\n  read vf=1 offset=0x7ffe len=4", "peer-test.scn:6: read: offset 0x7ffe + len 4 beyond BAR0 (0x8000 bytes)"},
		{"write beyond BAR0", "peer p\n  kick\n  write vf=1 offset=0x7fff bytes=0102", "peer-test.scn:6: write: want bytes=HEX, 1 to 8 bytes inside BAR0"},
		{"vf-flr outside the VFs", "peer p\n  kick\n  vf-flr src vf=3", "peer-test.scn:6: "},
		{"pf-flr of no host", "peer p\n  kick\n  pf-flr nowhere", "peer-test.scn:6: "},
		{"wire verb without virtio-net", "peer p\n  kick\n  link vf=1 down", "peer-test.scn:6: link: the VFs are not virtio-net (set vf-device=net)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := twoVFs()
			_, steps, err := runPeer(t, w, tc.body, nil, false)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Equal(t, []step{{"p:p2p-kick vf1 q0", true}}, steps, "the operations before it ran")
		})
	}
}

// The wire's operations, in a world of virtio-net VFs: frames arrive on
// the port of the VF's host, numbered by the link and recorded as made,
// the link state changes, and each operation tells the member's backend
// once.
func TestPeer_Wire(t *testing.T) {
	w := twoVFs()
	w.net, w.link = true, membernet.NewLink(7, 1500)
	w.port = w.link.NewPort("src", 8)
	_, steps, err := runPeer(t, w, "peer wire\n  rx vf=2 n=2 flow=3 to=bcast\n  link vf=2 down\n  announce vf=2", nil, false)
	require.NoError(t, err)
	assert.Equal(t, []step{{"wire:rx vf2 n=2 flow=3", true}, {"wire:link vf2 down", true}, {"wire:announce vf2", true}}, steps)
	assert.Equal(t, []observe.WireFrame{{VF: 2, Seq: 1, Flow: 3, Port: "src"}, {VF: 2, Seq: 2, Flow: 3, Port: "src"}}, w.made)
	assert.Equal(t, 2, w.port.Waiting())
	assert.False(t, w.port.LinkUp())
	assert.Equal(t, []string{"backend src vf2 by wire", "backend src vf2 by wire", "backend src vf2 by wire"}, w.calls)
}

// readsWorld is fakeWorld counting the reads a peer's state hash does not
// cover (Now, Stalled, Signalled), apart as made inside a step's Ready
// (the scheduler's question) or anywhere else (the peer's code or a
// step's Do, which could keep or branch on what they return).
type readsWorld struct {
	*fakeWorld
	inReady        bool
	ready, outside []string
}

func (w *readsWorld) note(call string) {
	if w.inReady {
		w.ready = append(w.ready, call)
		return
	}
	w.outside = append(w.outside, call)
}
func (w *readsWorld) Now() engine.VTime { w.note("Now"); return w.fakeWorld.Now() }
func (w *readsWorld) Stalled() bool     { w.note("Stalled"); return w.fakeWorld.Stalled() }
func (w *readsWorld) Signalled(name string) bool {
	w.note("Signalled " + name)
	return w.fakeWorld.Signalled(name)
}

// A peer's chain (its state hash) and its rebuild record leave out the
// clock, the stall and the signals: sound only while the peer's code and
// its steps' Do never read them, so that they decide nothing but whether
// a step is enabled, which the scheduler asks of the world's state. Every
// operation is run with its Do, stalled and not, each read placed.
func TestPeer_UnrecordedReadsOnlyInReady(t *testing.T) {
	for _, body := range []string{
		"peer p vf=1\n  kick vf=2\n  write vf=2 offset=0 bytes=01\n  read vf=2 offset=0",
		"peer f\n  pf-flr src while=admin-outstanding\n  pf-flr dst\n  vf-flr src vf=2",
		"peer s\n  signal go\n  await go\n  await never\n  sleep ms=2",
	} {
		for _, stalled := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s stalled=%v", body[:len("peer p")], stalled), func(t *testing.T) {
				fw := twoVFs()
				fw.members, fw.stalled, fw.signals = map[int]spec.Mode{1: spec.ModeStop, 2: spec.ModeActive}, stalled, map[string]bool{}
				w := &readsWorld{fakeWorld: fw}
				s, err := scenario.ParseScenario("peer-test.scn", []byte("scenario peer-test\nvfs 2\n\n"+body+"\n"))
				require.NoError(t, err)
				var prog *scenario.Program
				for _, a := range s.Actors {
					if a.Kind == scenario.ActorPeer {
						prog = a
					}
				}
				require.NotNil(t, prog)
				fw.scen = s
				vf := 0
				if v, ok := scenario.Lookup(prog.Args, "vf"); ok {
					_, err := fmt.Sscan(v, &vf)
					require.NoError(t, err)
				}
				require.NoError(t, peer.New(w, prog, vf).Run(func(r *peer.Req) []byte {
					if r.Ready != nil {
						w.inReady = true
						r.Ready()
						w.inReady = false
					}
					if r.Do != nil {
						return r.Do()
					}
					return nil
				}))
				assert.Empty(t, w.outside, "read outside a Ready")
				assert.NotEmpty(t, w.ready, "the reads a Ready makes")
			})
		}
	}
}
