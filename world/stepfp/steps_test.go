package stepfp

import (
	"reflect"
	"testing"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// fakeWorld answers a footprint's questions from fixed hosts.
type fakeWorld struct{ hosts []string }

func (f fakeWorld) Hosts() int                       { return len(f.hosts) }
func (f fakeWorld) HostName(i int) string            { return f.hosts[i] }
func (f fakeWorld) HostOfVF(int) int                 { return 0 }
func (f fakeWorld) GuestTarget(int) (int, int)       { return 0, 1 }
func (f fakeWorld) MemberBits(int, int, bool) uint8  { return 0 }
func (f fakeWorld) Unbooted() bool                   { return false }
func (f fakeWorld) VMHost() (int, bool)              { return 0, true }
func (f fakeWorld) PFNotify(h int, addr uint64) bool { return false }

func op(verb string, args ...scenario.Arg) scenario.Op { return scenario.Op{Verb: verb, Args: args} }

func TestInitLoads(t *testing.T) {
	bare := func(v string) scenario.Arg { return scenario.Arg{Value: v} }
	vf := func(v string) scenario.Arg { return scenario.Arg{Key: "vf", Value: v} }
	for _, tc := range []struct {
		name      string
		vmVFs     []int
		hv        *scenario.Program
		hosts     []string
		loadHosts []string
		loadVFs   []int
		mask      uint8
	}{
		{name: "no hypervisor", vmVFs: []int{2, 1}, hosts: []string{"src", "dst"}, loadVFs: []int{1, 2}},
		{name: "loads", vmVFs: []int{1}, hosts: []string{"src", "dst", "dst2"},
			hv: &scenario.Program{Ops: []scenario.Op{
				op("freeze", bare("src"), vf("4")), // not a load: neither its host nor its VF
				op("load", bare("dst"), vf("3")),
				op("write", bare("dst"), vf("1")),
				op("vfio-write", bare("dst2"), vf("bad")),
			}},
			loadHosts: []string{"dst", "dst2"}, loadVFs: []int{1, 3}, mask: 0b110},
		{name: "a load into a host not there yet", vmVFs: []int{1}, hosts: []string{"src"},
			hv:        &scenario.Program{Ops: []scenario.Op{op("load", bare("dst"))}},
			loadHosts: []string{"dst"}, loadVFs: []int{1}, mask: 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s Steps
			s.Init(tc.vmVFs, []int{1}, tc.hv, false, nil)
			if !reflect.DeepEqual(s.loadHosts, tc.loadHosts) {
				t.Errorf("load hosts %q, want %q", s.loadHosts, tc.loadHosts)
			}
			if !reflect.DeepEqual(s.shape.LoadVFs, tc.loadVFs) {
				t.Errorf("load VFs %v, want %v", s.shape.LoadVFs, tc.loadVFs)
			}
			if got := s.loadMask(fakeWorld{tc.hosts}); got != tc.mask {
				t.Errorf("load mask %#b, want %#b", got, tc.mask)
			}
		})
	}
}

func TestPeerVF(t *testing.T) {
	scen := &scenario.Scenario{Actors: []*scenario.Program{
		{Kind: scenario.ActorGuest, Name: "p", Args: []scenario.Arg{{Key: "vf", Value: "5"}}},
		{Kind: scenario.ActorPeer, Name: "p", Edition: spec.Virtio14, Args: []scenario.Arg{{Key: "vf", Value: "2"}}},
		{Kind: scenario.ActorPeer, Name: "p", Args: []scenario.Arg{{Key: "vf", Value: "3"}}},
		{Kind: scenario.ActorPeer, Name: "q"},
	}}
	for _, tc := range []struct {
		name string
		ed   spec.Edition
		want int
	}{
		{"p", spec.Virtio14, 2},
		{"p", spec.Draft2023, 3},
		{"q", spec.Draft2023, 0},
		{"none", spec.Draft2023, 0},
	} {
		if got := PeerVF(scen, tc.ed, tc.name); got != tc.want {
			t.Errorf("PeerVF(%s, %v) = %d, want %d", tc.name, tc.ed, got, tc.want)
		}
	}
}

// TestPeerPFUnknownHost: a peer's PF access to a host the world does not
// have declares everything.
func TestPeerPFUnknownHost(t *testing.T) {
	var s Steps
	s.Init([]int{1}, nil, nil, false, []Actor{{Kind: por.ActorPeer}})
	w := fakeWorld{[]string{"src"}}
	for _, tc := range []struct {
		host string
		all  bool
	}{{"src", false}, {"dst", true}} {
		c := por.Step{Kind: por.KindPeer, Sub: por.PeerPF, Host: tc.host}
		fp := s.Actor(w, 0, &c, 0)
		if all := reflect.DeepEqual(fp, por.FPAll); all != tc.all {
			t.Errorf("PF access to %s: declares everything %v, want %v", tc.host, all, tc.all)
		}
	}
}

// TestHostsAdded: what footprints keep of the hosts follows the world as
// it adds hosts, past the number it caches too: a host added later is
// found by name, and the hypervisor's key counts it and its load.
func TestHostsAdded(t *testing.T) {
	var s Steps
	hv := &scenario.Program{Ops: []scenario.Op{op("load", scenario.Arg{Value: "dst"}), op("load", scenario.Arg{Value: "h5"})}}
	s.Init([]int{1}, nil, hv, false, []Actor{{Kind: por.ActorHV}})
	for _, tc := range []struct {
		hosts []string
		find  string
		h     int
		ok    bool
		mask  uint8
	}{
		{[]string{"src"}, "dst", -1, false, 0},
		{[]string{"src", "dst"}, "dst", 1, true, 0b10},
		{[]string{"src", "dst"}, "src", 0, true, 0b10},
		{[]string{"src", "dst", "h2", "h3", "h4", "h5"}, "h5", 5, true, 0b100010},
		{[]string{"src", "dst", "h2", "h3", "h4", "h5"}, "h3", 3, true, 0b100010},
		{[]string{"src", "dst", "h2", "h3", "h4", "h5"}, "none", -1, false, 0b100010},
	} {
		w := fakeWorld{tc.hosts}
		h, ok := s.hostIndex(w, tc.find)
		if h != tc.h || ok != tc.ok {
			t.Errorf("%d hosts: host %s at %d (%v), want %d (%v)", len(tc.hosts), tc.find, h, ok, tc.h, tc.ok)
		}
		fp := s.HV(w, &por.Step{Kind: por.KindHV})
		want := s.Footprint(por.Key{Kind: por.KindHV, NH: uint8(len(tc.hosts)), LoadMask: tc.mask})
		if !reflect.DeepEqual(fp, want) {
			t.Errorf("%d hosts: the hypervisor's footprint is not that of %d hosts with load mask %#b", len(tc.hosts), len(tc.hosts), tc.mask)
		}
	}
}
