package stepfp

import (
	"math"
	"slices"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// Steps is what the footprints of one world's steps depend on besides its
// state: the world's shape and its hash, each actor's kind, the hosts the
// hypervisor loads into. It is data a copy of the world holds.
type Steps struct {
	shape     por.Shape
	shapeHash uint64
	actors    []Actor
	loadHosts []string
	hosts     hostCache
}

// cachedHosts is how many hosts a hostCache holds: a world has at most
// four (passes.MaxHosts). A world with more, which only a test builds,
// has the rest asked for every time.
const cachedHosts = 4

// hostCache keeps what footprints read of the hosts that never changes
// once a host exists: its name, and which of the first n the hypervisor
// loads into. A world only ever adds hosts, so it is brought up to date
// when their number grows (Steps.sync), rather than asked through World
// for every footprint.
type hostCache struct {
	n     int
	names [cachedHosts]string
	mask  uint8
}

// Init records, once the actors exist, what footprints depend on: the VM's
// VFs (sorted), the VF of every guest, the hypervisor's program (nil: no
// hypervisor) and whether it rolls back on error, and every actor's kind,
// in actor order.
func (s *Steps) Init(vmVFs, guestVFs []int, hv *scenario.Program, rollback bool, actors []Actor) {
	sh := &s.shape
	sh.VMVFs = slices.Clone(vmVFs)
	sh.GuestVFs = append(sh.GuestVFs, guestVFs...)
	loadVFs := slices.Clone(vmVFs)
	if hv != nil {
		sh.Rollback = rollback
		for _, op := range hv.Ops {
			if op.Verb != "write" && op.Verb != "load" && op.Verb != "vfio-write" {
				continue
			}
			for _, a := range op.Args {
				if a.Key == "" && !slices.Contains(s.loadHosts, a.Value) {
					s.loadHosts = append(s.loadHosts, a.Value)
				}
			}
			if v, ok := scenario.Lookup(op.Args, "vf"); ok {
				if n, err := scenario.ParseNumber(v, 1, math.MaxInt32); err == nil {
					loadVFs = append(loadVFs, int(n))
				}
			}
		}
	}
	slices.Sort(loadVFs)
	sh.LoadVFs = slices.Compact(loadVFs)
	s.shapeHash = sh.Hash()
	s.actors = actors
}

// PeerVF is the VF backing the peer called name (`peer NAME vf=N`) of
// scenario scen run under edition ed, or 0.
func PeerVF(scen *scenario.Scenario, ed spec.Edition, name string) int {
	for _, p := range scen.Actors {
		if p.Kind != scenario.ActorPeer || p.Name != name || (p.Edition != 0 && p.Edition != ed) {
			continue
		}
		return p.VF()
	}
	return 0
}

// Footprint returns the footprint of key k, building it on first use.
func (s *Steps) Footprint(k por.Key) engine.Footprint {
	return s.shape.Footprint(s.shapeHash, k)
}
