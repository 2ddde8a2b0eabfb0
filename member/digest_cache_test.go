package member_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// digestCheck counts, over the members of a search, the events after which
// a core still kept its context digest and those after which the kept
// digest was not the one its context gives.
type digestCheck struct {
	events, kept int
	stale        []string
}

// freshChecked wraps a core: before every event it has the core keep its
// digest, after it it compares whatever the core still keeps with a fresh
// digest. An event the core wrongly thinks leaves its context alone shows
// as a kept digest that is stale.
type freshChecked struct {
	*member.Core
	c *digestCheck
}

func (d freshChecked) Handle(ev member.Event) member.Effects {
	d.Core.ContextDigest()
	fx := d.Core.Handle(ev)
	d.c.events++
	in := member.InspectCore(d.Core)
	if sum, ok := in.KeptDigest(); ok {
		d.c.kept++
		if fresh := in.FreshDigest(); fresh != sum && len(d.c.stale) < 10 {
			d.c.stale = append(d.c.stale, fmt.Sprintf("%s event %+v: kept %#x, fresh %#x", in.Config().Edition, ev, sum, fresh))
		}
	}
	return fx
}

// TestDigestCache_MatchesFresh: the digest a core keeps across events
// (digest_cache.go) is the digest its context gives, after every event of
// pct runs of every catalog scenario under both editions, blk and net
// members alike; and the cores do keep it across a share of the events.
func TestDigestCache_MatchesFresh(t *testing.T) {
	ss, err := catalog.Catalog()
	require.NoError(t, err)
	runs := 8
	if testing.Short() {
		runs = 4
	}
	var total digestCheck
	targets := 0
	for _, s := range ss {
		for _, ed := range spec.Editions {
			tg, err := catalog.NewTarget(s, ed, nil, nil)
			if err != nil {
				continue // the scenario is not written for this edition
			}
			targets++
			c := &digestCheck{}
			wrap := func(build member.Factory) member.Factory {
				return func(cfg member.Config) member.Device {
					d := build(cfg)
					if core, ok := d.(*member.Core); ok {
						return freshChecked{Core: core, c: c}
					}
					return d
				}
			}
			require.Nil(t, tg.Member, "%s: a catalog target builds the world's default members", s.Name)
			require.Nil(t, tg.NetMember, "%s: a catalog target builds the world's default members", s.Name)
			tg.Member, tg.NetMember = wrap(blk.New), wrap(membernet.New)
			f, err := tg.Factory(engine.ScheduleSeed(1, 0))
			require.NoError(t, err, "%s %s", s.Name, ed)
			_, err = engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyPCT,
				Schedules: runs, Seed: 1, Jobs: 1, MaxSteps: catalog.DefaultJudgeMaxSteps})
			require.NoError(t, err, "%s %s", s.Name, ed)
			assert.Empty(t, c.stale, "%s %s: a kept digest is not the context's", s.Name, ed)
			total.events += c.events
			total.kept += c.kept
		}
	}
	t.Logf("%d targets, %d member events, the digest kept across %d", targets, total.events, total.kept)
	require.Greater(t, targets, 100, "catalog targets searched")
	assert.Positive(t, total.kept, "cores keep their digest across some events")
	assert.Less(t, total.kept, total.events, "cores forget their digest at some events")
}
