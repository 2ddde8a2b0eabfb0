package catalog

import (
	"context"
	"strings"
	"testing"

	"github.com/migsim/migsim/scenario"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestCompatScenarios judges every expectation of the compatibility
// scenarios of the embedded catalog (catalog/scenarios/compat-*.scn): an
// incompatible destination caught at precheck, a corrupted state caught at
// load, an older destination with the new feature off (pass) and on
// (incompatible at precheck). Each verdict must match its `expect` line.
func TestCompatScenarios(t *testing.T) {
	ss, err := Catalog()
	require.NoError(t, err)
	seen := map[string]bool{}
	for _, s := range ss {
		if !strings.HasPrefix(s.Name, "compat-") {
			continue
		}
		seen[s.Name] = true
		assert.Zero(t, s.Question, "%s answers no seed question", s.Name)
		assert.NotEmpty(t, s.Explain, "%s explains itself to a reviewer", s.Name)
		for _, e := range s.Expect {
			name := s.Name + "/" + e.Edition.String()
			if len(e.Settings) > 0 {
				name += "/" + strings.Join(SettingStrings(e.Settings), ",")
			}
			t.Run(name, func(t *testing.T) {
				s, e := s, e
				var cfg JudgeConfig
				if testing.Short() {
					// As TestQuestionsCatalog's pass rows under -short: every
					// exploration on GOMAXPROCS jobs, at most shortBudget
					// schedules (a precheck's or a load's error comes in
					// every schedule).
					s, e = shortProofs(s, e)
					cfg.MaxRuns = shortBudget
				} else {
					t.Parallel() // as TestQuestionsCatalog's rows
				}
				o, err := Judge(context.Background(), s, e, cfg)
				require.NoError(t, err)
				msg := ""
				if o.Finding != nil {
					msg = o.Finding.Message
				}
				assert.Empty(t, o.Defect)
				assert.True(t, o.Match, "%s:%d: expected %s, got %s: %s", s.File, e.Line,
					VerdictText(o.Expected, o.ExpectedOracle), VerdictText(o.Got, o.GotOracle), msg)
			})
		}
	}
	for _, n := range []string{"compat-precheck-incompatible", "compat-corrupt-load", "compat-older-feature-off", "compat-older-feature-on"} {
		assert.True(t, seen[n], "%s is in the catalog", n)
	}
}

// shortProofs caps the proof of every explore line, and row e's own, at
// the line's schedules: under -short (the race detector's run) a pass row's
// proof costs what its second sampling exploration did, not the seconds of
// an exhaustive search.
func shortProofs(s *scenario.Scenario, e scenario.Expectation) (*scenario.Scenario, scenario.Expectation) {
	c := s.Clone()
	for i := range c.Explore {
		c.Explore[i].Proof = min(c.Explore[i].Proof, c.Explore[i].Schedules)
	}
	if e.Proof > 0 {
		e.Proof = min(e.Proof, c.BudgetFor(e.Edition).Schedules)
	}
	return c, e
}
