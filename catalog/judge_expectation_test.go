package catalog

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog/explored"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/scenario"
)

// proofOnlyScenario: the guest resets its VF after the owner stopped it,
// while the owner reads the context in Stop; under reset-vs-mode=
// complete-anyway a read in Freeze then differs from the first
// (frozen-context), in schedules this line's twenty pct and twenty random
// ones miss and the dfs searches reach (at bound 0 within 40 runs). The
// expect line is EXPECT, filled in by each case.
const proofOnlyScenario = `scenario judge-proof-only
vfs 1

guest vcpu0
  probe
  write sector=0 count=4 pattern=0x21
  await stopped
  reset
  probe
  write sector=4 count=4 pattern=0x22
  read sector=0 count=8

hypervisor
  precheck dst
  mode src stop
  signal stopped
  read src
  halt-vcpus
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  switchover dst
  mode dst active
  resume-vcpus

expect draft-2023 reset-vs-mode=complete-anyway EXPECT
explore strategy=pct schedules=20 depth=3 seed=1 proof=40
`

// TestJudge_ExplorationDoesNotDependOnTheExpectation: a row's
// explorations are the same whatever it expects. When neither sampling
// strategy finds anything, a violation row is proved as a pass row is, so
// the violation only the dfs searches reach is the verdict got under
// either expectation; only the match and its reason differ.
func TestJudge_ExplorationDoesNotDependOnTheExpectation(t *testing.T) {
	cases := []struct {
		expect, mismatch string
	}{
		{"pass", "dfs bound 0: found frozen-context"},
		{"violation frozen-context", "pct 20: never found frozen-context; random 20: never found frozen-context; " +
			"dfs bound 2: never found frozen-context; only dfs bound 0 found frozen-context: the sampling misses it"},
	}
	var texts []string
	for _, c := range cases {
		t.Run(c.expect, func(t *testing.T) {
			s := writeScenario(t, "proof-only.scn", strings.Replace(proofOnlyScenario, "EXPECT", c.expect, 1))
			o, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{Jobs: 1})
			require.NoError(t, err)
			var roles []string
			for _, r := range o.Runs {
				roles = append(roles, r.Role)
			}
			assert.Equal(t, []string{explored.RoleLine, explored.RoleCross, explored.RoleProof, explored.RoleFallback}, roles)
			assert.Equal(t, scenario.VerdictViolation, o.Got)
			assert.Equal(t, "frozen-context", o.GotOracle)
			assert.Equal(t, 3, o.FindingRun, "the fallback to bound 0 found it")
			assert.False(t, o.Match, "the sampling disagrees with the dfs search")
			assert.Contains(t, o.Mismatch, c.mismatch)
			texts = append(texts, o.ExploredText())
		})
	}
	require.Len(t, texts, 2)
	assert.Equal(t, texts[0], texts[1], "the same explorations")
}

// TestJudge_InterruptedProofSaysHowFarItGot: a proof that ctx ends before
// its run budget is spent says it was interrupted and after how many runs,
// never that its budget was spent.
func TestJudge_InterruptedProofSaysHowFarItGot(t *testing.T) {
	const budget = 1_000_003 // the proof's, told apart from the sampling's totals
	s := writeScenario(t, "flr.scn", judgeFLRScenario)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := JudgeConfig{Jobs: 1, ProofRuns: budget, Progress: func(p engine.Progress) {
		if p.Total == budget && p.Done > 0 {
			cancel()
		}
	}}
	o, err := Judge(ctx, s, s.Expect[0], cfg)
	require.ErrorIs(t, err, context.Canceled)
	require.True(t, o.Interrupted)
	assert.False(t, o.Match)
	assert.Empty(t, o.Mismatch, "an unfinished exploration proves nothing")
	assert.Equal(t, StatusInterrupted, o.Status(), "nothing disagreed before the signal")
	require.Len(t, o.Runs, 3, "no fallback after an interrupted proof")
	proof := o.Runs[2]
	assert.Equal(t, explored.RoleProof, proof.Role)
	assert.True(t, proof.Explored.Interrupted)
	assert.False(t, o.Runs[0].Explored.Interrupted || o.Runs[1].Explored.Interrupted, "the sampling ran to its end")
	runs := proof.Explored.Schedules + proof.Explored.Pruned
	require.Positive(t, runs)
	text := o.ExploredText()
	assert.Regexp(t, `^pct 300 schedules; random 300 schedules; bound 2 interrupted after \d+ of 1000003 runs, \d+ interleavings`, text)
	assert.Contains(t, text, fmt.Sprintf("interrupted after %d of ", runs))
	assert.NotContains(t, text, "spent")
}
