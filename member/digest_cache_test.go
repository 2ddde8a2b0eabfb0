package member_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
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
	runs := 8
	if testing.Short() {
		runs = 4
	}
	var total digestCheck
	c := &digestCheck{}
	targets := exploreCatalogCores(t, runs, func(core *member.Core) member.Device {
		return freshChecked{Core: core, c: c}
	}, func(name string) {
		assert.Empty(t, c.stale, "%s: a kept digest is not the context's", name)
		total.events += c.events
		total.kept += c.kept
		c = &digestCheck{}
	})
	t.Logf("%d targets, %d member events, the digest kept across %d", targets, total.events, total.kept)
	require.Greater(t, targets, 100, "catalog targets searched")
	assert.Positive(t, total.kept, "cores keep their digest across some events")
	assert.Less(t, total.kept, total.events, "cores forget their digest at some events")
}
