package mutants_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
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
	{"restores-max-pairs", "net-mq-pairs-before-migration", spec.Virtio14, nil, "transparent"},
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
	seed   uint64 // the seed explored (set by seedDetections.get)
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
	// seeds are the seeds explored, caughtSeeds those that caught the
	// mutant.
	seeds, caughtSeeds int
}

// TestMutantsCaught runs every mutant of the library against its row
// (detectSeeds seeds of detectSchedules schedules each): every seed must
// find something the row does not expect, the row's oracle among them;
// the kit, run on the row's scenario and edition, fails and shows every
// failure in its requirement view (assertRequirementViewFails).
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
	// Each mutant's detections are explored once, by whichever subtest
	// needs them first: its own, or "doc", which needs every mutant's.
	// Each subtest runs alone (-run).
	found := make([]seedDetections, len(catches))
	clean := map[string]bool{}
	for i, c := range catches {
		m, ok := mutants.Lookup(c.mutant)
		require.True(t, ok, c.mutant)
		require.True(t, m.Applies(c.edition), "%s does not exist in %s", c.mutant, c.edition)
		t.Run(c.mutant, func(t *testing.T) {
			ds := found[i].get(t, c, m)
			for _, d := range ds {
				assert.GreaterOrEqual(t, d.index, 0, "seed %d: %s not caught in %d schedules of %s %s",
					d.seed, c.mutant, detectSchedules, c.scenario, c.edition)
			}
			res := summarize(c, m, ds)
			assert.Contains(t, res.oracles, c.oracle, "%s is caught, but not by %s", c.mutant, c.oracle)
			// The kit catches it on the row's scenario too, and its
			// requirement view shows the failure: a requirement that
			// fails, or the failures that charge none.
			rep, err := conformance.Check(kitDevice(t, c, m), conformance.Short(), conformance.Parts(false, true),
				conformance.Scenarios(c.scenario), conformance.Editions(c.edition), conformance.ReplayDir(t.TempDir()))
			require.NoError(t, err)
			assertRequirementViewFails(t, rep)
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
	t.Run("doc", func(t *testing.T) {
		var results []result
		for i, c := range catches {
			m, _ := mutants.Lookup(c.mutant)
			res := summarize(c, m, found[i].get(t, c, m))
			if !res.caught() {
				// The mutant's subtest says how: the table is not
				// judged (nor rewritten) with a mutant that is not caught.
				t.Errorf("%s is not caught on every seed by %s: the table is left as it is", c.mutant, c.oracle)
				return
			}
			results = append(results, res)
		}
		golden.CheckSection(t, "../../"+ConformanceDocPath, "mutants", []byte(conformanceDoc(results)))
	})
}

// seedDetections are a mutant's detections on its row, one per seed,
// explored once by whichever subtest asks first (with its t).
type seedDetections struct {
	once sync.Once
	ds   []detection
}

// get explores c's row with mutant m for every seed, once.
func (f *seedDetections) get(t *testing.T, c catch, m mutants.Mutant) []detection {
	t.Helper()
	f.once.Do(func() {
		for seed := uint64(1); seed <= detectSeeds; seed++ {
			// A bug of any device wraps the blk and the net members
			// alike: the row's VFs decide which one runs.
			dev, net := m.Factory(blk.New), m.Factory(membernet.New)
			if m.Device == mutants.DeviceNet {
				dev, net = blk.New, m.Factory(membernet.New)
			}
			d := explore(t, c, dev, net, seed)
			d.seed = seed
			f.ds = append(f.ds, d)
		}
	})
	return f.ds
}

// summarize is the table row of c's mutant m from its detections: the
// oracles that caught it, most often first, and the median schedule of
// the first finding over the seeds that caught it.
func summarize(c catch, m mutants.Mutant, ds []detection) result {
	res := result{catch: c, doc: m.Doc, seeds: len(ds)}
	var idx []int
	count := map[string]int{}
	for _, d := range ds {
		if d.index < 0 {
			continue
		}
		idx = append(idx, d.index+1)
		count[d.oracle]++
	}
	res.caughtSeeds = len(idx)
	for o := range count {
		res.oracles = append(res.oracles, o)
	}
	sort.Slice(res.oracles, func(i, j int) bool {
		a, b := res.oracles[i], res.oracles[j]
		return count[a] > count[b] || (count[a] == count[b] && a < b)
	})
	if len(idx) > 0 {
		slices.Sort(idx)
		res.median = idx[len(idx)/2]
	}
	return res
}

// caught reports whether every seed caught the mutant and the row's
// oracle is among those that did: what the mutant's subtest asserts.
func (r result) caught() bool {
	return r.seeds == detectSeeds && r.caughtSeeds == r.seeds && slices.Contains(r.oracles, r.oracle)
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
