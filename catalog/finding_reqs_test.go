package catalog

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// adminEvent is a completed admin command of a trace: opcode name, first
// data byte, status.
func adminEvent(name string, data byte, status spec.Status) record.TraceEvent {
	cmd := make([]byte, 25)
	cmd[24] = data
	res := make([]byte, 8)
	binary.LittleEndian.PutUint16(res, uint16(status))
	return record.TraceEvent{Kind: record.TraceAdmin, Text: name, Admin: cmd, AdminResult: res}
}

func TestFactsOf(t *testing.T) {
	draft := []record.TraceEvent{
		adminEvent("DEV_MODE_SET", 1, spec.StatusOK),
		adminEvent("DEV_MODE_SET", 2, spec.StatusEINVAL), // failed: Freeze not reached
		adminEvent("DEV_CTX_READ", 0, spec.StatusOK),
		{Kind: record.TraceState, State: record.TraceMemberState{FLRPending: true}},
	}
	f := FactsOf(spec.Draft2023, draft)
	assert.Equal(t, []spec.Mode{spec.ModeStop}, f.Modes)
	assert.Equal(t, []string{"DEV_MODE_SET", "DEV_CTX_READ"}, f.Commands)
	assert.True(t, f.FLR)
	assert.False(t, f.Reset)

	v14 := []record.TraceEvent{adminEvent("DEV_MODE_SET", 1, spec.StatusOK), adminEvent("DEV_MODE_SET", 0, spec.StatusOK)}
	assert.Equal(t, []spec.Mode{spec.ModeStop, spec.ModeActive}, FactsOf(spec.Virtio14, v14).Modes)
}

func TestFindingReqs(t *testing.T) {
	transparent := []string{"DRAFT-STOP-03", "DRAFT-CTX-01", "DP-DEV-09", "DP-DEV-10"}
	stop := RunFacts{Modes: []spec.Mode{spec.ModeStop}, Commands: []string{"DEV_MODE_SET"}}
	freezeWrite := RunFacts{Modes: []spec.Mode{spec.ModeFreeze}, Commands: []string{"DEV_MODE_SET", "DEV_CTX_WRITE"}}
	for _, tc := range []struct {
		name     string
		f        engine.Finding
		ed       spec.Edition
		scenario []string
		facts    RunFacts
		want     []string
	}{
		{"transparent after a draft Stop names the Stop rule only", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, nil, stop, []string{"DRAFT-STOP-03"}},
		{"transparent after Freeze and a context write names the write's rule", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, nil, freezeWrite, []string{"DRAFT-CTX-01"}},
		{"transparent under 1.4 after a stop names the stop rules", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, nil, stop, []string{"DP-DEV-09", "DP-DEV-10"}},
		{"transparent without a quiescing command names none", engine.Finding{Oracle: "transparent"},
			spec.Virtio14, nil, RunFacts{}, nil},
		{"scenario requirements join when exercised", engine.Finding{Oracle: "transparent"},
			spec.Draft2023, []string{"DRAFT-FRZ-01", "DRAFT-FLR-01", "ADM-DEV-01"}, freezeWrite, []string{"DRAFT-CTX-01", "DRAFT-FRZ-01"}},
		{"a flow error names the exercised scenario requirements", engine.Finding{Oracle: "error:vf-reset"},
			spec.Virtio14, []string{"DP-DEV-12", "DP-DEV-14"}, RunFacts{FLR: true}, []string{"DP-DEV-14"}},
		{"a rule oracle keeps the rule it reported", engine.Finding{Oracle: "frozen-context", Reqs: []string{"DRAFT-FRZ-02"}},
			spec.Draft2023, []string{"DRAFT-FLR-01"}, RunFacts{FLR: true}, []string{"DRAFT-FRZ-02"}},
		{"a rule oracle without requirements names the exercised scenario ones", engine.Finding{Oracle: "one-running"},
			spec.Virtio14, []string{"DP-DEV-12", "DP-DEV-14"}, RunFacts{FLR: true}, []string{"DP-DEV-14"}},
		{"a defect names none", engine.Finding{Oracle: "panic", Reqs: []string{"DRAFT-FRZ-02"}},
			spec.Draft2023, nil, stop, nil},
		{"a run cut by its step bound names none", engine.Finding{Oracle: engine.OracleLive, Message: "step bound 150 exceeded"},
			spec.Virtio14, []string{"DP-DEV-12", "DP-DEV-14"}, RunFacts{FLR: true}, nil},
		{"a deadlock names the exercised ones", engine.Finding{Oracle: engine.OracleLive, Message: "deadlock: nothing enabled"},
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
		{ImpactOf{Impact: ImpactGuest, Damage: &engine.Finding{Oracle: "transparent", Step: 12}}, "guest-visible (transparent at step 12)"},
		{ImpactOf{Impact: ImpactGuest, Rules: []string{"frozen-context"}, Damage: &engine.Finding{Oracle: "live", Step: 3}},
			"guest-visible (live at step 3, after frozen-context)"},
		{ImpactOf{Impact: ImpactRule, Rules: []string{"one-running"}},
			"rule-only (the run went on past one-running to its end; no guest-visible oracle fired)"},
		{ImpactOf{Impact: ImpactFlow}, "flow-error (the migration stopped; no guest-visible oracle fired)"},
		{ImpactOf{Impact: ImpactBound}, "step-bound (the run did not end within its step bound: a livelock, or only a run longer than the bound; a larger step bound (explore --max-steps) tells them apart)"},
		{ImpactOf{}, ""},
	} {
		assert.Equal(t, tc.want, tc.imp.Text())
	}
}
