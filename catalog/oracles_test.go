package catalog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/world/observe"
)

// TestJudge_OracleSet: the judge runs the registry unless told otherwise;
// without frozen-context the FLR completing inside Freeze is no longer
// found, and with no oracle at all nothing is. The row judged by default
// is judgeFLR's, shared with TestJudge_Expectations and
// TestJudge_JobsDoNotChangeTheOutcome (2 jobs): the same row under the
// same configuration, judged once.
func TestJudge_OracleSet(t *testing.T) {
	s := flrScenario(t)
	e := s.Expect[1] // flr-vs-mode=complete-anyway mode-after-flr=keep violation frozen-context
	cases := []struct {
		name    string
		oracles []observe.Oracle
		got     scenario.Verdict
		oracle  string
	}{
		{"the registry by default", nil, scenario.VerdictViolation, "frozen-context"},
		{"the registry given", oracle.All(), scenario.VerdictViolation, "frozen-context"},
		{"without frozen-context", oracle.Without("frozen-context"), scenario.VerdictPass, ""},
		{"none", []observe.Oracle{}, scenario.VerdictPass, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := JudgeConfig{Jobs: 2, MaxRuns: shortRuns(), Oracles: c.oracles, Shrink: shortShrink()}
			var o Outcome
			if c.oracles == nil {
				o = judgeFLR(t, e, cfg)
			} else {
				var err error
				o, err = Judge(context.Background(), s, e, cfg)
				require.NoError(t, err)
			}
			assert.Equal(t, c.got, o.Got)
			assert.Equal(t, c.oracle, o.GotOracle)
		})
	}
}

// TestVerdictNamesAreInTheRegistry: every oracle an expectation of the
// catalog names is in the registry, and the verdict names the catalog
// reports itself are documented as verdicts that are not oracles.
func TestVerdictNamesAreInTheRegistry(t *testing.T) {
	for _, name := range []string{OracleScenario, OracleReference} {
		_, isOracle := oracle.Lookup(name)
		assert.False(t, isOracle, name)
		_, ok := oracle.Meaning(name)
		assert.True(t, ok, "%s is not documented", name)
	}
	scens, err := Catalog()
	require.NoError(t, err)
	for _, s := range scens {
		for _, e := range s.Expect {
			if e.Verdict != scenario.VerdictViolation {
				continue
			}
			_, ok := oracle.Lookup(e.Oracle)
			assert.True(t, ok, "%s line %d expects oracle %q, not in the registry", s.File, e.Line, e.Oracle)
		}
	}
}
