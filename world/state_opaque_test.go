package world_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// opaqueMember is a built-in member that says its state is out of reach,
// as an external device's proxy does.
type opaqueMember struct{ member.Device }

func (opaqueMember) OpaqueState() {}

// TestStateHash_RefusedWithAnOpaqueMember: a world holding a member whose
// state lives outside the process (member.Opaque) and that keeps no chain
// of its inputs (member.InputChained) reports no state hash, so dfs with
// state pruning prunes nothing; the same world with the built-in member
// prunes (and with a member that keeps the chain: world's
// TestStateHash_InputChainSameOutcomes).
func TestStateHash_RefusedWithAnOpaqueMember(t *testing.T) {
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	cases := []struct {
		name      string
		factory   member.Factory
		wantPrune bool
	}{
		{"built-in", nil, true},
		{"opaque", func(c member.Config) member.Device { return opaqueMember{blk.New(c)} }, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tg, err := catalog.NewTarget(s, spec.Draft2023, nil, nil)
			require.NoError(t, err)
			tg.Member = c.factory
			f, err := tg.Factory(engine.ScheduleSeed(1, 0))
			require.NoError(t, err)
			sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyDFS,
				Schedules: 150, Seed: 1, Jobs: 1, Bound: 2, States: true, MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err)
			assert.Equal(t, 150, sum.Schedules+sum.StateHits, "the run budget is spent")
			if c.wantPrune {
				assert.Positive(t, sum.StateHits, "a hashable world prunes known states")
			} else {
				assert.Zero(t, sum.StateHits, "no state of an opaque member is ever compared")
			}
		})
	}
}
