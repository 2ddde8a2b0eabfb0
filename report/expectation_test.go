package report

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/spec"
)

// TestExpectationNote: a finding of an exploration is set against the
// scenario's expect line for the edition, knobs and settings explored:
// the line's verdict (a violation's oracle, an error's name, n/a WORD's
// stop on the operation the edition lacks), another one, a finding where
// the line expects pass, or no line at all; the line is named as
// file:line and as written.
func TestExpectationNote(t *testing.T) {
	cases := []struct {
		name, scen string
		ed         spec.Edition
		knobs      []string
		settings   []string
		oracle     string
		want       string
	}{
		{"an error row's error", "flr-during-freeze", spec.Virtio14, nil, nil, "error:vf-reset",
			"this finding is what the scenario expects for this edition and knobs: catalog/scenarios/flr-during-freeze.scn:46 (expect virtio-1.4 error vf-reset)"},
		{"n/a WORD: the flow stops on the verb", "active-to-freeze-on-destination", spec.Virtio14, nil, nil, "error:n/a:freeze",
			"this finding is what the scenario expects for this edition and knobs: catalog/scenarios/active-to-freeze-on-destination.scn:45 (expect virtio-1.4 n/a freeze)"},
		{"a violation row's oracle, knobs as given", "flr-during-freeze", spec.Draft2023, []string{"mode-after-flr=keep", "flr-vs-mode=complete-anyway"}, nil, "frozen-context",
			"this finding is what the scenario expects for this edition and knobs: catalog/scenarios/flr-during-freeze.scn:44 (expect draft-2023 flr-vs-mode=complete-anyway mode-after-flr=keep violation frozen-context)"},
		{"another oracle than the row's", "flr-during-freeze", spec.Draft2023, []string{"flr-vs-mode=complete-anyway"}, nil, "frozen-context",
			"this finding is not what the scenario expects for this edition and knobs: catalog/scenarios/flr-during-freeze.scn:43 (expect draft-2023 flr-vs-mode=complete-anyway violation one-running)"},
		{"a pass row", "flr-during-freeze", spec.Draft2023, nil, nil, "transparent",
			"the scenario expects pass for this edition and knobs: catalog/scenarios/flr-during-freeze.scn:42 (expect draft-2023 pass); this finding contradicts it"},
		{"settings no line names", "flr-during-freeze", spec.Virtio14, nil, []string{"posted-writes=in-flight-unordered"}, "error:vf-reset",
			"the scenario has no expect line for virtio-1.4 with these knobs and settings: nothing says whether this finding is expected"},
		{"a defect is never expected", "flr-during-freeze", spec.Virtio14, nil, nil, engine.OraclePanic,
			"this finding is not what the scenario expects for this edition and knobs: catalog/scenarios/flr-during-freeze.scn:46 (expect virtio-1.4 error vf-reset)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s, err := catalog.CatalogScenario(c.scen)
			require.NoError(t, err)
			tg, err := catalog.NewTarget(s, c.ed, c.knobs, c.settings)
			require.NoError(t, err)
			assert.Equal(t, c.want, ExpectationNote(tg, &engine.Finding{Oracle: c.oracle}))
			assert.Empty(t, ExpectationNote(tg, nil), "no finding, nothing to say")
		})
	}
}
