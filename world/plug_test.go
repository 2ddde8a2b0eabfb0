package world_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
)

// leakyStop is a vendor-style wrapper around any member device with one
// injected bug: while the owner has it stopped it still signals the guest
// whenever a doorbell arrives. It is built outside package member and runs
// through the owner and the engine unchanged.
type leakyStop struct {
	member.Device
	rid pcie.RID
}

func (d *leakyStop) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	doorbell := ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite
	if doorbell && d.Status().Mode.Quiesced() {
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: d.rid, Vector: 1, Addr: guest.MSIXAddr, Data: guest.MSIXDataBase + 1})
	}
	return fx
}

// plugScenario has a peer device ring the doorbell while the migration runs,
// so some doorbells reach a stopped device in both editions.
const plugScenario = `scenario plug
vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  read sector=0 count=2
peer p2p
  await stopped
  kick vf=1 q=0
  kick vf=1 q=0
  kick vf=1 q=0
  kick vf=1 q=0
`

// withSignalledFlow gives the scenario the edition's default flow, starting
// once the guest is ready and signalling `stopped` right after the source is
// stopped, so the peer rings while the device is stopped.
func withSignalledFlow(s *scenario.Scenario, ed spec.Edition) {
	flow := world.DefaultFlow(ed)
	flow.Edition = ed
	ops := []scenario.Op{{Verb: "await", Args: []scenario.Arg{{Value: "ready"}}}}
	for _, op := range flow.Ops {
		ops = append(ops, op)
		stops := (op.Verb == "mode" && len(op.Args) > 1 && op.Args[1].Value == "stop") ||
			(op.Verb == "vfio" && len(op.Args) > 1 && op.Args[1].Value == "PRE_COPY_P2P")
		if stops {
			ops = append(ops, scenario.Op{Verb: "signal", Args: []scenario.Arg{{Value: "stopped"}}})
		}
	}
	flow.Ops = ops
	s.Actors = append(s.Actors, flow)
}

// runWithFactory explores a scenario with a device factory.
func runWithFactory(t *testing.T, text string, ed spec.Edition, f member.Factory, n int) *engine.Finding {
	t.Helper()
	s, err := scenario.ParseScenario("plug.scn", []byte(text))
	require.NoError(t, err)
	withSignalledFlow(s, ed)
	rules := spec.DefaultRules(ed)
	for i := 0; i < n; i++ {
		seed := engine.ScheduleSeed(7, i)
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			return world.NewWorld(world.WorldConfig{Scenario: s, Edition: ed, Rules: rules, Factory: f, Oracles: oracle.All()}, st)
		}, seed, engine.NewRandom(engine.NewStream(seed, engine.StreamSchedule)), engine.RunConfig{MaxSteps: 200000})
		require.NoError(t, err)
		if res.Finding != nil {
			return res.Finding
		}
	}
	return nil
}

func TestWorldRunsAnyDeviceFactory(t *testing.T) {
	leaky := func(c member.Config) member.Device { return &leakyStop{Device: blk.New(c), rid: c.RID} }
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			// The reference device passes the scenario …
			assert.Nil(t, runWithFactory(t, plugScenario, ed, blk.New, 60))
			// … and the same scenario, strategy and seeds catch the wrapper's bug.
			f := runWithFactory(t, plugScenario, ed, leaky, 200)
			require.NotNil(t, f, "the leaky device was never caught")
			assert.Equal(t, "no-notify-when-stopped", f.Oracle)
			assert.Contains(t, f.Message, "src.vf1")
		})
	}
}
