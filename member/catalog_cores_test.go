package member_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// exploreCatalogCores runs runs pct schedules of every catalog scenario
// under every edition it is written for, each member core the world
// builds (blk and net alike) handed to wrap, whose device the world uses
// instead; after is called with the target's name once its runs are
// done. It returns the number of targets run.
func exploreCatalogCores(t *testing.T, runs int, wrap func(core *member.Core) member.Device, after func(name string)) int {
	t.Helper()
	ss, err := catalog.Catalog()
	require.NoError(t, err)
	wrapped := func(build member.Factory) member.Factory {
		return func(cfg member.Config) member.Device {
			d := build(cfg)
			if core, ok := d.(*member.Core); ok {
				return wrap(core)
			}
			return d
		}
	}
	targets := 0
	for _, s := range ss {
		for _, ed := range spec.Editions {
			tg, err := catalog.NewTarget(s, ed, nil, nil)
			if err != nil {
				continue // the scenario is not written for this edition
			}
			targets++
			name := s.Name + " " + ed.String()
			require.Nil(t, tg.Member, "%s: a catalog target builds the world's default members", name)
			require.Nil(t, tg.NetMember, "%s: a catalog target builds the world's default members", name)
			tg.Member, tg.NetMember = wrapped(blk.New), wrapped(membernet.New)
			f, err := tg.Factory(engine.ScheduleSeed(1, 0))
			require.NoError(t, err, name)
			_, err = engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyPCT,
				Schedules: runs, Seed: 1, Jobs: 1, MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err, name)
			after(name)
		}
	}
	return targets
}
