package oracle_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// knobCase is a catalog scenario whose verdict under a knob value differs
// from its verdict under the edition's defaults: if the value behaved like
// the default, one of the two would be wrong.
type knobCase struct {
	knob     string // "name=value"
	scenario string
	ed       spec.Edition
	// def and with are the verdicts ("" for pass, an oracle, or
	// "error:NAME") under the defaults and with the knob.
	def, with string
}

var knobCases = []knobCase{
	{"read=full", "retry-without-discard", spec.Draft2023, "transparent", ""},
	{"stop-config-write=ignore", "wce-write-during-stop", spec.Draft2023, "", "transparent"},
	{"flr-vs-mode=defer-flr", "mode-set-during-flr", spec.Draft2023, "", "transparent"},
	{"flr-vs-mode=complete-anyway", "flr-during-freeze", spec.Draft2023, "", "one-running"},
	{"reset-vs-mode=complete-anyway", "reset-racing-stop", spec.Draft2023, "", "frozen-context"},
	{"reset-vs-mode=reply-on-start", "reset-racing-stop", spec.Virtio14, "", "transparent"},
	{"mode-after-flr=keep", "flr-while-stopped", spec.Virtio14, "one-running", ""},
	{"freeze-notify=latch", "peer-kick-frozen-no-stop", spec.Draft2023, "transparent", ""},
	{"transitions=strict-chain", "active-to-freeze-on-destination", spec.Draft2023, "", "error:EINVAL/INVALID_FIELD"},
	{"resume-config-notify=held-only", "resize-in-stop-only", spec.Virtio14, "", "transparent"},
	{"resume-avail=recheck", "peer-kick-frozen-no-stop", spec.Draft2023, "transparent", ""},
	{"resume-avail=latched-only", "kick-reaches-stopped-device", spec.Virtio14, "", "transparent"},
	{"list-before-vf-enable=invalid-group", "linux-admin-init", spec.Virtio14, "", "error:not-migratable"},
	{"cap-group=sriov", "linux-admin-init", spec.Virtio14, "", "error:not-migratable"},
	{"pending-work=carry", "features-ok-half-done", spec.Virtio14, "", "transparent"},
	{"pending-work=drop", "queue-enable-half-done", spec.Draft2023, "", "transparent"},
	{"reexec=all", "net-tx-reexecuted", spec.Draft2023, "", "wire"},
}

// knobsElsewhere are the knob values whose difference is shown by a test of
// another package: rx-while-stopped acts on a virtio-net member only, which
// no catalog scenario runs; member/net's TestNoRxDMAWhileQuiesced asserts
// the frames dropped (drop) and held (buffer).
var knobsElsewhere = []string{"rx-while-stopped=buffer"}

// knobCaseSchedules bounds the exploration of each side of a knob case.
const knobCaseSchedules = 100

// TestEveryKnobValueChangesAVerdict is the knob values' counterpart of
// TestDisableEachOracle: for every value of every knob that is not the
// draft-2023 default, a catalog scenario gives one verdict under the
// defaults and another with that value (both rows are expectations of the
// catalog, so TestQuestionsCatalog also judges them with their full
// explorations). A value that is virtio-1.4's default is shown instead by a
// virtio-1.4 case that moves the same knob away from it
// (resume-config-notify=always by resume-config-notify=held-only). read
// applies to draft-2023 only: virtio-1.4 has no incremental reads (every
// DEV_PARTS_GET returns the whole state, DP-DEV-02), so its
// read=incremental-clear is not a behaviour to test.
func TestEveryKnobValueChangesAVerdict(t *testing.T) {
	covered := slices.Clone(knobsElsewhere)
	for _, c := range knobCases {
		covered = append(covered, c.knob)
	}
	for _, k := range spec.Knobs {
		for _, v := range k.Values {
			kv := k.Name + "=" + v
			if k.Get(spec.DefaultRules(spec.Draft2023)) == v {
				continue // the draft default
			}
			if k.Get(spec.DefaultRules(spec.Virtio14)) == v && slices.ContainsFunc(knobCases, func(c knobCase) bool {
				return c.ed == spec.Virtio14 && strings.HasPrefix(c.knob, k.Name+"=")
			}) {
				continue // the virtio-1.4 default, shown against another value under virtio-1.4
			}
			assert.Contains(t, covered, kv, "no case shows %s changing a verdict", kv)
		}
	}
	for _, c := range knobCases {
		t.Run(c.knob, func(t *testing.T) {
			s, err := catalog.CatalogScenario(c.scenario)
			require.NoError(t, err)
			requireRow(t, s, c.ed, nil, c.def)
			requireRow(t, s, c.ed, []string{c.knob}, c.with)
			require.NotEqual(t, c.def, c.with)
			assert.Equal(t, c.def, knobVerdict(t, s, c.ed, nil, c.with), "%s under the defaults", c.scenario)
			assert.Equal(t, c.with, knobVerdict(t, s, c.ed, []string{c.knob}, c.def), "%s with %s", c.scenario, c.knob)
		})
	}
}

// requireRow checks the catalog expects verdict want for the row.
func requireRow(t *testing.T, s *scenario.Scenario, ed spec.Edition, knobs []string, want string) {
	t.Helper()
	for _, e := range s.Expect {
		if e.Edition != ed || !slices.Equal(e.Knobs, knobs) || len(e.Settings) > 0 {
			continue
		}
		got := e.Oracle
		switch e.Verdict {
		case scenario.VerdictPass:
			got = ""
		case scenario.VerdictError:
			got = oracle.ErrorPrefix + e.Oracle
		}
		assert.Equal(t, want, got, "%s:%d", s.File, e.Line)
		return
	}
	require.Failf(t, "no catalog row", "%s %s %v", s.Name, ed, knobs)
}

// knobVerdict explores the row (its scenario's budget, at most
// knobCaseSchedules schedules, dfs rows with their bound) and returns the
// first finding's name, preferring one that is not other: the verdict the
// other side of the case expects.
func knobVerdict(t *testing.T, s *scenario.Scenario, ed spec.Edition, knobs []string, other string) string {
	t.Helper()
	tgt, err := catalog.NewTarget(s, ed, knobs, nil)
	require.NoError(t, err)
	b := s.BudgetFor(ed)
	f, err := tgt.Factory(engine.ScheduleSeed(b.Seed, 0))
	require.NoError(t, err)
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: b.Strategy,
		Schedules: min(b.Schedules, knobCaseSchedules), Seed: b.Seed, PCTDepth: b.Depth, Bound: b.Bound,
		MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	got := ""
	for _, r := range sum.Findings {
		if r.Finding.Oracle != other {
			return r.Finding.Oracle
		}
		got = r.Finding.Oracle
	}
	return got
}
