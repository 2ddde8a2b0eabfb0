package world

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

const netSmokeScenario = `scenario net-smoke
vfs 1
queues 9
set vf-device=net
guest vcpu0 driver=net
  probe
  send n=3
  mac-table uc=2 mc=1
  send n=2 q=1
peer wire
  rx n=4
  rx n=4 flow=1
`

// TestNetWorldSmoke migrates a virtio-net guest that transmits and
// receives, in both editions: the guest logs match, every frame reached
// the wire once and every received frame is accounted for.
func TestNetWorldSmoke(t *testing.T) {
	s, err := scenario.ParseScenario("net-smoke.scn", []byte(netSmokeScenario))
	require.NoError(t, err)
	for _, ed := range spec.Editions {
		t.Run(ed.String(), func(t *testing.T) {
			logs := map[bool][]string{}
			for _, ref := range []bool{true, false} {
				var w *World
				res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
					var err error
					w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Reference: ref}, st)
					return w, err
				}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 100000})
				require.NoError(t, err)
				require.Nil(t, res.Finding, "reference=%v", ref)
				log := w.GuestLog()
				assert.NotContains(t, strings.Join(log, "\n"), "FAIL")
				logs[ref] = log
				views := w.Wire()
				require.Len(t, views, 1)
				v := views[0]
				assert.Len(t, v.Transmitted, 5, "five frames on the wire")
				assert.Len(t, v.Made, 8)
				assert.Equal(t, []string{"vcpu0"}, v.Guests)
				accounted := len(v.Delivered) + len(v.Drops)
				for _, n := range v.Pending {
					accounted += n
				}
				assert.Equal(t, 8, accounted, "every received frame delivered, dropped or pending")
			}
			assert.Equal(t, logs[true], logs[false], "the guest cannot tell it moved")
			assert.Contains(t, logs[false], "vcpu0: ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=2 mc=1: ack=0")
		})
	}
}

// TestNetWorldErrors: a net world refuses what it cannot build.
func TestNetWorldErrors(t *testing.T) {
	for _, tc := range []struct{ name, scn, want string }{
		{"one queue", "scenario x\nvfs 1\nset vf-device=net\nguest g driver=net\n  probe\n", "a virtio-net VF needs at least 2 queues"},
		{"blk driver on net VFs", "scenario x\nvfs 1\nqueues 3\nset vf-device=net\nguest g\n  probe\n", "driver blk does not bind net VFs"},
		{"net driver on blk VFs", "scenario x\nvfs 1\nqueues 3\nguest g driver=net\n  probe\n", "driver net does not bind blk VFs"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.ParseScenario("x.scn", []byte(tc.scn))
			require.NoError(t, err)
			_, err = NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14)}, engine.NewStreams(1))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

const netStoppedScenario = `scenario net-stopped
vfs 1
queues 9
set vf-device=net
guest vcpu0 driver=net
  probe
  signal ready
peer wire
  await stopped
  rx n=5
  signal sent
hypervisor edition=virtio-1.4 on-error=rollback
  await ready
  precheck dst
  vfio dst RESUMING
  vfio src PRE_COPY
  halt-vcpus
  vfio src PRE_COPY_P2P
  signal stopped
  await sent
  vfio src STOP_COPY
  copy-memory dst
  copy-pci dst
  vfio-write dst
  vfio dst STOP
  switchover dst
  vfio dst RUNNING_P2P
  vfio dst RUNNING
  resume-vcpus
  vfio src STOP
`

// TestNetFramesWhileStopped: frames that arrive while the source is
// stopped are dropped `stopped` under rx-while-stopped=drop, and stay
// held on the migrated source under buffer (counted pending); none reaches
// a receive buffer.
func TestNetFramesWhileStopped(t *testing.T) {
	s, err := scenario.ParseScenario("net-stopped.scn", []byte(netStoppedScenario))
	require.NoError(t, err)
	for _, tc := range []struct {
		knob   string
		reason string
	}{{"rx-while-stopped=drop", "stopped"}, {"rx-while-stopped=buffer", ""}} {
		t.Run(tc.knob, func(t *testing.T) {
			rules, err := spec.ParseRules(spec.Virtio14, []string{tc.knob})
			require.NoError(t, err)
			var w *World
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				var err error
				w, err = NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: rules}, st)
				return w, err
			}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 100000})
			require.NoError(t, err)
			require.Nil(t, res.Finding)
			v := w.Wire()[0]
			assert.Empty(t, v.Delivered, "no frame reached a receive buffer")
			if tc.reason == "" {
				assert.Empty(t, v.Drops)
				assert.Equal(t, 5, v.Pending["src.vf1"], "held in the source's receive FIFO")
				return
			}
			require.Len(t, v.Drops, 5)
			for _, d := range v.Drops {
				assert.Equal(t, "src.vf1", d.Port)
				assert.Equal(t, tc.reason, d.Reason.String())
			}
		})
	}
}
