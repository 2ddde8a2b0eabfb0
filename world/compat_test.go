package world

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/devctx/compat"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// compatGuest is the guest program of the compatibility tests: it keeps
// writing while the hypervisor runs.
const compatGuest = `vfs 1
guest vcpu0
  probe
  write sector=0 count=2 pattern=0x41
  signal ready
  submit write sector=2 count=2 pattern=0x42
  wait
  read sector=0 count=4
`

// compatFlows are full migration flows with a precheck first; %s is
// spliced in before the write to the destination.
var compatFlows = map[spec.Edition]string{
	spec.Draft2023: `hypervisor on-error=rollback
  await ready
  precheck dst
  mode src stop
  read src
  halt-vcpus
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
%s  write dst
  switchover dst
  mode dst active
  resume-vcpus
`,
	spec.Virtio14: `hypervisor on-error=rollback
  await ready
  precheck dst
  vfio src PRE_COPY
  precopy src
  halt-vcpus
  vfio src PRE_COPY_P2P
  vfio src STOP_COPY
  copy-memory dst
  copy-pci dst
  vfio dst RESUMING
%s  vfio-write dst
  vfio dst STOP
  switchover dst
  vfio dst RUNNING
  resume-vcpus
  vfio src STOP
`,
}

// compatRun is one finished run of a compatibility scenario.
type compatRun struct {
	w       *World
	finding *engine.Finding
	refLog  []string
}

// runCompat runs src (a whole scenario) under ed with the first-step
// chooser, after its reference run, and returns the world at the end.
func runCompat(t *testing.T, ed spec.Edition, src string) compatRun {
	t.Helper()
	return runCompatRules(t, ed, spec.DefaultRules(ed), src)
}

// runCompatRules is runCompat under rules.
func runCompatRules(t *testing.T, ed spec.Edition, rules spec.Rules, src string) compatRun {
	t.Helper()
	s, err := scenario.ParseScenario("compat.scn", []byte(src))
	require.NoError(t, err)
	var ref *World
	_, err = engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		ref, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: rules, Reference: true}, st)
		return ref, err
	}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
	require.NoError(t, err)
	var w *World
	res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
		var err error
		w, err = NewWorld(WorldConfig{Scenario: s, Edition: ed, Rules: rules, ReferenceLog: ref.GuestLog(), Notes: true}, st)
		return w, err
	}, 1, firstChooser{}, engine.RunConfig{MaxSteps: 200000})
	require.NoError(t, err)
	return compatRun{w: w, finding: res.Finding, refLog: ref.GuestLog()}
}

// compatScenario builds a scenario: settings, the guest, the edition's flow
// with extra spliced in before the write.
func compatScenario(ed spec.Edition, settings, extra string) string {
	return "scenario compat\n" + settings + compatGuest + "\n" + fmt.Sprintf(compatFlows[ed], extra)
}

func memberMode(t *testing.T, h *host, vf int) spec.Mode {
	t.Helper()
	m, ok := h.pf.Member(vf)
	require.True(t, ok, "%s.vf%d exists", h.name, vf)
	return m.Status().Mode
}

// TestCompatPrecheckStopsBeforeTheSourceMoves: a precheck failure stops the
// flow before any DEV_MODE_SET reaches the source (which stays Active /
// running), with the IncompatibleError naming code, field, both values,
// member, model and phase, and the guest's log equals the reference run's.
func TestCompatPrecheckStopsBeforeTheSourceMoves(t *testing.T) {
	cases := []struct {
		name, settings string
		code           compat.MismatchCode
		text           string
	}{
		{"version", "set dst-caps=future\n", compat.CodeVersionTooOld, "version: state version 2 is too old for destination (min 3)"},
		{"model", "set dst-caps=net\n", compat.CodeModel, "model: source virtio-spec.org/pci/virtio-blk, destination virtio-spec.org/pci/virtio-net"},
		{"new feature on", "set dst-caps=older\nset src-param-secure-erase=on\n", compat.CodeParamUnknown, "param-unknown secure-erase: source true, destination does not know it"},
	}
	for _, ed := range spec.Editions {
		for _, c := range cases {
			t.Run(ed.String()+"/"+c.name, func(t *testing.T) {
				r := runCompat(t, ed, compatScenario(ed, c.settings, ""))
				require.NotNil(t, r.finding)
				assert.Equal(t, "error:incompatible", r.finding.Oracle)
				var ie *compat.IncompatibleError
				require.True(t, errors.As(r.w.hv.Err(), &ie), "%v", r.w.hv.Err())
				assert.Equal(t, []compat.MismatchCode{c.code}, ie.Codes())
				assert.Equal(t, compat.PhasePrecheck, ie.Phase)
				assert.Equal(t, uint64(1), ie.Member)
				assert.Equal(t, "precheck", r.w.hv.Outcome().Verb)
				assert.Contains(t, r.finding.Message, ": incompatible (precheck, member 1, model virtio-spec.org/pci/virtio-blk, impl migsim-blk/2.1.0): "+c.text)
				assert.NotContains(t, r.finding.Message, "devctx: ", "the finding names no Go package")
				src := r.w.hosts[0]
				assert.Equal(t, spec.ModeActive, memberMode(t, src, 1), "the source never left Active/running")
				assert.False(t, r.w.hv.Touched(0), "no migration command reached the source")
				assert.Same(t, src, r.w.vm)
				assert.False(t, r.w.vcpusHalted())
				assert.Equal(t, r.refLog, r.w.GuestLog(), "the guest cannot tell")
				assert.Contains(t, strings.Join(r.w.GuestLog(), "\n"), "read sector=0 count=4: status=0", "the guest ran to the end")
			})
		}
	}
}

// TestCompatCorruptStateRejectedAtLoad: a payload byte flipped in transit
// fails the CRC at load (error corrupt), nothing is applied to the
// destination, the source resumes and is the only host running the VF.
func TestCompatCorruptStateRejectedAtLoad(t *testing.T) {
	cases := []struct {
		name, corrupt, oracle string
		code                  compat.MismatchCode
	}{
		{"payload", "  corrupt vf=1 byte=-1\n", "error:corrupt", compat.CodeCorrupt},
		{"magic", "  corrupt byte=0\n", "error:incompatible", compat.CodeFormat},
	}
	for _, ed := range spec.Editions {
		for _, c := range cases {
			t.Run(ed.String()+"/"+c.name, func(t *testing.T) {
				r := runCompat(t, ed, compatScenario(ed, "", c.corrupt))
				require.NotNil(t, r.finding)
				assert.Equal(t, c.oracle, r.finding.Oracle, r.finding.Message)
				var ie *compat.IncompatibleError
				require.True(t, errors.As(r.w.hv.Err(), &ie), "%v", r.w.hv.Err())
				assert.Equal(t, compat.PhaseLoad, ie.Phase)
				assert.True(t, ie.Has(c.code), "%v", ie)
				assert.Contains(t, r.finding.Message, "rolled back to the source")
				src, dst := r.w.hosts[0], r.w.hosts[1]
				assert.Equal(t, spec.ModeActive, memberMode(t, src, 1), "the source resumed")
				assert.NotEqual(t, spec.ModeActive, memberMode(t, dst, 1), "the destination stays stopped")
				assert.Same(t, src, r.w.vm)
				assert.Equal(t, r.refLog, r.w.GuestLog(), "the guest cannot tell")
				if ed == spec.Virtio14 {
					assert.Zero(t, r.w.hv.MigDevice(dst, 1).RecordsApplied(), "no PARTS_SET reached the destination")
				}
			})
		}
	}
}

// TestRollbackFromFreezeUnderStrictChain: with transitions=strict-chain a
// draft device refuses Freeze → Active, so the rollback after a load
// failure takes the source's frozen VF through Stop; it was sent straight
// to Active, refused, and no host ran the VM's VF (one-running blamed
// the knob for the driver's shortcut).
func TestRollbackFromFreezeUnderStrictChain(t *testing.T) {
	// The compatibility flow with the destination taken along the chain.
	flow := strings.NewReplacer("  mode dst freeze\n", "  mode dst stop\n  mode dst freeze\n",
		"  mode dst active\n", "  mode dst stop\n  mode dst active\n").Replace(compatFlows[spec.Draft2023])
	flow = fmt.Sprintf(flow, "  corrupt vf=1 byte=-1\n")
	rules := spec.DefaultRules(spec.Draft2023)
	rules.Transitions = spec.TransitionsStrictChain
	r := runCompatRules(t, spec.Draft2023, rules, "scenario compat\n"+compatGuest+"\n"+flow)
	require.NotNil(t, r.finding)
	assert.Equal(t, "error:corrupt", r.finding.Oracle, r.finding.Message)
	assert.Contains(t, r.finding.Message, "rolled back to the source")
	src := r.w.hosts[0]
	assert.Equal(t, spec.ModeActive, memberMode(t, src, 1), "the source resumed")
	assert.Same(t, src, r.w.vm)
	assert.Equal(t, r.refLog, r.w.GuestLog(), "the guest cannot tell")
}

// TestCompatCorruptOffsetOutsideState: an offset past the state is a flow
// error naming it, not a panic.
func TestCompatCorruptOffsetOutsideState(t *testing.T) {
	r := runCompat(t, spec.Draft2023, compatScenario(spec.Draft2023, "", "  corrupt vf=1 byte=1000000\n"))
	require.NotNil(t, r.finding)
	assert.Equal(t, "error:flow", r.finding.Oracle)
	assert.Contains(t, r.finding.Message, "corrupt vf1 byte=1000000: outside the")
}

// TestCompatCorruptOpArgs: bad `corrupt` arguments that reach a world
// unchecked (scenario.Check refuses them at load) are flow errors naming
// the argument.
func TestCompatCorruptOpArgs(t *testing.T) {
	cases := []struct{ op, want string }{
		{"  corrupt vf=1\n", "corrupt: missing byte=N"},
		{"  corrupt byte=x\n", "corrupt: byte=x: want a number -1048576..1048576"},
		{"  corrupt vf=9 byte=1\n", "corrupt: vf=9: want a number 1..1"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			r := runCompat(t, spec.Draft2023, compatScenario(spec.Draft2023, "", c.op))
			require.NotNil(t, r.finding)
			assert.Equal(t, "error:flow", r.finding.Oracle)
			assert.Contains(t, r.finding.Message, c.want)
		})
	}
}

// TestCompatNewFeatureOff and old to new: a newer source with the new
// parameter at its off value goes to an older destination, and an older
// source goes to a newer destination, which runs the parameter the source
// omitted at its off value.
func TestCompatOldToNew(t *testing.T) {
	cases := []struct {
		name, settings string
		note           string
	}{
		{"new to old, feature off", "set dst-caps=older\nset src-param-secure-erase=off\n", ""},
		{"old to new", "set src-impl=older\nset dst-caps=current\n", "secure-erase=false runs at its off value"},
	}
	for _, ed := range spec.Editions {
		for _, c := range cases {
			t.Run(ed.String()+"/"+c.name, func(t *testing.T) {
				r := runCompat(t, ed, compatScenario(ed, c.settings, ""))
				require.Nil(t, r.finding, "%+v", r.finding)
				dst := r.w.hosts[1]
				assert.Same(t, dst, r.w.vm)
				assert.Equal(t, spec.ModeActive, memberMode(t, dst, 1))
				assert.NotEqual(t, spec.ModeActive, memberMode(t, r.w.hosts[0], 1))
				if c.note != "" {
					assert.Contains(t, strings.Join(r.w.Notes(), "\n"), c.note)
				}
				// The destination now runs its own implementation with the
				// source's parameters: secure-erase off, omitted.
				h, err := r.w.hv.Identity(dst).Header()
				require.NoError(t, err)
				_, listed := h.Param("secure-erase")
				assert.False(t, listed)
				assert.Equal(t, r.w.hv.Impl(dst), h.Impl)
			})
		}
	}
}

// TestCompatHeaderOnEveryPath: the state carries the source's header on the
// draft write, the virtio-1.4 save/load records and the VFIO stream; the
// manifest and the feature bits come from the payload.
func TestCompatHeaderOnEveryPath(t *testing.T) {
	saveLoad := `scenario compat
` + compatGuest + `
hypervisor edition=virtio-1.4
  await ready
  precheck dst
  halt-vcpus
  mode src stopped
  save src
  copy-memory dst
  copy-pci dst
  mode dst stopped
  load dst
  switchover dst
  mode dst running
  resume-vcpus
`
	cases := []struct {
		name  string
		ed    spec.Edition
		src   string
		saved func(w *World) ([]byte, error)
		parts bool
	}{
		{"draft write", spec.Draft2023, compatScenario(spec.Draft2023, "", ""), func(w *World) ([]byte, error) {
			return w.hv.SavedState(1)
		}, false},
		{"1.4 save/load", spec.Virtio14, saveLoad, func(w *World) ([]byte, error) {
			return w.hv.SavedState(1)
		}, true},
		{"1.4 vfio stream", spec.Virtio14, compatScenario(spec.Virtio14, "", ""), func(w *World) ([]byte, error) {
			return w.hv.SavedState(1)
		}, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := runCompat(t, c.ed, c.src)
			require.Nil(t, r.finding, "%+v", r.finding)
			saved, err := c.saved(r.w)
			require.NoError(t, err)
			h, payload, err := compat.DecodeSavedState(saved)
			require.NoError(t, err)
			assert.NotEmpty(t, payload)
			assert.Equal(t, compat.ModelBlk, h.Model)
			assert.Equal(t, uint16(2), h.StateVersion)
			assert.Equal(t, "migsim-blk/2.1.0", h.Impl)
			assert.Equal(t, []compat.Param{{Name: "num-queues", Value: compat.IntValue(1)}, {Name: "secure-erase", Value: compat.BoolValue(true)}}, h.Params)
			assert.Equal(t, uint64(blk.DefaultFeatures), h.DeviceFeatures)
			require.NotNil(t, h.DriverFeatures, "the driver features travel in the header")
			assert.NotZero(t, *h.DriverFeatures&(1<<spec.FeatureVersion1))
			if c.parts {
				var types []spec.PartType
				for _, p := range h.Parts {
					types = append(types, p.Type)
				}
				assert.Equal(t, []spec.PartType{spec.PartDevFeatures, spec.PartDrvFeatures, spec.PartPCICommonCfg,
					spec.PartDeviceStatus, spec.PartVQCfg, spec.PartVQNotifyCfg}, types, "the reference member's parts, in GET order")
			} else {
				assert.Empty(t, h.Parts, "a draft context carries fields, not parts")
			}
		})
	}
}

// TestCompatSettings: every setting is checked against the settings table
// when the world is built; a bad one names the setting and what would have
// been right.
func TestCompatSettings(t *testing.T) {
	cases := []struct{ set, want string }{
		{"src-impl=newest", `set src-impl=newest: want one of current, future, net, net-4pairs, net-current, older`},
		{"dst-caps=x", `set dst-caps=x: want one of current, future, net, net-4pairs, net-current, older`},
		{"dst2-caps=x", `set dst2-caps=x: want one of current, future, net, net-4pairs, net-current, older`},
		{"dst3-caps=older", "unknown setting dst3-caps (settings: hv-await, capacity, src-impl, dst-caps, dst2-caps, src-param-NAME, vm-vfs, vf-device, obj-limit, posted-writes); did you mean dst-caps?"},
		{"src-param-rss=on", `set src-param-rss=on: implementation current has no parameter "rss" (has num-queues, secure-erase)`},
		{"src-param-secure-erase=maybe", "set src-param-secure-erase=maybe: secure-erase=maybe: want on or off"},
		{"src-param-num-queues=four", "set src-param-num-queues=four: num-queues=four: want an integer"},
		{"capacity=-5", "set capacity=-5: want a number 1..4294967296"},
		{"capacity=abc", "set capacity=abc: want a number 1..4294967296"},
		{"bogus=1", "unknown setting bogus"},
	}
	for _, c := range cases {
		t.Run(c.set, func(t *testing.T) {
			s, err := scenario.ParseScenario("compat.scn", []byte("scenario compat\nset "+c.set+"\n"+compatGuest))
			require.NoError(t, err)
			_, err = NewWorld(WorldConfig{Scenario: s, Edition: spec.Draft2023, Rules: spec.DefaultRules(spec.Draft2023)}, engine.NewStreams(1))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "world: compat.scn: "+c.want)
		})
	}
}

// TestCompatAtomicLoadDeviceRejects: a write or load the device itself
// rejects (DEV_CTX_WRITE outside Freeze, DRAFT-CTX-01; PARTS_SET while
// running, DP-DEV-04) passes the compatibility check, fails at the device
// and leaves the member as it was: the verdict is the admin error, not
// atomic-load, and the source resumes.
func TestCompatAtomicLoadDeviceRejects(t *testing.T) {
	cases := []struct {
		ed   spec.Edition
		flow string
	}{
		{spec.Draft2023, `hypervisor on-error=rollback
  await ready
  precheck dst
  halt-vcpus
  mode src stop
  mode src freeze
  read src
  copy-memory dst
  write dst
`},
		{spec.Virtio14, `hypervisor on-error=rollback
  await ready
  precheck dst
  halt-vcpus
  mode src stopped
  save src
  copy-memory dst
  load dst
`},
	}
	for _, c := range cases {
		t.Run(c.ed.String(), func(t *testing.T) {
			r := runCompat(t, c.ed, "scenario compat\n"+compatGuest+"\n"+c.flow)
			require.NotNil(t, r.finding)
			assert.Equal(t, "error:EINVAL/INVALID_FIELD", r.finding.Oracle, r.finding.Message)
			assert.Contains(t, r.finding.Message, "rolled back to the source")
			assert.Equal(t, spec.ModeActive, memberMode(t, r.w.hosts[0], 1))
			assert.Same(t, r.w.hosts[0], r.w.vm)
		})
	}
}
