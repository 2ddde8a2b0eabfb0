package world_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world"
	"github.com/migsim/migsim/world/observe"
)

// countingOracle counts the events it judged; it reports nothing.
type countingOracle struct{ n *int }

func (c countingOracle) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "count-events", Doc: "counts events"}
}
func (c countingOracle) CheckEvent(*observe.EventPass) { *c.n++ }

// perEventCounter is a countingOracle that judges every event on its own.
type perEventCounter struct{ countingOracle }

func (perEventCounter) PerEvent() {}

// eventDuringModeChange is a planted per-event oracle that fires in some
// runs only, and often at the decision a run branches at: an event of a
// vCPU or of a member itself reaching a member while a mode command to it
// is outstanding.
type eventDuringModeChange struct{}

func (eventDuringModeChange) Info() observe.OracleInfo {
	return observe.OracleInfo{Name: "event-during-mode-change", Doc: "an event reaches a member whose mode is changing"}
}
func (eventDuringModeChange) PerEvent() {}
func (eventDuringModeChange) CheckEvent(p *observe.EventPass) {
	if p.Who == "hv" {
		return
	}
	for i := range p.Members {
		if m := &p.Members[i]; m.Owner().ModePending {
			p.Report([]string{p.Who}, "%s reached %s while its mode changed", p.Who, m.Name())
			return
		}
	}
}

// runLog records how every run of a search ended, in order.
type runLog struct {
	*world.World
	out *[]string
}

func (r *runLog) Execute(s engine.Step) *engine.Finding {
	f := r.World.Execute(s)
	if f != nil {
		*r.out = append(*r.out, fmt.Sprintf("step %d %s: %s %v %s", f.Step, f.Oracle, f.Message, f.Reqs, f.Actors))
	}
	return f
}

func (r *runLog) Finish() *engine.Finding {
	f := r.World.Finish()
	*r.out = append(*r.out, fmt.Sprintf("end %s %x %x", findingOracle(f), r.World.CanonicalStateHash(), deephash.Hash(r.World.GuestLog())))
	return f
}

// TestReplayed_SameSearch: a dfs search that leaves the per-event checks
// out on the steps it replays (the default) runs the same runs, ends each
// the same way (every finding, its step and message; every end state and
// guest log) and counts the same as one that checks every step
// (CheckReplays) — on rows whose searches find violations of the event
// oracles and of the others. The per-event oracles then judge fewer
// events; an event oracle that is not per-event keeps every event judged.
func TestReplayed_SameSearch(t *testing.T) {
	rows := []struct {
		scenario string
		ed       spec.Edition
		knobs    []string
		runs     int
		// planted adds an event oracle that fires in some runs; impure
		// wraps every member in a device that counts its digest queries.
		planted, impure bool
	}{
		{"flr-during-freeze", spec.Draft2023, nil, 300, true, false},
		{"reset-racing-stop", spec.Draft2023, nil, 300, true, false},
		{"flr-during-freeze", spec.Draft2023, nil, 200, false, true},
		{"flr-during-freeze", spec.Draft2023, nil, 200, false, false},
		// Its event oracles read the hosts' records of their members,
		// which settled FLRs and created entries when read: the state
		// then depended on whether they ran.
		{"flr-during-freeze", spec.Virtio14, nil, 800, false, false},
		{"reset-racing-stop", spec.Virtio14, []string{"reset-vs-mode=reply-on-start"}, 300, false, false},
		{"kick-during-stop", spec.Virtio14, []string{"resume-avail=latched-only"}, 200, false, false},
		{"pf-flr-with-admin-outstanding", spec.Virtio14, nil, 300, false, false},
		{"common-config-write-in-freeze", spec.Draft2023, nil, 200, false, false},
		{"net-link-while-stopped", spec.Draft2023, nil, 200, false, false},
	}
	if testing.Short() {
		rows = rows[:3]
	}
	planted := 0
	for _, row := range rows {
		name := fmt.Sprintf("%s/%s/%v", row.scenario, row.ed, row.knobs)
		if row.planted {
			name += "/planted"
		}
		if row.impure {
			name += "/impure"
		}
		t.Run(name, func(t *testing.T) {
			type result struct {
				sum             engine.Summary
				runs            []string
				events, digests int
			}
			search := func(check bool, counter func(*int) observe.Oracle) result {
				s, err := catalog.CatalogScenario(row.scenario)
				require.NoError(t, err)
				tg, err := catalog.NewTarget(s, row.ed, row.knobs, nil)
				require.NoError(t, err)
				var r result
				tg.Oracles = append(oracle.All(), counter(&r.events))
				if row.planted {
					tg.Oracles = append(tg.Oracles, eventDuringModeChange{})
				}
				tg.CheckReplays = check
				if row.impure {
					tg.Member = func(c member.Config) member.Device { return &impureDigest{Device: blk.New(c), total: &r.digests} }
				}
				f, err := tg.Factory(engine.ScheduleSeed(1, 0))
				require.NoError(t, err)
				logged := func(st engine.Streams) (engine.System, error) {
					sys, err := f(st)
					if err != nil {
						return nil, err
					}
					return &runLog{World: sys.(*world.World), out: &r.runs}, nil
				}
				r.sum, err = engine.Explore(context.Background(), engine.ExploreConfig{Factory: logged, Strategy: engine.StrategyDFS,
					Bound: 2, Reduction: engine.ReductionSleep, States: true, Schedules: row.runs, Jobs: 1,
					MaxSteps: catalog.DefaultJudgeMaxSteps})
				require.NoError(t, err)
				return r
			}
			perEvent := func(n *int) observe.Oracle { return perEventCounter{countingOracle{n}} }
			plain := func(n *int) observe.Oracle { return countingOracle{n} }

			checked, skipped := search(true, perEvent), search(false, perEvent)
			assert.Equal(t, checked.runs, skipped.runs, "every run ends the same way")
			assert.Equal(t, checked.sum.Schedules, skipped.sum.Schedules)
			assert.Equal(t, checked.sum.Pruned, skipped.sum.Pruned)
			assert.Equal(t, checked.sum.StateHits, skipped.sum.StateHits)
			assert.Equal(t, checked.sum.Failing, skipped.sum.Failing)
			assert.Equal(t, checked.sum.Decisions, skipped.sum.Decisions)
			assert.Positive(t, checked.sum.Pruned+checked.sum.Schedules)
			if row.impure {
				assert.Positive(t, checked.digests)
				assert.Equal(t, checked.digests, skipped.digests, "members that are not member.Pure are queried on every step")
			} else {
				assert.Less(t, skipped.events, checked.events, "replayed steps' events are not judged again")
			}

			kept := search(false, plain)
			assert.Equal(t, checked.runs, kept.runs)
			assert.Equal(t, checked.events, kept.events, "an event oracle that keeps state sees every event")
			if row.planted {
				planted += checked.sum.Failing
			}
			t.Logf("%d runs, %d findings; events judged: %d checked, %d with replays left out",
				checked.sum.Schedules+checked.sum.Pruned, checked.sum.Failing, checked.events, skipped.events)
		})
	}
	assert.Positive(t, planted, "the planted event oracle fires in some runs")
}

// impureDigest mixes a count of its queries into its digest, as the
// digest-unstable mutant does; claimsPure says it is member.Pure.
type impureDigest struct {
	member.Device
	n     uint64
	total *int // queries of every such device of a search
}

func (d *impureDigest) ContextDigest() uint64 {
	d.n++
	if d.total != nil {
		*d.total++
	}
	return d.Device.ContextDigest() ^ d.n
}

type claimsPure struct{ *impureDigest }

func (claimsPure) PureQueries() {}

// TestReplayed_PureMembersQueriedWithoutSideEffects: the built-in members
// are member.Pure, and asking them for their status and digest leaves the
// world's state as it was, at every step of random runs of both device
// types and editions; a device that counts its queries (planted) changes
// it.
func TestReplayed_PureMembersQueriedWithoutSideEffects(t *testing.T) {
	cases := []struct {
		scenario string
		wrap     func(member.Device) member.Device
		pure     bool
	}{
		{"smoke-migrate", nil, true},
		{"net-link-while-stopped", nil, true},
		{"flr-during-freeze", nil, true},
		{"reset-racing-stop", nil, true},
		{"smoke-migrate", func(d member.Device) member.Device { return claimsPure{&impureDigest{Device: d}} }, false},
	}
	for _, tc := range cases {
		for _, ed := range spec.Editions {
			t.Run(fmt.Sprintf("%s/%s/pure=%v", tc.scenario, ed, tc.pure), func(t *testing.T) {
				s, err := catalog.CatalogScenario(tc.scenario)
				require.NoError(t, err)
				tg, err := catalog.NewTarget(s, ed, nil, nil)
				require.NoError(t, err)
				if tc.wrap != nil {
					tg.Member = func(c member.Config) member.Device { return tc.wrap(blk.New(c)) }
				}
				seed := engine.ScheduleSeed(3, 0)
				f, err := tg.Factory(seed)
				require.NoError(t, err)
				sys, err := f(engine.NewStreams(seed))
				require.NoError(t, err)
				w := sys.(*world.World)
				t.Cleanup(w.Close)
				rng := rand.New(rand.NewPCG(3, uint64(ed)))
				queried, changed, allPure := 0, 0, true
				walk(w, 400, func(en []engine.Step) int { return rng.IntN(len(en)) }, func(int) {
					before := w.StateHashWith(true)
					n, pure := w.QueryMembersForTest()
					queried += n
					allPure = allPure && pure
					if w.StateHashWith(true) != before {
						changed++
					}
				})
				require.Positive(t, queried, "members were built and queried")
				assert.True(t, allPure, "every member says it is member.Pure")
				if tc.pure {
					assert.Zero(t, changed, "queries changed the state")
					return
				}
				assert.Positive(t, changed, "the planted device's queries change its state")
			})
		}
	}
}

// pureOpaque is a member outside the process (as an external device's
// proxy is) that also says it is member.Pure.
type pureOpaque struct{ claimsPure }

func (pureOpaque) OpaqueState() {}

// TestReplayed_MemberBuiltMidStep: a replayed step that builds a member
// that is not member.Pure, or is outside the process, runs its remaining
// checks; a built-in member keeps them left out.
func TestReplayed_MemberBuiltMidStep(t *testing.T) {
	w := smokeWorlds(t, spec.Virtio14)()
	c := member.Config{Edition: spec.Virtio14, Rules: spec.DefaultRules(spec.Virtio14), VF: 1}
	cases := []struct {
		name    string
		m       member.Device
		leftOut bool
	}{
		{"built-in", blk.New(c), true},
		{"wrapper", &impureDigest{Device: blk.New(c)}, false},
		{"outside the process", pureOpaque{claimsPure{&impureDigest{Device: blk.New(c)}}}, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.leftOut, w.MemberBuiltDuringReplayForTest(tc.m))
		})
	}
}
