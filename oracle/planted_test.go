package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/owner"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// plant is one case of the planted-bug suite: a scenario, the bug (a
// device wrapper, an owner fault, or none when the scenario's hypervisor
// program is the fault) and the verdict the full registry must give. A
// case whose want is its oracle proves the oracle fires, and that no other
// (weaker) oracle fires first; any other want is a clean case the oracle
// must stay silent on.
type plant struct {
	oracle string
	name   string
	ed     spec.Edition
	knobs  []string
	scn    string
	device func(member.Factory) member.Factory
	// netDevice wraps the virtio-net factory of a world of net VFs.
	netDevice func(member.Factory) member.Factory
	owner     func(host string, ev owner.Event, fx *owner.Effects)
	// want is the finding's oracle ("" for none); msg a part of its
	// message, where another (what of the guests' memory an access
	// touched); reqs requirement IDs it carries; noReqs: it carries none.
	want   string
	msg    string
	where  string
	reqs   []string
	noReqs bool
	// without is what the run gives with the registry minus oracle (see
	// TestDisableEachOracle).
	without string
}

// planted is the suite. Every oracle of the registry has a case that fires
// and a clean case (TestPlantedCoversTheRegistry).
var planted = []plant{
	{oracle: "no-notify-when-stopped", name: "interrupt on a kick in Stop", ed: spec.Draft2023, scn: stopKick,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &notifyWhenStopped{d, c} }),
		want:   "no-notify-when-stopped", msg: "src.vf1 sent MSI-X", reqs: []string{"DRAFT-STOP-01"}},
	{oracle: "no-notify-when-stopped", name: "interrupt on a kick while stopped", ed: spec.Virtio14, scn: stopKick,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &notifyWhenStopped{d, c} }),
		want:   "no-notify-when-stopped", msg: "after the owner stopped it (stopped)", reqs: []string{"DP-DEV-11"}},
	{oracle: "no-notify-when-stopped", name: "clean", ed: spec.Virtio14, scn: stopKick},

	{oracle: "no-dma-when-stopped", name: "memory read on a kick in Stop", ed: spec.Draft2023, scn: stopKick,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &dmaWhenStopped{d, c} }),
		want:   "no-dma-when-stopped", msg: "src.vf1 accessed guest memory after the owner stopped it (Stop): MRd", reqs: []string{"DRAFT-STOP-02"}},
	{oracle: "no-dma-when-stopped", name: "memory read on a kick while stopped", ed: spec.Virtio14, scn: stopKick,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &dmaWhenStopped{d, c} }),
		want:   "no-dma-when-stopped", msg: "after the owner stopped it (stopped)", reqs: []string{"DP-DEV-11"}},
	{oracle: "no-dma-when-stopped", name: "clean", ed: spec.Draft2023, scn: stopKick},

	{oracle: "frozen-context", name: "kick recorded in Freeze", ed: spec.Draft2023, scn: freezeKick,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &kickInFreeze{Device: d, c: c} }),
		want:   "frozen-context", msg: "src.vf1: device context changed in Freeze: a read after the first returned VQ_SPLIT_RUNTIME_CFG", reqs: []string{"DRAFT-FRZ-02"}},
	{oracle: "frozen-context", name: "clean", ed: spec.Draft2023, scn: freezeKick},
	{oracle: "frozen-context", name: "clean: freeze-notify=latch records the kick", ed: spec.Draft2023, scn: freezeKick,
		knobs: []string{"freeze-notify=latch"}},

	{oracle: "admin-status", name: "success with qualifier INVALID_FIELD", ed: spec.Draft2023, scn: stopKick, owner: okWithQualifier,
		want: "admin-status", msg: "src.pf: DEV_MODE_SET (member 1) succeeded with qualifier INVALID_FIELD, want OK", reqs: []string{"ADM-DEV-02"}},
	{oracle: "admin-status", name: "failed command changed the member", ed: spec.Draft2023, scn: badMode,
		device: wrap(func(_ member.Config, d member.Device) member.Device { return &changedOnFailure{d} }),
		want:   "admin-status", msg: "src.vf1: DEV_MODE_SET failed EINVAL/INVALID_FIELD but changed the member (mode Active → Stop)",
		reqs: []string{"ADM-DEV-03"}, without: "readback"},
	{oracle: "admin-status", name: "failed command changed the context of the member it names, the second of two", ed: spec.Draft2023, scn: badModeVF2,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &contextOnFailure{Device: d, c: c} }),
		want:   "admin-status", msg: "src.vf2: DEV_MODE_SET failed EINVAL/INVALID_FIELD but changed the member (mode Active → Active)",
		reqs: []string{"ADM-DEV-03"}, without: "error:EINVAL/INVALID_FIELD"},
	{oracle: "admin-status", name: "an ENOMEM changed the member", ed: spec.Draft2023, scn: readTooSmall,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &contextOnENOMEM{Device: d, c: c} }),
		want:   "admin-status", msg: "src.vf1: DEV_CTX_READ failed ENOMEM/NORESOURCE but changed the member",
		reqs: []string{"AVQ-DEV-05"}, without: ""},
	{oracle: "admin-status", name: "clean: an ENOMEM that changes nothing", ed: spec.Draft2023, scn: readTooSmall},
	{oracle: "admin-status", name: "a reserved mode refused without a reason", ed: spec.Draft2023, scn: badMode,
		device: wrap(func(_ member.Config, d member.Device) member.Device { return &einvalWithoutQualifier{d} }),
		want:   "admin-status", msg: "src.vf1: DEV_MODE_SET failed EINVAL/OK, want EINVAL/INVALID_FIELD: the member's completion, which src.pf forwarded",
		reqs: []string{"DRAFT-MODE-02"}, without: "error:EINVAL/OK"},
	{oracle: "admin-status", name: "a reserved mode refused with another of EINVAL's qualifiers", ed: spec.Draft2023, scn: badMode,
		device: wrap(func(_ member.Config, d member.Device) member.Device { return &refusalQualifier{d, spec.QInvalidMember} }),
		want:   "admin-status", msg: "src.vf1: DEV_MODE_SET failed EINVAL/INVALID_MEMBER, want EINVAL/INVALID_FIELD",
		reqs: []string{"DRAFT-MODE-02"}, without: "error:EINVAL/INVALID_MEMBER"},
	{oracle: "admin-status", name: "a context write in Active refused with another of EINVAL's qualifiers", ed: spec.Draft2023, scn: writeInActive,
		device: wrap(func(_ member.Config, d member.Device) member.Device { return &refusalQualifier{d, spec.QInvalidOpcode} }),
		want:   "admin-status", msg: "src.vf1: DEV_CTX_WRITE failed EINVAL/INVALID_OPCODE, want EINVAL/INVALID_FIELD",
		reqs: []string{"DRAFT-CTX-01"}, without: "error:EINVAL/INVALID_OPCODE"},
	{oracle: "admin-status", name: "clean: a context write in Active refused", ed: spec.Draft2023, scn: writeInActive},
	{oracle: "admin-status", name: "EINVAL without a reason", ed: spec.Draft2023, scn: directFreeze, knobs: []string{"transitions=strict-chain"},
		device: wrap(func(_ member.Config, d member.Device) member.Device { return &einvalWithoutQualifier{d} }),
		want:   "admin-status", msg: "src.vf1: DEV_MODE_SET failed EINVAL with qualifier OK, none of EINVAL's: the member's completion, which src.pf forwarded",
		noReqs: true, without: "error:EINVAL/OK"},
	{oracle: "admin-status", name: "clean: another qualifier of EINVAL where none is fixed", ed: spec.Draft2023, scn: directFreeze,
		knobs: []string{"transitions=strict-chain"},
		device: wrap(func(_ member.Config, d member.Device) member.Device {
			return &refusalQualifier{d, spec.QInvalidCommand}
		}),
		want: "error:EINVAL/INVALID_COMMAND"},
	{oracle: "admin-status", name: "the owner's own EINVAL without a reason", ed: spec.Virtio14, scn: saveLoad(""), owner: ownEINVALWithoutQualifier,
		want: "admin-status", msg: "dst.pf: LIST_QUERY (member 0) failed EINVAL with qualifier OK", reqs: []string{"ADM-DEV-01"}},
	{oracle: "admin-status", name: "clean: a reserved mode is refused", ed: spec.Draft2023, scn: badMode, want: "error:EINVAL/INVALID_FIELD"},

	{oracle: "atomic-load", name: "a rejected SET changed the member", ed: spec.Virtio14, scn: saveLoad(""),
		device: wrap(func(c member.Config, d member.Device) member.Device { return &changesOnRejectedSet{Device: d, c: c} }),
		want:   "atomic-load", msg: "dst.vf1 changed although its load was rejected", reqs: []string{"DP-DEV-08"},
		without: "error:EINVAL/INVALID_FIELD"},
	{oracle: "atomic-load", name: "clean", ed: spec.Virtio14, scn: saveLoad("")},
	{oracle: "atomic-load", name: "clean: a damaged record is rejected before it is sent", ed: spec.Virtio14,
		scn: saveLoad("  corrupt vf=1 byte=-1\n"), want: "error:corrupt"},
	// The owner's PF reset during the load loses its command and removes the
	// VFs: the member changes by the reset the host saw (the owner driver's
	// commands failed with it), not by the rejected load.
	{oracle: "atomic-load", name: "clean: the destination's PF reset during the load", ed: spec.Virtio14,
		scn: pfFLRDuringLoad, want: "error:owner-reset"},

	{oracle: "readback", name: "DEV_MODE_GET lies", ed: spec.Draft2023, scn: stopOnly, device: mutant("mode-get-lies"),
		want: "readback", msg: "src.vf1: DEV_MODE_GET returned Active, but the last DEV_MODE_SET that succeeded set Stop",
		reqs: []string{"DRAFT-MODE-04"}},
	{oracle: "readback", name: "context size under-reported", ed: spec.Draft2023, scn: freezeRead, device: mutant("under-reports-context-size"),
		want: "readback", msg: "src.vf1: DEV_CTX_SIZE_GET reported 384 bytes; the first DEV_CTX_READ after it returned 368 bytes and the context did not end there: 1 more read followed with 40 bytes more (408 in all)", reqs: []string{"DRAFT-CTX-06"}},
	{oracle: "readback", name: "parts size under-reported", ed: spec.Virtio14, scn: saveLoad(""), device: mutant("under-reports-context-size"),
		// Without readback nothing notices: Linux's page-sized buffer takes
		// the whole parts although the size was 16 bytes short.
		// A size the parts outgrow breaks what DEV_PARTS_METADATA_GET
		// answers (DP-DEV-15), not the order of the parts (DP-DEV-03).
		want: "readback", msg: "src.vf1: DEV_PARTS_METADATA_GET(SIZE) reported 197 bytes; the DEV_PARTS_GET(ALL) right after it returned 213 bytes: more than the size",
		reqs: []string{"DP-DEV-15"}},
	{oracle: "readback", name: "clean", ed: spec.Draft2023, scn: dropWrite},
	// A running member's parts may change between the size query and the
	// read (a guest's MAC_TABLE_SET during PRE_COPY grows them): from the
	// host, a size short of the read is growth, not a false size.
	{oracle: "readback", name: "clean: a running member's read may outgrow the size", ed: spec.Virtio14, scn: precopyOnly14,
		device: mutant("under-reports-context-size")},

	{oracle: "self-report", name: "status says Active after a stop", ed: spec.Draft2023, scn: stopOnly, device: mutant("reports-active-while-stopped"),
		want: "self-report", msg: "src.vf1 claims Active although the owner set Stop"},
	{oracle: "self-report", name: "status says running after a stop", ed: spec.Virtio14, scn: stopOnly14, device: mutant("reports-active-while-stopped"),
		want: "self-report", msg: "src.vf1 claims running although the owner set stopped"},
	{oracle: "self-report", name: "digest moves, reads do not", ed: spec.Draft2023, scn: dropWrite, device: mutant("digest-unstable"),
		want: "self-report", msg: "src.vf1: its context digest changed"},
	// A digest kept from an earlier context: each quiesced epoch's reads
	// agree with it, the first read of the next one no longer does, where
	// every read returns the whole context.
	{oracle: "self-report", name: "digest stale after the context changed", ed: spec.Draft2023, scn: readResumeRead, knobs: []string{"read=full"},
		device: mutant("digest-stale"),
		want:   "self-report", msg: "src.vf1: its context reads changed since its read in an earlier quiesced epoch but its context digest did not"},
	{oracle: "self-report", name: "clean", ed: spec.Draft2023, scn: dropWrite},
	{oracle: "self-report", name: "clean: a context that changed between two quiesced epochs", ed: spec.Draft2023, scn: readResumeRead,
		knobs: []string{"read=full"}},
	{oracle: "self-report", name: "clean: parts read in two quiesced epochs", ed: spec.Virtio14, scn: readResumeRead},
	// Incremental reads two epochs apart say nothing of the whole context:
	// not judged across epochs.
	{oracle: "self-report", name: "clean: incremental reads across epochs are not compared", ed: spec.Draft2023, scn: readResumeRead,
		device: mutant("digest-stale")},

	{oracle: "no-run-before-resume", name: "destination interrupts before its stop", ed: spec.Draft2023, scn: dropWrite,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &interruptOnMSIXWrite{Device: d, c: c} }),
		want:   "no-run-before-resume", msg: "dst.vf1 ran while the VM runs on src and the hypervisor has not resumed it: MSI-X",
		reqs: []string{"DRAFT-CTX-01"}},
	{oracle: "no-run-before-resume", name: "destination interrupts before it is stopped", ed: spec.Virtio14, scn: saveLoad(""),
		device: wrap(func(c member.Config, d member.Device) member.Device { return &interruptOnMSIXWrite{Device: d, c: c} }),
		want:   "no-run-before-resume", msg: "dst.vf1 ran while the VM runs on src", reqs: []string{"DP-DEV-08"}},
	// The FLR window: an FLR ended the destination's stop
	// (mode-after-flr=running) and the member interrupts, or reads guest
	// memory, when the hypervisor copies its PCI state again, before it
	// stops and resumes it.
	{oracle: "no-run-before-resume", name: "destination interrupts after an FLR ended its stop", ed: spec.Virtio14, knobs: []string{"mode-after-flr=running"}, scn: flrEndsDestinationStop,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &runsAfterFLR{Device: d, c: c} }),
		want:   "no-run-before-resume", msg: "dst.vf1 ran while the VM runs on src and the hypervisor has not resumed it: MSI-X",
		reqs: []string{"DP-DEV-08"}, without: "msix-target"}, // the FLR reset entry 0, which the copy has not written yet
	{oracle: "no-run-before-resume", name: "destination reads guest memory after an FLR ended its stop", ed: spec.Virtio14, knobs: []string{"mode-after-flr=running"}, scn: flrEndsDestinationStop,
		device: wrap(func(c member.Config, d member.Device) member.Device { return &runsAfterFLR{Device: d, c: c, dma: true} }),
		want:   "no-run-before-resume", msg: "dst.vf1 ran while the VM runs on src and the hypervisor has not resumed it: MRd",
		reqs: []string{"DP-DEV-08"}},
	{oracle: "no-run-before-resume", name: "clean", ed: spec.Draft2023, scn: dropWrite},
	{oracle: "no-run-before-resume", name: "clean: an FLR ended the destination's stop", ed: spec.Virtio14, knobs: []string{"mode-after-flr=running"},
		scn: flrEndsDestinationStop},
	{oracle: "no-run-before-resume", name: "clean: resumed on the destination before the switchover", ed: spec.Draft2023,
		scn: resumeBeforeSwitchover},

	{oracle: "one-running", name: "both running", ed: spec.Virtio14, scn: compatGuest + bothRunning,
		want: "one-running", msg: "the VM's VFs run on src and dst (running) at the end of the migration"},
	{oracle: "one-running", name: "neither", ed: spec.Draft2023, scn: compatGuest + neitherRunning,
		want: "one-running", msg: "no host runs the VM's VFs (Active) at the end of the migration", without: "transparent"},
	{oracle: "one-running", name: "wrong host", ed: spec.Draft2023, scn: compatGuest + wrongHost,
		want: "one-running", msg: "the VM's VFs run on dst but the VM runs on src (Active) at the end of the migration",
		without: "transparent"},
	{oracle: "one-running", name: "rollback after the destination resumed", ed: spec.Draft2023, scn: compatGuest + rollbackAfterResume,
		want: "one-running", msg: "the VM's VFs run on src and dst (Active) after the rollback of planted.scn:22 mode",
		without: "error:flow"},
	// Switched over without any state on the destination: a migration,
	// not a source-only flow, although no migration command addressed dst.
	{oracle: "one-running", name: "switched over to a destination that took no state", ed: spec.Draft2023, scn: compatGuest + switchedEmpty,
		want: "one-running", msg: "no host runs the VM's VFs (Active) at the end of the migration", without: "transparent"},
	{oracle: "one-running", name: "clean: source only (the guest notices)", ed: spec.Draft2023, scn: compatGuest + sourceOnly,
		want: "transparent"},
	{oracle: "one-running", name: "clean: the default flow", ed: spec.Virtio14, scn: compatGuest + "set hv-await=ready\n"},
	{oracle: "one-running", name: "clean: rolled back before the source moved, VFs nobody touched", ed: spec.Virtio14,
		scn: objLimitRollback, want: "error:no-object-id", msg: "dst vf3"},
	// An FLR the host issued wiped dst's VF after its state write and the
	// VM went to dst2: the VF is Active but reset, and the VM never ran on
	// dst (planted_wiped_test.go).
	{oracle: "one-running", name: "clean: the first destination wiped by an FLR, the VM on dst2", ed: spec.Draft2023,
		scn: dst2AfterFLRDraft("")},
	{oracle: "one-running", name: "clean: the first destination wiped by an FLR, the VM on dst2 (virtio-1.4)", ed: spec.Virtio14,
		scn: dst2AfterFLRV14("")},
	{oracle: "one-running", name: "wiped destination, but the source never stopped", ed: spec.Draft2023,
		scn:  dst2AfterFLRDraft("") + "  mode src active\n",
		want: "one-running", msg: "the VM's VFs run on src and dst2 (Active) at the end of the migration"},
	{oracle: "one-running", name: "destination written again after the FLR and resumed", ed: spec.Draft2023,
		scn:  dst2AfterFLRDraft("  mode dst freeze\n  write dst\n  mode dst active\n"),
		want: "one-running", msg: "the VM's VFs run on dst and dst2 (Active) at the end of the migration"},
	{oracle: "one-running", name: "destination loaded again after the FLR and resumed", ed: spec.Virtio14,
		scn:  dst2AfterFLRV14("  mode dst stopped\n  load dst\n  mode dst running\n"),
		want: "one-running", msg: "the VM's VFs run on dst and dst2 (running) at the end of the migration"},

	{oracle: "transparent", name: "destination drops the context write", ed: spec.Draft2023, scn: dropWrite,
		device: wrap(func(_ member.Config, d member.Device) member.Device { return &dropsContextWrite{d} }),
		want:   "transparent", msg: "the guest can tell it moved: entry", reqs: []string{"DRAFT-CTX-01"}},
	{oracle: "transparent", name: "stopped, then an incompatible destination", ed: spec.Draft2023, scn: stopThenIncompatible("stop"),
		want: "transparent", msg: "the guest noticed a migration that stopped on a compatibility check: entry",
		without: "error:incompatible"},
	{oracle: "transparent", name: "clean: the default flow", ed: spec.Draft2023, scn: dropWrite},
	{oracle: "transparent", name: "clean: rolled back after an incompatible destination", ed: spec.Draft2023,
		scn: stopThenIncompatible("rollback"), want: "error:incompatible"},
	// The flow stopped on the precheck with the vCPUs halted (on-error=stop):
	// the guest's log is cut by the halt nobody ends, not by the migration
	// it could tell; the verdict is the flow's error, as for any other.
	{oracle: "transparent", name: "clean: halted, then an incompatible destination", ed: spec.Draft2023,
		scn: haltedThenIncompatible, want: "error:incompatible"},

	{oracle: "live", name: "mode set never completes", ed: spec.Draft2023, scn: stopOnly,
		device: wrap(func(_ member.Config, d member.Device) member.Device { return &neverAnswersModeSet{d} }),
		want:   "live", msg: "planted.scn:9: mode: src vf1 → Stop: DEV_MODE_SET: command 2: admin command never completed",
		without: "error:no-completion"},
	{oracle: "live", name: "clean", ed: spec.Draft2023, scn: stopOnly},
}

// continueChooser continues the previous actor, else takes the first
// enabled step: one fixed schedule per case.
type continueChooser struct{}

func (continueChooser) Choose(d *engine.Decision) (int, error) { return d.Continue(), nil }

// runPlant runs the case once without migration (its guest log is the
// reference) and once migrating, with the given oracles, and returns the
// migrating run's finding.
func runPlant(t *testing.T, c plant, oracles []observe.Oracle) *engine.Finding {
	t.Helper()
	s, err := scenario.ParseScenario("planted.scn", []byte(c.scn))
	require.NoError(t, err)
	rules, err := spec.ParseRules(c.ed, c.knobs)
	require.NoError(t, err)
	cfg := world.WorldConfig{Scenario: s, Edition: c.ed, Rules: rules, OwnerFault: c.owner, Oracles: oracles}
	if c.device != nil {
		cfg.Factory = c.device(blk.New)
	}
	if c.netDevice != nil {
		cfg.NetFactory = c.netDevice(membernet.New)
	}
	run := func(cfg world.WorldConfig) (engine.Result, *world.World) {
		var w *world.World
		res, err := engine.Run(func(st engine.Streams) (engine.System, error) {
			var err error
			w, err = world.NewWorld(cfg, st)
			return w, err
		}, 1, continueChooser{}, engine.RunConfig{MaxSteps: 100_000})
		require.NoError(t, err)
		return res, w
	}
	ref := cfg
	ref.Reference = true
	res, w := run(ref)
	require.Nil(t, res.Finding, "the run without migration finds nothing")
	cfg.ReferenceLog = w.GuestLog()
	res, _ = run(cfg)
	return res.Finding
}

func oracleOf(f *engine.Finding) string {
	if f == nil {
		return ""
	}
	return f.Oracle
}

// TestPlanted: every planted bug is found by its oracle, first; every
// clean case gives its verdict (no finding, or the flow's named error).
func TestPlanted(t *testing.T) {
	for _, c := range planted {
		t.Run(c.oracle+"/"+c.name, func(t *testing.T) {
			f := runPlant(t, c, oracle.All())
			if c.want == "" {
				assert.Nil(t, f, "%+v", f)
				return
			}
			require.NotNil(t, f)
			assert.Equal(t, c.want, f.Oracle, f.Message)
			assert.Contains(t, f.Message, c.msg)
			assert.Contains(t, f.Message, c.where)
			for _, id := range c.reqs {
				assert.Contains(t, f.Reqs, id)
			}
			if c.noReqs {
				assert.Empty(t, f.Reqs, "a finding no requirement of the catalog governs")
			}
			if o, ok := oracle.Lookup(f.Oracle); ok {
				for _, id := range f.Reqs {
					assert.Contains(t, o.Info().Reqs, id, "a finding cites only its oracle's requirements")
				}
			}
		})
	}
}

// TestPlantedCoversTheRegistry: every oracle has a case that fires and a
// clean case.
func TestPlantedCoversTheRegistry(t *testing.T) {
	for _, name := range oracle.Names() {
		var fires, clean int
		for _, c := range planted {
			switch {
			case c.oracle == name && c.want == name:
				fires++
			case c.oracle == name:
				clean++
			}
		}
		assert.Positive(t, fires, "%s has no planted bug", name)
		assert.Positive(t, clean, "%s has no clean case", name)
	}
	for _, c := range planted {
		_, ok := oracle.Lookup(c.oracle)
		assert.True(t, ok, "case %q names oracle %q, not in the registry", c.name, c.oracle)
	}
}

// TestDisableEachOracle runs the registry minus one oracle on that
// oracle's planted bugs: at least one is then no longer found as it was,
// and each yields what the table says (often nothing at all: no other
// oracle would have noticed).
func TestDisableEachOracle(t *testing.T) {
	for _, name := range oracle.Names() {
		t.Run(name, func(t *testing.T) {
			rest := oracle.Without(name)
			require.Len(t, rest, len(oracle.All())-1)
			lost := 0
			for _, c := range planted {
				if c.want != name {
					continue
				}
				got := oracleOf(runPlant(t, c, rest))
				assert.Equal(t, c.without, got, "%s without %s", c.name, name)
				if got != c.want {
					lost++
				}
			}
			assert.Positive(t, lost, "every planted bug of %s is still found without it", name)
		})
	}
}
