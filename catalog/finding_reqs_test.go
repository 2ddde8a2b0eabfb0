package catalog

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

func TestFindingReqs(t *testing.T) {
	transparent := []string{"DRAFT-STOP-03", "DRAFT-CTX-01", "DP-DEV-09", "DP-DEV-10"}
	stopWritten := RunFacts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"},
		Reached: []spec.Mode{spec.ModeStop}, Written: []spec.Mode{spec.ModeStop}}
	stopQuiet := RunFacts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"}}
	freezeWrite := RunFacts{Modes: []spec.Mode{spec.ModeFreeze}, Commands: []string{"DEV_MODE_SET", "DEV_CTX_WRITE"},
		Reached: []spec.Mode{spec.ModeFreeze}, Notified: []spec.Mode{spec.ModeFreeze}}
	vcpuInFreeze := freezeWrite
	vcpuInFreeze.Broken = []string{"DRAFT-FLOW-02"}
	peerInFreeze := freezeWrite
	peerInFreeze.Broken = []string{"DRAFT-FLOW-01"}
	v14DevCfg := stopWritten
	v14DevCfg.Broken = []string{"DP-DRV-03"}
	// vf1 frozen and still accessed by its vCPU, vf2 frozen and reached
	// by a peer only: the FLOW-02 violation explains vf1's only.
	twoMembers := vcpuInFreeze
	twoMembers.Members = map[string]*RunFacts{"src.vf1": &vcpuInFreeze, "src.vf2": &freezeWrite}
	partsSetRunning := RunFacts{Commands: []string{"DEV_PARTS_SET"}, Broken: []string{"DP-DRV-01"},
		DeviceBroken: []string{"DP-DEV-04"}}
	for _, tc := range []struct {
		name     string
		f        engine.Finding
		ed       spec.Edition
		scenario []string
		facts    RunFacts
		want     []string
	}{
		{"transparent after a write reached a member in Stop names the Stop rule", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, nil, stopWritten, []string{"DRAFT-STOP-03"}},
		{"transparent after a Stop nothing reached names no Stop rule", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, []string{"DRAFT-STOP-01", "DRAFT-PCI-01"}, stopQuiet, []string{"DRAFT-STOP-01"}},
		{"transparent after Freeze and a context write names the write's rule", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, nil, freezeWrite, []string{"DRAFT-CTX-01"}},
		{"transparent under 1.4 after a request reached a stopped member names the stop rules", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, nil, stopWritten, []string{"DP-DEV-09", "DP-DEV-10"}},
		{"transparent under 1.4 after a stop nothing reached", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, nil, stopQuiet, []string{"DP-DEV-09"}},
		{"transparent without a quiescing command names none", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, nil, RunFacts{}, nil},
		{"the virtio-net CVQ parts join when the run moved parts", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, []string{"NET-PART-01", "NET-PART-02", "NET-DEV-07"},
			RunFacts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET", "DEV_PARTS_GET", "DEV_PARTS_SET"}},
			[]string{"DP-DEV-09", "NET-PART-01", "NET-PART-02"}},
		{"the virtio-net CVQ parts stay out of a run that moved none", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, []string{"NET-PART-01", "NET-PART-02"}, stopQuiet, []string{"DP-DEV-09"}},
		{"scenario requirements join when involved", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, []string{"DRAFT-FRZ-01", "DRAFT-PCI-01", "DRAFT-FLR-01", "ADM-DEV-01"}, freezeWrite,
			[]string{"DRAFT-CTX-01", "DRAFT-FRZ-01", "DRAFT-PCI-01"}},
		{"a broken driver MUST leaves out the device requirements it explains", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, []string{"DRAFT-FRZ-01", "DRAFT-PCI-01"}, vcpuInFreeze, []string{"DRAFT-FLOW-02"}},
		{"a broken driver MUST keeps what another member exercised", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, []string{"DRAFT-FRZ-01", "DRAFT-PCI-01"}, twoMembers, []string{"DRAFT-CTX-01", "DRAFT-FRZ-01", "DRAFT-PCI-01", "DRAFT-FLOW-02"}},
		{"a broken driver MUST keeps the FLR's requirement", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, []string{"DRAFT-FLR-01"}, RunFacts{FLR: true, Broken: []string{"DRAFT-FLOW-02"}}, []string{"DRAFT-FLR-01", "DRAFT-FLOW-02"}},
		{"DEV_PARTS_SET accepted on a running member names the device's and the driver's", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, []string{"DP-DEV-06", "DP-DEV-08"}, partsSetRunning,
			[]string{"DP-DEV-08", "DP-DRV-01", "DP-DEV-04"}},
		{"DEV_PARTS_SET accepted on a running member names the SHOULD it broke, not DP-DEV-08", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, nil, partsSetRunning, []string{"DP-DRV-01", "DP-DEV-04"}},
		{"a broken driver MUST is named though no list names it", engine.Finding{Oracle: "error:vf-reset"},
			spec.Draft2023, nil, vcpuInFreeze, []string{"DRAFT-FLOW-02"}},
		{"a broken driver SHOULD is named with the device's", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, []string{"DRAFT-FLOW-01", "DRAFT-FRZ-01"}, peerInFreeze,
			[]string{"DRAFT-CTX-01", "DRAFT-FLOW-01", "DRAFT-FRZ-01"}},
		{"a broken virtio-1.4 driver SHOULD comes last when no list names it", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, []string{"DP-DEV-06"}, v14DevCfg, []string{"DP-DEV-09", "DP-DEV-10", "DP-DRV-03"}},
		{"a rule of another edition is not named", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, nil, vcpuInFreeze, nil},
		{"a flow error names the involved scenario requirements", engine.Finding{Oracle: "error:vf-reset"},
			spec.Virtio14, []string{"DP-DEV-12", "DP-DEV-14"}, RunFacts{FLR: true}, []string{"DP-DEV-14"}},
		{"a rule oracle keeps the rule it reported", engine.Finding{Oracle: "frozen-context", Reqs: []string{"DRAFT-FRZ-02"}},
			spec.Draft2023, []string{"DRAFT-FLR-01"}, RunFacts{FLR: true, Broken: []string{"DRAFT-FLOW-02"}}, []string{"DRAFT-FRZ-02"}},
		{"a rule oracle without requirements names the involved scenario ones", engine.Finding{Oracle: "one-running"},
			spec.Virtio14, []string{"DP-DEV-12", "DP-DEV-14"}, RunFacts{FLR: true}, []string{"DP-DEV-14"}},
		{"a defect names none", engine.Finding{Oracle: "panic", Reqs: []string{"DRAFT-FRZ-02"}},
			spec.Draft2023, nil, stopWritten, nil},
		{"a run cut by its step bound names none", engine.Finding{Oracle: engine.OracleLive, Message: "step bound 150 exceeded"},
			spec.Virtio14, []string{"DP-DEV-12", "DP-DEV-14"}, RunFacts{FLR: true}, nil},
		{"a deadlock names the involved ones", engine.Finding{Oracle: engine.OracleLive, Message: "deadlock: nothing enabled"},
			spec.Virtio14, []string{"DP-DEV-12", "DP-DEV-14"}, RunFacts{FLR: true}, []string{"DP-DEV-14"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, FindingReqs(&tc.f, tc.ed, transparent, tc.scenario, tc.facts))
		})
	}
}

func TestReqTriggersNameKnownRequirements(t *testing.T) {
	for id := range reqTriggers {
		_, ok := spec.LookupRequirement(id)
		assert.True(t, ok, "%s is not in the requirement catalog", id)
	}
}

func TestImpactText(t *testing.T) {
	for _, tc := range []struct {
		imp  ImpactOf
		want string
	}{
		{ImpactOf{Impact: ImpactGuest, Damage: &engine.Finding{Oracle: "transparent", Step: 12}}, "guest-visible (transparent at step 13)"}, // index 12 is step 13
		{ImpactOf{Impact: ImpactGuest, Rules: []string{"frozen-context"}, Damage: &engine.Finding{Oracle: "live", Step: 3}},
			"guest-visible (live at step 4, after frozen-context)"},
		{ImpactOf{Impact: ImpactRule, Rules: []string{"one-running"}},
			"rule-only (the run went on past one-running to its end; no guest-visible oracle fired)"},
		{ImpactOf{Impact: ImpactFlow}, "flow-error (the migration stopped; no guest-visible oracle fired)"},
		{ImpactOf{Impact: ImpactBound}, "step-bound (the run did not end within its step bound: a livelock, or only a run longer than the bound; a larger step bound (explore --max-steps) tells them apart)"},
		{ImpactOf{}, ""},
	} {
		assert.Equal(t, tc.want, tc.imp.Text())
	}
}

// TestUntriggered: a requirement whose trigger is known and did not hold
// on the run's facts is listed, in order; one whose trigger held, or that
// has none (whether the run involved it cannot be told), is not.
func TestUntriggered(t *testing.T) {
	_, known := reqTriggers["ADM-DRV-05"]
	assert.False(t, known, "the case without a trigger needs a requirement without one")
	flrRun := RunFacts{FLR: true}
	stopRun := RunFacts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"}}
	for _, tc := range []struct {
		name  string
		ids   []string
		facts RunFacts
		want  []string
	}{
		{"nothing happened", []string{"DP-DEV-11", "DP-DEV-14"}, RunFacts{}, []string{"DP-DEV-11", "DP-DEV-14"}},
		{"an FLR", []string{"DP-DEV-11", "DP-DEV-14"}, flrRun, []string{"DP-DEV-11"}},
		{"a stop", []string{"DP-DEV-11", "DP-DEV-14", "DP-DEV-10"}, stopRun, []string{"DP-DEV-14", "DP-DEV-10"}},
		{"no trigger", []string{"ADM-DRV-05"}, RunFacts{}, nil},
		{"none", nil, flrRun, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, Untriggered(tc.ids, tc.facts))
		})
	}
}
