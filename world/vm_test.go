package world

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// TestOtherVMsKeepRunning: halt-vcpus halts only the VM's guests; a guest
// outside the VM uses the source's memory of the VMs that stay and its VF
// on the source whatever host the VM runs on.
func TestOtherVMsKeepRunning(t *testing.T) {
	s, err := scenario.ParseScenario("vm.scn", []byte("scenario vm\nvfs 16\nset vm-vfs=1-2\nguest a vf=1\n  probe\nguest b vf=16\n  probe\n"))
	require.NoError(t, err)
	w, err := NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14)}, engine.Streams{})
	require.NoError(t, err)
	defer w.Close()
	a, b := w.guests[0], w.guests[1]
	w.setHalted(true)
	assert.True(t, a.halted)
	assert.False(t, b.halted, "the other VM keeps running")
	dst, err := w.hostByName("dst")
	require.NoError(t, err)
	w.vm = dst
	ha, _ := a.hostVF()
	hb, _ := b.hostVF()
	assert.Same(t, dst, ha)
	assert.Same(t, w.hosts[0], hb)
	assert.Equal(t, otherPort{w}, b.Memory())
	assert.Equal(t, vmPort{w}, a.Memory())
}

// TestManyVFsRun: 65,535 enabled VFs with guests on the first and the last
// run like a small scenario: only the touched VFs cost anything.
func TestManyVFsRun(t *testing.T) {
	src := `scenario many
vfs 65535
guest a vf=1
  probe
  write sector=0 count=2 pattern=0x11
  read sector=0 count=2
guest b vf=65535
  probe
  write sector=100 count=2 pattern=0x22
  read sector=100 count=2
`
	s, err := scenario.ParseScenario("many.scn", []byte(src))
	require.NoError(t, err)
	for _, ed := range spec.Editions {
		var logs [2][]string
		for i, ref := range []bool{true, false} {
			var w *World
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				var err error
				w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed), Reference: ref}, st)
				return w, err
			}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
			require.NoError(t, err)
			require.Nil(t, res.Finding, "%s reference=%v", ed, ref)
			logs[i] = w.GuestLog()
			built := 0
			for range w.hosts[0].pf.Members() {
				built++
			}
			assert.Equal(t, 2, built, "%s: members built on the source", ed)
		}
		assert.Equal(t, logs[0], logs[1], "%s: the guests cannot tell they moved", ed)
	}
}

// TestPeerWriteIsTheVFsTransaction: a VF-backed peer's doorbell and BAR
// writes carry its VF's routing ID and reach the other VF's BAR0.
func TestPeerWriteIsTheVFsTransaction(t *testing.T) {
	src := `scenario p2p
vfs 2
guest a vf=1
  probe
guest b vf=2
  probe
peer dma vf=1
  write vf=2 offset=0x2020 bytes=00
  kick vf=2 q=0
`
	s, err := scenario.ParseScenario("p2p.scn", []byte(src))
	require.NoError(t, err)
	var w *World
	_, err = engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), Reference: true, Record: true}, st)
		return w, err
	}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
	require.NoError(t, err)
	sr, _ := w.hosts[0].pfCfg.SRIOV()
	var addrs []uint64
	for _, e := range w.Events() {
		if e.Kind == record.TraceTLP && e.Who == "dma" && e.TLP.Kind == pcie.MemWrite {
			assert.Equal(t, sr.VFRID(w.hosts[0].pf.RID(), 1), e.TLP.Requester)
			assert.Equal(t, "vf2", e.Target)
			addrs = append(addrs, e.TLP.Addr-sr.VFBAR0Addr(2))
		}
	}
	assert.Equal(t, []uint64{0x2020, pcie.BAR0Notify}, addrs, "one BAR write and one doorbell")
}

func TestPeerWriteRejectsBadArguments(t *testing.T) {
	for line, want := range map[string]string{"write vf=2 bytes=00": "write: missing offset=N",
		"write vf=2 offset=0x8000 bytes=00":            "write: offset=0x8000: want a number 0..32767",
		"write vf=2 offset=0 bytes=zz":                 "write: bytes=zz: want hex digits",
		"write vf=2 offset=0 bytes=001122334455667788": "write: bytes=001122334455667788: 9 bytes, want 1..8"} {
		s, err := scenario.ParseScenario("p2p.scn", []byte("scenario p2p\nvfs 2\nguest a\n  probe\npeer dma vf=1\n  "+line+"\n"))
		require.NoError(t, err)
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			return NewWorld(WorldConfig{Scenario: s, Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), Reference: true}, st)
		}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
		require.NoError(t, err)
		require.NotNil(t, res.Finding, line)
		assert.Equal(t, "scenario", res.Finding.Oracle, line)
		assert.Contains(t, res.Finding.Message, want, line)
	}
}

// TestOtherVMGuestEndsAfterFlowError: a flow that stops with an error while
// the VM's vCPUs are halted ends the run with that error even when a guest
// of another VM waits for the others at its end: the halted vCPUs, which
// nobody will resume, count as done for it as they do for the run.
func TestOtherVMGuestEndsAfterFlowError(t *testing.T) {
	tests := []struct {
		name string
		ed   spec.Edition
		stop string
	}{
		{"draft-2023", spec.Draft2023, "stop"},
		{"virtio-1.4", spec.Virtio14, "stopped"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := `scenario other-vm
vfs 2
set vm-vfs=1
guest a vf=1
  probe
  signal ready
  await moved
guest b vf=2
  probe
  write sector=100 count=2 pattern=0x22
hypervisor
  await ready
  halt-vcpus
  mode src ` + tt.stop + ` fails=EINVAL/INVALID_FIELD
  signal moved
`
			s, err := scenario.ParseScenario("other-vm.scn", []byte(src))
			require.NoError(t, err)
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				return NewWorld(WorldConfig{Scenario: s, Edition: tt.ed, Rules: spec.DefaultRules(tt.ed)}, st)
			}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
			require.NoError(t, err)
			require.NotNil(t, res.Finding)
			assert.Equal(t, "error:unexpected-success", res.Finding.Oracle, res.Finding.Message)
		})
	}
}

// TestRecordedStateOfMemberBuiltByModeSet: a member the PF builds on the
// hypervisor's first DEV_MODE_SET (no guest touched the VF before) gets a
// state record for that change, so the mode timeline shows its Stop.
func TestRecordedStateOfMemberBuiltByModeSet(t *testing.T) {
	tests := []struct {
		name string
		ed   spec.Edition
		flow string
		want []spec.Mode
	}{
		{"draft-2023", spec.Draft2023, "  mode src stop\n  mode src freeze\n", []spec.Mode{spec.ModeStop, spec.ModeFreeze}},
		{"virtio-1.4", spec.Virtio14, "  mode src stopped\n", []spec.Mode{spec.ModeStop}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scenario.ParseScenario("built.scn", []byte("scenario built\nvfs 1\nhypervisor\n"+tt.flow))
			require.NoError(t, err)
			var w *World
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				var err error
				w, err = NewWorld(WorldConfig{Scenario: s, Edition: tt.ed, Rules: spec.DefaultRules(tt.ed), Record: true}, st)
				return w, err
			}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
			require.NoError(t, err)
			require.Nil(t, res.Finding)
			var got []spec.Mode
			for _, e := range w.Events() {
				if e.Kind == record.TraceState && e.Host == "src" && e.Target == "vf1" {
					got = append(got, e.State.Mode)
				}
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestAuditAfterFlowErrorWaitsForTheDevice: when the flow stops with an
// error while the vCPUs are halted, the hypervisor's end-of-run audit
// settles once everything else has (the halted vCPUs will not run again)
// and its admin commands wait for the device's answers, so the audit read
// happens; it used to start only when the world stalled, and every wait of
// its admin commands then gave up before the device answered.
func TestAuditAfterFlowErrorWaitsForTheDevice(t *testing.T) {
	tests := []struct {
		name string
		ed   spec.Edition
		flow string // reads the source's context, then fails
	}{
		{"draft-2023", spec.Draft2023, "  mode src stop\n  mode src freeze\n  read src\n  mode dst freeze fails=EINVAL/INVALID_FIELD\n"},
		{"virtio-1.4", spec.Virtio14, "  mode src stopped\n  save src\n  mode dst stopped fails=EINVAL/INVALID_FIELD\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			src := "scenario audit-after-error\nvfs 1\nguest a vf=1\n  probe\n  signal ready\n  await moved\n" +
				"hypervisor\n  await ready\n  halt-vcpus\n" + tt.flow + "  signal moved\n"
			s, err := scenario.ParseScenario("audit.scn", []byte(src))
			require.NoError(t, err)
			for seed := uint64(1); seed <= 5; seed++ {
				var w *World
				res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
					var err error
					w, err = NewWorld(WorldConfig{Scenario: s, Edition: tt.ed, Rules: spec.DefaultRules(tt.ed), Notes: true}, st)
					return w, err
				}, seed, engine.NewRandom(rand.New(rand.NewPCG(seed, 1))), engine.RunConfig{MaxSteps: 200000})
				require.NoError(t, err)
				require.NotNil(t, res.Finding)
				assert.Equal(t, "error:unexpected-success", res.Finding.Oracle, res.Finding.Message)
				audited := 0
				for _, n := range w.Notes() {
					assert.NotContains(t, n, "audit read of", "seed %d: the audit read completes", seed)
					if strings.Contains(n, "forwarded") && (strings.Contains(n, "DEV_CTX_READ") || strings.Contains(n, "DEV_PARTS_GET")) {
						audited++
					}
				}
				assert.GreaterOrEqual(t, audited, 2, "seed %d: the flow's read and the audit's reach the device", seed)
			}
		})
	}
}
