package mutants_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/golden"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// catch is the catalog row that catches one mutant, and the oracle that
// does.
type catch struct {
	mutant   string
	scenario string
	edition  spec.Edition
	knobs    []string
	oracle   string
}

// catches lists the catalog rows that catch each mutant: one per mutant,
// but two for writes-back-after-stop-reply (a draft-2023 blk row and a
// virtio-1.4 net row, whose VFs explore wraps too). TestMutantsCaught
// checks that it and devTestCatches (mutants no row catches) cover the
// library.
var catches = []catch{
	{"acks-stop-keeps-pipeline", "rollback-after-failed-destination", spec.Draft2023, nil, "no-dma-when-stopped"},
	{"prefetch-when-stopped", "kick-during-stop", spec.Draft2023, nil, "no-dma-when-stopped"},
	{"irq-on-kick-when-stopped", "kick-during-stop", spec.Draft2023, nil, "no-notify-when-stopped"},
	{"config-irq-not-held", "resize-in-stop-only", spec.Draft2023, nil, "no-notify-when-stopped"},
	{"drops-pending-doorbell-at-stop", "kick-during-stop", spec.Draft2023, nil, "transparent"},
	{"resume-without-avail-poll", "mode-set-during-flr", spec.Virtio14, nil, "transparent"},
	{"goes-running-after-flr", "flr-while-stopped", spec.Virtio14, []string{"mode-after-flr=keep"}, "self-report"},
	{"reads-zero-before-reset-done", "reset-racing-stop", spec.Draft2023, nil, "transparent"},
	{"answers-mode-set-during-flr", "mode-set-during-flr", spec.Draft2023, nil, "admin-status"},
	{"writes-back-after-stop-reply", "inflight-descriptors-at-stop", spec.Draft2023, nil, "transparent"},
	{"writes-back-after-stop-reply", "net-tx-reexecuted", spec.Virtio14, nil, "wire"},
	{"rejects-mode-but-stops", "refused-commands", spec.Draft2023, nil, "admin-status"},
	{"accepts-ctx-write-while-running", "refused-commands", spec.Draft2023, nil, "admin-status"},
	{"accepts-parts-set-while-running", "refused-commands", spec.Virtio14, nil, "admin-status"},
	{"applies-config-write-in-freeze", "config-write-while-frozen", spec.Draft2023, nil, "frozen-context"},
	{"mode-get-lies", "smoke-migrate", spec.Draft2023, nil, "readback"},
	{"under-reports-context-size", "smoke-migrate", spec.Virtio14, nil, "readback"},
	{"parts-out-of-order", "smoke-migrate", spec.Virtio14, nil, "readback"},
	{"loses-held-config-irq", "resize-in-stop-only", spec.Draft2023, nil, "transparent"},
	{"loses-latched-doorbell", "kick-during-stop", spec.Draft2023, nil, "transparent"},
	{"acks-state-without-applying", "kick-during-stop", spec.Virtio14, nil, "transparent"},
	{"rewinds-last-avail-on-restore", "kick-during-stop", spec.Draft2023, nil, "transparent"},
	{"wrong-used-idx-on-restore", "smoke-migrate", spec.Draft2023, nil, "transparent"},
	{"msix-vector-lost-on-restore", "inflight-descriptors-at-stop", spec.Virtio14, nil, "transparent"},
	{"completes-twice-after-resume", "kick-during-stop", spec.Virtio14, nil, "transparent"},
	{"reports-active-while-stopped", "smoke-migrate", spec.Draft2023, nil, "self-report"},
	{"digest-unstable", "smoke-migrate", spec.Draft2023, nil, "self-report"},
	{"digest-stale", "peer-commoncfg-write-quiesced", spec.Virtio14, nil, "self-report"},
	{"dma-rx-while-stopped", "net-rx-while-stopped", spec.Virtio14, nil, "no-dma-when-stopped"},
	{"forgets-mac-table-on-restore", "net-mac-table-before-stop", spec.Virtio14, nil, "transparent"},
	{"fails-flush", "inflight-descriptors-at-stop", spec.Draft2023, nil, "gave-up"},
	{"drops-interrupts", "smoke-migrate", spec.Draft2023, nil, "gave-up"},
	{"naks-mac-table", "net-mac-table-before-stop", spec.Virtio14, nil, "gave-up"},
}

// Detection is measured over detectSeeds explorations of detectSchedules
// schedules each.
const (
	detectSeeds     = 5
	detectSchedules = 100
)

// detection is how one exploration seed found a mutant.
type detection struct {
	index  int // schedule index of the first unexpected finding; -1 for none
	oracle string
}

// explore runs one seed of a row with a device and returns the first
// finding the row does not expect. dfs rows are sampled with pct (a seed
// means nothing to dfs). Unless the mutant is caught by self-report, the
// registry runs without it: every other mutant must be caught by what a host
// observes, however the device describes itself. dev builds the blk
// members, net the members of a world of net VFs (nil: the reference).
func explore(t *testing.T, c catch, dev, net member.Factory, seed uint64) detection {
	t.Helper()
	s, e := row(t, c)
	tgt, err := catalog.NewTarget(s, e.Edition, e.Knobs, nil)
	require.NoError(t, err)
	tgt.Settings, tgt.Member, tgt.NetMember = e.Settings, dev, net
	if c.oracle != "self-report" {
		tgt.Oracles = oracle.Without("self-report")
	}
	b := s.BudgetFor(e.Edition)
	strategy := b.Strategy
	if strategy == engine.StrategyDFS {
		strategy = engine.StrategyPCT
	}
	f, err := tgt.Factory(engine.ScheduleSeed(seed, 0))
	require.NoError(t, err, "the device fails without migration")
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: strategy,
		Schedules: detectSchedules, Seed: seed, Jobs: 1, PCTDepth: b.Depth, MaxSteps: catalog.DefaultJudgeMaxSteps})
	require.NoError(t, err)
	expected := expectedName(e)
	d := detection{index: -1}
	for _, r := range sum.Findings {
		if r.Finding.Oracle != expected && (d.index < 0 || r.Index < d.index) {
			d = detection{index: r.Index, oracle: r.Finding.Oracle}
		}
	}
	return d
}

// row finds the catalog row of c.
func row(t *testing.T, c catch) (*scenario.Scenario, scenario.Expectation) {
	t.Helper()
	s, err := catalog.CatalogScenario(c.scenario)
	require.NoError(t, err)
	for _, e := range s.Expect {
		if e.Edition == c.edition && slices.Equal(e.Knobs, c.knobs) && len(e.Settings) == 0 {
			return s, e
		}
	}
	require.Failf(t, "no such row", "%s %s %v", c.scenario, c.edition, c.knobs)
	return nil, scenario.Expectation{}
}

// expectedName is the finding name a row expects ("" for pass).
func expectedName(e scenario.Expectation) string {
	switch e.Verdict {
	case scenario.VerdictViolation:
		return e.Oracle
	case scenario.VerdictError:
		return oracle.ErrorPrefix + e.Oracle
	}
	return ""
}

// result is one line of the table.
type result struct {
	catch
	doc     string
	oracles []string
	median  int
}

// TestMutantsCaught runs every mutant of the library against its row
// (detectSeeds seeds of detectSchedules schedules each): every seed must
// find something the row does not expect, the row's oracle among them.
// The reference device must find nothing unexpected on the same rows. The
// table goes to docs/conformance.md (regenerate with
// go test ./conformance/mutants -run TestMutantsCaught -rewrite).
func TestMutantsCaught(t *testing.T) {
	var names []string
	for _, c := range catches {
		names = append(names, c.mutant)
	}
	for _, c := range devTestCatches {
		names = append(names, c.mutant)
	}
	for _, m := range mutants.All() {
		assert.Contains(t, names, m.Name, "%s has no catching row or device test", m.Name)
		assert.NotEmpty(t, m.Doc, m.Name)
	}
	var results []result
	clean := map[string]bool{}
	for _, c := range catches {
		m, ok := mutants.Lookup(c.mutant)
		require.True(t, ok, c.mutant)
		require.True(t, m.Applies(c.edition), "%s does not exist in %s", c.mutant, c.edition)
		t.Run(c.mutant, func(t *testing.T) {
			res := result{catch: c, doc: m.Doc}
			var idx []int
			count := map[string]int{}
			for seed := uint64(1); seed <= detectSeeds; seed++ {
				// A bug of any device wraps the blk and the net members
				// alike: the row's VFs decide which one runs.
				dev, net := m.Factory(blk.New), m.Factory(membernet.New)
				if m.Device == mutants.DeviceNet {
					dev, net = blk.New, m.Factory(membernet.New)
				}
				d := explore(t, c, dev, net, seed)
				if !assert.GreaterOrEqual(t, d.index, 0, "seed %d: %s not caught in %d schedules of %s %s",
					seed, c.mutant, detectSchedules, c.scenario, c.edition) {
					continue
				}
				idx = append(idx, d.index+1)
				count[d.oracle]++
			}
			for o := range count {
				res.oracles = append(res.oracles, o)
			}
			sort.Slice(res.oracles, func(i, j int) bool {
				a, b := res.oracles[i], res.oracles[j]
				return count[a] > count[b] || (count[a] == count[b] && a < b)
			})
			assert.Contains(t, res.oracles, c.oracle, "%s is caught, but not by %s", c.mutant, c.oracle)
			if len(idx) > 0 {
				slices.Sort(idx)
				res.median = idx[len(idx)/2]
			}
			results = append(results, res)
		})
		key := fmt.Sprint(c.scenario, c.edition, c.knobs, c.oracle == "self-report")
		if clean[key] {
			continue
		}
		clean[key] = true
		t.Run("reference/"+c.scenario+"/"+c.edition.String(), func(t *testing.T) {
			for seed := uint64(1); seed <= detectSeeds; seed++ {
				d := explore(t, c, blk.New, nil, seed)
				assert.Equal(t, -1, d.index, "seed %d: the reference device gives %s", seed, d.oracle)
			}
		})
	}
	if t.Failed() {
		return
	}
	golden.CheckSection(t, "../../"+ConformanceDocPath, "mutants", []byte(conformanceDoc(results)))
}

// ConformanceDocPath is the document that holds the mutant table (section
// "mutants"), relative to the module root.
const ConformanceDocPath = "docs/conformance.md"

func conformanceDoc(rs []result) string {
	var b strings.Builder
	b.WriteString(`<!-- Generated by TestMutantsCaught (conformance/mutants). Do not edit: run
     go test ./conformance/mutants -run TestMutantsCaught -rewrite -->

Package ` + "`conformance/mutants`" + ` holds realistic device bugs, each a wrapper around any
` + "`member.Device`" + ` built with the public member API only: the wrapper sees every event the world
delivers, may answer it itself, change what the device it wraps answers, or send that device
events of its own (a private mode change, a read of its own MSI-X table) that the owner never
sees; a bug in the device's DMA path builds that device with a memory port of its own. The
catalog must catch every one of them (but those of the next section, which only the kit's device
tests catch), and the unmodified reference device must give no finding its rows do not expect.

For each mutant the table names one catalog row that catches it and the oracles that did.
Detection is measured over ` + fmt.Sprint(detectSeeds) + ` exploration seeds of ` + fmt.Sprint(detectSchedules) +
		` schedules each, with the row's own strategy (pct for a dfs row): "median" is the median number of
schedules until the first finding the row does not expect. Unless the row's oracle is
` + "`self-report`" + `, the registry runs without ` + "`self-report`" + `: those mutants are caught by what a host
observes (bus traffic, admin statuses, the bytes it reads back, the guest's log), however the
device describes itself.

`)
	b.WriteString("| mutant | what it does wrong | editions | row | oracle | median schedules |\n|---|---|---|---|---|---|\n")
	for _, r := range rs {
		m, _ := mutants.Lookup(r.mutant)
		var eds []string
		for _, e := range m.Editions {
			eds = append(eds, e.String())
		}
		rowName := r.scenario + " " + r.edition.String()
		if len(r.knobs) > 0 {
			rowName += " " + strings.Join(r.knobs, " ")
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s | %s | %s | %d |\n", r.mutant, strings.ReplaceAll(r.doc, "|", `\|`),
			strings.Join(eds, ", "), rowName, strings.Join(r.oracles, ", "), r.median)
	}
	b.WriteString(`
The full matrix (every mutant against every catalog row, with every exploration of each row) is
opt-in: ` + "`go test ./conformance/mutants -run TestMutantMatrix -mutants.full -timeout 0`" + ` (add
` + "`-mutants.only=NAME`" + ` for one mutant). It lists every row a mutant makes mismatch.
`)
	return b.String()
}
