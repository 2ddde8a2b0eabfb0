package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// TestRegistry: every oracle has a unique name, a meaning, what a host
// observes, at least one hook and requirement IDs from the catalog; the
// order is stable and All hands out copies.
func TestRegistry(t *testing.T) {
	names := oracle.Names()
	assert.Equal(t, []string{"frozen-context", "no-dma-when-stopped", "no-notify-when-stopped", "admin-status",
		"readback", "self-report", "no-run-before-resume", "msix-target", "atomic-load", "one-running", "live", "wire", "transparent", "gave-up"}, names)
	seen := map[string]bool{}
	for _, o := range oracle.All() {
		info := o.Info()
		assert.False(t, seen[info.Name], "%s twice", info.Name)
		seen[info.Name] = true
		assert.NotEmpty(t, info.Doc, info.Name)
		assert.NotEmpty(t, info.Observes, info.Name)
		assert.NotEmpty(t, observe.HooksOf(o), info.Name)
		for _, id := range info.Reqs {
			_, ok := spec.LookupRequirement(id)
			assert.True(t, ok, "%s cites unknown requirement %s", info.Name, id)
		}
		got, ok := oracle.Lookup(info.Name)
		require.True(t, ok)
		assert.Equal(t, info.Name, got.Info().Name)
		m, ok := oracle.Meaning(info.Name)
		assert.True(t, ok)
		assert.Equal(t, info.Doc, m)
	}
	a := oracle.All()
	a[0] = nil
	assert.NotNil(t, oracle.All()[0], "All returns a copy")
	_, ok := oracle.Lookup("no-such-oracle")
	assert.False(t, ok)
	assert.Equal(t, engine.OracleLive, oracle.Live.Info().Name)
}

func TestWithout(t *testing.T) {
	rest := oracle.Without("live", "transparent", "no-such-oracle")
	require.Len(t, rest, len(oracle.Names())-2)
	for _, o := range rest {
		assert.NotContains(t, []string{"live", "transparent"}, o.Info().Name)
	}
	assert.Len(t, oracle.Without(), len(oracle.Names()))
}

// TestVerdicts: the names that are not oracles have meanings, and none is
// an oracle's name except the engine's share of live.
func TestVerdicts(t *testing.T) {
	for _, v := range oracle.Verdicts() {
		assert.NotEmpty(t, v.Doc, v.Name)
		assert.NotEmpty(t, v.ReportedBy, v.Name)
		if _, isOracle := oracle.Lookup(v.Name); isOracle {
			assert.Equal(t, engine.OracleLive, v.Name)
		}
	}
	m, ok := oracle.Meaning(engine.OraclePanic)
	assert.True(t, ok)
	assert.Contains(t, m, "panicked")
	_, ok = oracle.Meaning("no-such-verdict")
	assert.False(t, ok)
}

// TestRegistry_OraclesKeepNothing: the built-in oracles hold no state of
// their own (what they remember is in the hosts' records), so a world
// judged by all of them has an oracle hash and dfs proofs can prune runs
// by known transitions (observe's TestSetStateHash: an oracle with a
// field it does not hash turns that off).
func TestRegistry_OraclesKeepNothing(t *testing.T) {
	for _, o := range oracle.All() {
		s, err := observe.NewSet(nil, []observe.Oracle{o})
		require.NoError(t, err)
		_, ok := s.StateHash()
		assert.True(t, ok, "%s holds state it does not hash", o.Info().Name)
	}
	s, err := observe.NewSet(nil, oracle.All())
	require.NoError(t, err)
	_, ok := s.StateHash()
	assert.True(t, ok)
}
