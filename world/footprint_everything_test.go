package world

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/por"
)

// understated is a world that lists steps with the footprint of what
// their operation alone touches, leaving out what strip names: "trap" (a
// vCPU's trapped FLR runs the hypervisor's code), "post" (a guest's MMIO
// write put in flight on the bus), "truth" (an access that changes what
// the host knows of the member), "reset" (an access that resets the
// member's backend, here a net device's held frames), "watch" (a write
// that changes only what the host's record keeps for the oracles: that a
// write came while a size query was watched). A planted understatement.
type understated struct {
	*World
	strip string
}

func (w understated) Enabled(buf []engine.Step) []engine.Step {
	out := w.World.Enabled(buf)
	for i := range out {
		out[i].Footprint = w.StepFootprint(out[i])
	}
	return out
}

// StepFootprint is the understated footprint too: a chooser that lists
// the steps without footprints (engine.LazyFootprinter) asks for the
// footprint of the step it runs alone.
func (w understated) StepFootprint(s engine.Step) engine.Footprint {
	if !w.lanesIdle() || s.ID < 0 || s.ID >= len(w.actors) {
		return w.World.StepFootprint(s) // every step declares everything while a write is in flight
	}
	a := w.actors[s.ID]
	saved, req := a.trapping, *a.req
	switch w.strip {
	case "trap":
		a.trapping, a.req.trap = false, false
	case "post":
		a.req.post = false
	case "truth":
		a.req.access = 0
	case "reset":
		a.req.access &^= por.VFReset
	case "watch":
		// A write that neither resets the member nor starts an FLR
		// declares the host's record only for the size-query watch.
		if a.req.access&por.VFReset == 0 && (strings.Contains(a.req.label, ":mmio-write ") || strings.Contains(a.req.label, ":cfg-write ") ||
			strings.Contains(a.req.label, ":p2p-kick ") || strings.Contains(a.req.label, ":p2p-write ")) {
			a.req.access &^= por.VFTruth
		}
	}
	var fp engine.Footprint
	if w.strip == "boot" && a == w.hvActor {
		// The hypervisor's step without what booting a host another actor
		// created writes.
		cls := w.fp.Classify(s.ID, a.name, a.req.label)
		fp = w.fp.HV(fpWorld{w.World}, &cls)
	} else {
		fp = w.actorFootprint(s.ID)
	}
	a.trapping, *a.req = saved, req
	return fp
}

// guardPeerHostScenario has a peer reset a destination VF as soon as the
// guest is ready, which may be before the hypervisor's program first names
// the destination: the peer's step creates the host, and the hypervisor
// boots it (its owner driver probes the PF and enables the VFs) in the
// step after which its program names it.
const guardPeerHostScenario = `scenario peer-host
vfs 1
set hv-await=ready
guest vcpu0
  probe
  signal ready
peer host
  await ready
  vf-flr dst vf=1
`

const guardPostedScenario = `scenario posted
vfs 1
set posted-writes=in-flight
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x11
`

// guardFLRScenario has the guest start an FLR of its VF while the
// hypervisor's mode commands come and go (draft-2023: the FLR reaches the
// device).
const guardFLRScenario = `scenario flr
vfs 1
guest vcpu0
  probe
  signal ready
  flr
hypervisor
  await ready
  mode src stop
  mode src freeze
`

// guardWatchScenario has the guest write to its VF once the hypervisor
// asked for the size of its context (draft-2023's read, virtio-1.4's
// save): the host's record notes the write, for the readback oracle,
// until the context has been read. Under virtio-1.4 the first-pick
// schedule reads the parts before the guest writes; a random one (seed 7)
// reaches the window.
const guardWatchScenario = `scenario watch
vfs 1
guest vcpu0
  probe
  signal ready
  await go
  write sector=0 count=2 pattern=0x11
hypervisor edition=draft-2023
  await ready
  mode src stop
  signal go
  read src
  mode src active
hypervisor edition=virtio-1.4
  await ready
  mode src stopped
  signal go
  save src
  mode src running
`

// guardPeerWatchScenario has a peer ring VF 1's doorbell once the
// hypervisor asked for the size of its context (draft-2023's read).
const guardPeerWatchScenario = `scenario peer-watch
vfs 2
guest vcpu0 vf=1
  probe
  signal ready
peer p2p vf=2
  await go
  kick vf=1 q=0
hypervisor
  await ready
  mode src stop vf=1
  signal go
  read src vf=1
  mode src active vf=1
`

// guardNetScenario has the network leave frames in the VF's receive FIFO
// while the device is reset (its driver reset it and set nothing up
// again); the guest's next write of 0 to device_status finds it already
// reset and resets it again at once, in its own step, which drops them.
const guardNetScenario = `scenario net-reset
vfs 1
queues 3
set vf-device=net
guest vcpu0 driver=net
  probe
  reset
  signal reset
  await sent
  reset
peer wire
  await reset
  rx n=4
  signal sent
`

// guardChooser returns the first-pick chooser for seed 0, else a random
// one drawn from seed.
func guardChooser(seed uint64) engine.Chooser {
	if seed == 0 {
		return firstChooser{}
	}
	return engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule))
}

// TestFootprintGuard_StepsThatTouchMore: a step that runs the hypervisor's
// code (a vCPU's configuration write that starts a trapped FLR) or puts a
// guest's write in flight on the bus (which any later request may push
// ahead of itself) declares writing everything; an access that changes
// what the host knows of its member (an FLR, a reset) or what it keeps
// for the oracles (a write while a size query is watched) declares
// writing the host's record; the hypervisor's step after which it boots a
// host a peer created declares writing everything. The guard catches a footprint that leaves
// any out.
func TestFootprintGuard_StepsThatTouchMore(t *testing.T) {
	tests := []struct {
		name, text, strip string
		ed                spec.Edition
		// finding is the run's finding with the right footprints; step the
		// label of the step the guard names when they are understated, and
		// what it names as left out.
		finding, step, what string
		// seed picks a random schedule with that seed (0: the first pick).
		seed uint64
	}{
		{"trapped FLR", strings.Replace(flrTrapScenario, "%s", "sleep ms=300\n  precopy src", 1), "trap", spec.Virtio14, "error:vf-reset", "vcpu0:cfg-write 0x50=", "write of everything", 0},
		{"posted write", guardPostedScenario, "post", spec.Draft2023, "", "vcpu0:mmio-write ", "write of everything", 0},
		// The driver's probe resets the device first: its write of 0 to
		// device_status is the first access the host records.
		{"reset seen by the host", guardFLRScenario, "truth", spec.Draft2023, "", "vcpu0:mmio-write device_status=00", "write of host 0's record of its members", 0},
		{"reset dropping held frames", guardNetScenario, "reset", spec.Virtio14, "", "vcpu0:mmio-write device_status=00", "write of the disk (the network in a net world)", 0},
		{"write while a size query is watched", guardWatchScenario, "watch", spec.Draft2023, "", "vcpu0:mmio-write ", "write of host 0's record of its members", 0},
		{"write while a size query is watched", guardWatchScenario, "watch", spec.Virtio14, "", "vcpu0:mmio-write ", "write of host 0's record of its members", 7},
		{"peer's kick while a size query is watched", guardPeerWatchScenario, "watch", spec.Draft2023, "", "p2p:p2p-kick vf1 q0", "write of host 0's record of its members", 0},
		{"hypervisor booting a host a peer created", guardPeerHostScenario, "boot", spec.Draft2023, "", "hv:await ready", "write of host 1 pf", 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scenario.ParseScenario("guard.scn", []byte(tt.text))
			require.NoError(t, err)
			for _, planted := range []bool{false, true} {
				res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
					w, err := NewWorld(WorldConfig{Scenario: s, Edition: tt.ed, Rules: spec.DefaultRules(tt.ed)}, st)
					if planted && err == nil {
						return understated{w, tt.strip}, nil
					}
					return w, err
				}, max(tt.seed, 1), guardChooser(tt.seed), engine.RunConfig{MaxSteps: 200000})
				require.NoError(t, err)
				if !planted {
					if tt.finding == "" {
						assert.Nil(t, res.Finding)
					} else if assert.NotNil(t, res.Finding) {
						assert.Equal(t, tt.finding, res.Finding.Oracle, res.Finding.Message)
					}
					continue
				}
				require.NotNil(t, res.Finding, "planted")
				assert.Equal(t, engine.OraclePanic, res.Finding.Oracle)
				assert.Contains(t, res.Finding.Message, `footprint of "`+tt.step)
				assert.Contains(t, res.Finding.Message, "does not declare the "+tt.what)
				// An undeclared backend write is marked a member's breach
				// (guard.ContractError), which the conformance kit charges
				// to the device: so the reference devices' own backend
				// writes must all be declared, as these plants check.
				assert.Equal(t, strings.HasPrefix(tt.what, "write of the disk"), res.Finding.MemberContract, "the finding's mark")
			}
		})
	}
}
