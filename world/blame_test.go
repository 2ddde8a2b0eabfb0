package world

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/vocab"
)

// ignoresModeSet is a member that answers every DEV_MODE_SET with status
// OK and stays as it is (running): the host's record says the mode the
// hypervisor set, the member's status does not.
type ignoresModeSet struct {
	member.Device
	ed spec.Edition
}

func (d *ignoresModeSet) Handle(ev member.Event) member.Effects {
	op := uint16(spec.OpDevModeSet)
	if d.ed == spec.Draft2023 {
		op = uint16(spec.DraftOpDevModeSet)
	}
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == op {
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusOK}}}
	}
	return d.Device.Handle(ev)
}

// claimsHalted is a member whose status reports the mode a vCPU access is
// blamed in (Freeze under draft-2023, Stop under virtio-1.4) from the
// start, although nobody set it and it runs as the reference device does.
type claimsHalted struct {
	member.Device
	mode spec.Mode
}

func (d *claimsHalted) Status() member.Status {
	s := d.Device.Status()
	s.Mode = d.mode
	return s
}

// blameScenario lets the guest ring its VF's doorbell once the hypervisor
// ran its commands (none, or stop and freeze under draft-2023, stop under
// virtio-1.4), without halting the vCPUs; with posted writes the
// hypervisor's last command comes after the kick instead, so the kick
// lands after it.
func blameScenario(hvBefore, hvAfter string) string {
	return `scenario blame
vfs 1
set hv-await=ready
guest vcpu0
  probe
  signal ready
  await go
  submit write sector=0 count=2 pattern=0x51
  signal kicked
hypervisor
  await ready
` + hvBefore + `  signal go
  await kicked
` + hvAfter
}

// TestBlameFromHostRecord: whether a vCPU's access is blamed on the
// hypervisor follows what the host set through mode commands that
// completed with status OK (the host's record), not the member's account
// of its mode. A member that ignores DEV_MODE_SET and stays running still
// leaves the hypervisor to blame for the vCPU it did not halt, at the
// access (checkHalted) and when a posted write lands (checkLanded); a
// member that reports Freeze or Stop that nobody set blames nobody.
func TestBlameFromHostRecord(t *testing.T) {
	ignores := func(c member.Config) member.Device { return &ignoresModeSet{Device: blk.New(c), ed: c.Edition} }
	claims := func(c member.Config) member.Device {
		m := spec.ModeStop
		if c.Edition == spec.Draft2023 {
			m = spec.ModeFreeze
		}
		return &claimsHalted{Device: blk.New(c), mode: m}
	}
	halt := map[spec.Edition]string{spec.Draft2023: "  mode src stop\n  mode src freeze\n", spec.Virtio14: "  mode src stopped\n"}
	active, frozen, stopped := spec.ModeActive, spec.ModeFreeze, spec.ModeStop
	for _, tc := range []struct {
		name    string
		ed      spec.Edition
		factory member.Factory
		posted  string
		halted  bool      // the hypervisor sets the mode
		says    spec.Mode // the member's status at the end
		want    string    // the blame ("": none)
	}{
		{"draft ignores freeze", spec.Draft2023, ignores, vocab.PostedImmediate, true, active,
			"the hypervisor froze src.vf1 without halting the vCPUs: vcpu0 ran"},
		{"1.4 ignores stop", spec.Virtio14, ignores, vocab.PostedImmediate, true, active,
			"the hypervisor stopped src.vf1 without halting the vCPUs: vcpu0 ran"},
		{"draft ignores freeze, posted", spec.Draft2023, ignores, vocab.PostedUnordered, true, active,
			"the hypervisor froze src.vf1 with a posted write in flight: vcpu0 issued MWr"},
		{"1.4 ignores stop, posted", spec.Virtio14, ignores, vocab.PostedUnordered, true, active,
			"the hypervisor stopped src.vf1 with a posted write in flight: vcpu0 issued MWr"},
		{"draft reference device", spec.Draft2023, blk.New, vocab.PostedImmediate, true, frozen,
			"the hypervisor froze src.vf1 without halting the vCPUs"},
		{"1.4 reference device, posted", spec.Virtio14, blk.New, vocab.PostedUnordered, true, stopped,
			"the hypervisor stopped src.vf1 with a posted write in flight"},
		{"draft claims Freeze", spec.Draft2023, claims, vocab.PostedImmediate, false, frozen, ""},
		{"1.4 claims Stop", spec.Virtio14, claims, vocab.PostedImmediate, false, stopped, ""},
		{"draft claims Freeze, posted", spec.Draft2023, claims, vocab.PostedUnordered, false, frozen, ""},
		{"1.4 claims Stop, posted", spec.Virtio14, claims, vocab.PostedUnordered, false, stopped, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, after := "", ""
			if tc.halted && tc.posted == vocab.PostedImmediate {
				before = halt[tc.ed]
			} else if tc.halted {
				after = halt[tc.ed]
			}
			s, err := scenario.ParseScenario("blame.scn", []byte(blameScenario(before, after)))
			require.NoError(t, err)
			var w *World
			res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
				var err error
				w, err = NewWorld(WorldConfig{Scenario: s, Edition: tc.ed, Rules: spec.DefaultRules(tc.ed), Factory: tc.factory,
					Settings: []scenario.Arg{{Key: vocab.SettingPostedWrites, Value: tc.posted}}}, st)
				return w, err
			}, 1, lazyBus{}, engine.RunConfig{MaxSteps: 100000})
			require.NoError(t, err)
			require.Nil(t, res.Finding, "the footprint guard and the flow pass")
			m, ok := w.hosts[0].pf.Member(1)
			require.True(t, ok)
			assert.Equal(t, tc.says, m.Status().Mode, "the member's account")
			recorded := spec.ModeActive
			if tc.halted {
				recorded = w.haltMode()
			}
			assert.Equal(t, recorded, w.hosts[0].truth.Mode(1), "the host's record")
			if tc.want == "" {
				assert.Empty(t, w.blame)
				return
			}
			assert.Contains(t, w.blame, tc.want)
		})
	}
}

// TestBlameAnotherVMsVF: a VF the hypervisor quiesced that is not the VM's
// belongs to another VM, whose vCPU halt-vcpus would not have halted: the
// blame says so, rather than that the hypervisor forgot to halt the vCPUs.
func TestBlameAnotherVMsVF(t *testing.T) {
	for _, tc := range []struct {
		name, flow, want string
		ed               spec.Edition
	}{
		{"draft-2023", "  halt-vcpus\n  mode src stop vf=2\n  mode src freeze vf=2\n",
			"the hypervisor froze src.vf2, a VF of another VM (not in vm-vfs), whose vCPU halt-vcpus does not halt: other ran", spec.Draft2023},
		{"virtio-1.4", "  halt-vcpus\n  mode src stopped vf=2\n",
			"the hypervisor stopped src.vf2, a VF of another VM (not in vm-vfs), whose vCPU halt-vcpus does not halt: other ran", spec.Virtio14},
		{"the VM's own VF", "  mode src stopped vf=1\n",
			"the hypervisor stopped src.vf1 without halting the vCPUs: vcpu0 ran", spec.Virtio14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "scenario other\nvfs 2\nset vm-vfs=1\nguest vcpu0 vf=1\n  probe\n  signal ready\n  await go\n  write sector=0 count=2\n" +
				"guest other vf=2\n  probe\n  signal ready2\n  await go\n  submit write sector=8 count=2\n" +
				"hypervisor\n  await ready\n  await ready2\n" + tc.flow + "  signal go\n"
			w := runFirstPicks(t, "other.scn", src, tc.ed)
			assert.Contains(t, w.blame, tc.want)
		})
	}
}

// TestBlameResumeOverQuiesced: a vCPU that reaches a VF the hypervisor
// quiesced while the vCPUs were halted, because resume-vcpus let them run
// before a mode command ran the VF again, is blamed on that resume, not on
// a missing halt-vcpus; a VF quiesced again after the resume (a mode
// command for it while the vCPUs run) is the missing halt again.
func TestBlameResumeOverQuiesced(t *testing.T) {
	for _, tc := range []struct {
		name, flow, want string
		ed               spec.Edition
	}{
		{"draft-2023", "  halt-vcpus\n  mode src stop\n  mode src freeze\n  resume-vcpus\n",
			"the hypervisor resumed the vCPUs while src.vf1 was still frozen (resume-vcpus before a mode command ran it again): vcpu0 ran", spec.Draft2023},
		{"virtio-1.4", "  halt-vcpus\n  mode src stopped\n  resume-vcpus\n",
			"the hypervisor resumed the vCPUs while src.vf1 was still stopped (resume-vcpus before a mode command ran it again): vcpu0 ran", spec.Virtio14},
		{"halted again", "  halt-vcpus\n  mode src stopped\n  resume-vcpus\n  halt-vcpus\n  mode src running\n  resume-vcpus\n  mode src stopped\n",
			"the hypervisor stopped src.vf1 without halting the vCPUs: vcpu0 ran", spec.Virtio14},
		{"stopped again after the resume", "  halt-vcpus\n  mode src stopped\n  resume-vcpus\n  mode src running\n  mode src stopped\n",
			"the hypervisor stopped src.vf1 without halting the vCPUs: vcpu0 ran", spec.Virtio14},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "scenario resumed\nvfs 1\nguest vcpu0 vf=1\n  probe\n  signal ready\n  await go\n  write sector=0 count=2\n" +
				"hypervisor\n  await ready\n" + tc.flow + "  signal go\n"
			w := runFirstPicks(t, "resumed.scn", src, tc.ed)
			assert.Contains(t, w.blame, tc.want)
		})
	}
}

// TestBlameFlowMistakes: a flow that switches the VM over to a copy of
// its memory made while the VM could still change it, runs a destination
// VF before the switchover, or ends with a VF of the VM stopped or frozen
// where the VM runs, is blamed on the hypervisor (package
// world/flowblame); the default flows and a careful one are not.
func TestBlameFlowMistakes(t *testing.T) {
	const move14 = "  mode src stopped\n  save src\n  copy-memory dst\n  copy-pci dst\n  mode dst stopped\n  load dst\n" +
		"  switchover dst\n  mode dst running\n"
	const moveDraft = "  mode src stop\n  mode src freeze\n  read src\n  copy-memory dst\n  copy-pci dst\n  mode dst freeze\n" +
		"  write dst\n  switchover dst\n  mode dst active\n"
	noCopy := func(flow string) string { return strings.Replace(flow, "  copy-memory dst\n", "", 1) }
	for _, tc := range []struct {
		name, flow, want string
		ed               spec.Edition
	}{
		{"1.4 copy before halt-vcpus", "  copy-memory dst\n  signal go\n  await wrote\n  halt-vcpus\n" + noCopy(move14) + "  resume-vcpus\n",
			"the hypervisor switched the VM over to dst with the copy of its memory that copy-memory dst made while the vCPUs ran: what changed after it stayed on src",
			spec.Virtio14},
		{"draft copy before halt-vcpus", "  copy-memory dst\n  signal go\n  await wrote\n  halt-vcpus\n" + noCopy(moveDraft) + "  resume-vcpus\n",
			"copy-memory dst made while the vCPUs ran", spec.Draft2023},
		{"1.4 copy before the VF stopped", "  halt-vcpus\n  copy-memory dst\n" + noCopy(move14) + "  resume-vcpus\n  signal go\n",
			"copy-memory dst made while src.vf1 ran (its DMA could still write the VM's memory)", spec.Virtio14},
		{"1.4 vCPUs resumed after the copy", "  halt-vcpus\n" + move14[:len(move14)-len("  switchover dst\n  mode dst running\n")] +
			"  resume-vcpus\n  signal go\n  await wrote\n  halt-vcpus\n  switchover dst\n  mode dst running\n  resume-vcpus\n",
			"copy-memory dst made before resume-vcpus let the vCPUs run again", spec.Virtio14},
		{"1.4 destination run before the switchover", "  halt-vcpus\n  mode src stopped\n  save src\n  copy-memory dst\n  copy-pci dst\n" +
			"  mode dst stopped\n  load dst\n  mode dst running\n  switchover dst\n  resume-vcpus\n  signal go\n",
			"the hypervisor ran dst.vf1 before it switched the VM over to dst: what the VF signalled then (its interrupts) went to a host the VM was not on",
			spec.Virtio14},
		{"draft destination run before the switchover", "  halt-vcpus\n  mode src stop\n  mode src freeze\n  read src\n  copy-memory dst\n" +
			"  copy-pci dst\n  mode dst freeze\n  write dst\n  mode dst active\n  switchover dst\n  resume-vcpus\n  signal go\n",
			"the hypervisor ran dst.vf1 before it switched the VM over to dst", spec.Draft2023},
		{"draft Stop never undone", "  halt-vcpus\n  mode src stop\n  resume-vcpus\n  signal go\n",
			"the hypervisor ended its flow with src.vf1 in Stop on src, where the VM runs: no mode command ran it again", spec.Draft2023},
		{"draft Freeze never undone", "  halt-vcpus\n  mode src stop\n  mode src freeze\n  resume-vcpus\n  signal go\n",
			"the hypervisor ended its flow with src.vf1 in Freeze on src", spec.Draft2023},
		{"1.4 stop never undone", "  halt-vcpus\n  mode src stopped\n  resume-vcpus\n  signal go\n",
			"the hypervisor ended its flow with src.vf1 in stopped on src", spec.Virtio14},
		{"1.4 destination left stopped", "  halt-vcpus\n" + move14[:len(move14)-len("  mode dst running\n")] + "  resume-vcpus\n  signal go\n",
			"the hypervisor ended its flow with dst.vf1 in stopped on dst", spec.Virtio14},
		{"1.4 careful flow", "  halt-vcpus\n" + move14 + "  resume-vcpus\n  signal go\n", "", spec.Virtio14},
		{"draft careful flow", "  halt-vcpus\n" + moveDraft + "  resume-vcpus\n  signal go\n", "", spec.Draft2023},
		{"1.4 default flow", "", "", spec.Virtio14},
		{"draft default flow", "", "", spec.Draft2023},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := "scenario flow\nvfs 1\nguest vcpu0\n  probe\n  write sector=0 count=2\n  signal ready\n"
			if tc.flow != "" {
				src += "  await go\n  write sector=8 count=2\n  signal wrote\n  read sector=0 count=2\n" +
					"hypervisor\n  await ready\n" + tc.flow
			}
			w := runFirstPicks(t, "flow.scn", src, tc.ed)
			require.Nil(t, w.hv.Err(), "the flow runs to its end")
			if tc.want == "" {
				assert.Empty(t, w.flowNotes.Blame())
				return
			}
			assert.Contains(t, w.flowNotes.Blame(), tc.want)
		})
	}
}

// runFirstPicks runs the scenario src (named name) under ed with the first
// enabled step at every decision, and returns the world it ran.
func runFirstPicks(t *testing.T, name, src string, ed spec.Edition) *World {
	t.Helper()
	s, err := scenario.ParseScenario(name, []byte(src))
	require.NoError(t, err)
	var w *World
	_, err = engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: spec.DefaultRules(ed)}, st)
		return w, err
	}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 100000})
	require.NoError(t, err)
	return w
}
