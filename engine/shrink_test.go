package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// noisyRace is a lost-update race buried in noise: three racers with two
// increments each and an independent noise actor.
var noisyRace = toyConfig{racers: 3, incs: 2, computes: 2, noise: 5}

// Shrinking a random failing schedule of the noisy race yields the
// smallest one by preemptions first: racer0 reads, racer1 preempts it and
// completes both its increments, racer0 writes its stale value. That is 12
// steps (read, 2 computes, write per increment) and one preemption; the
// noise and the third racer are gone. (With two preemptions 8 steps would
// do — racer0 preempting racer1 between its increments — but shrinking
// never trades a preemption for steps.) Every step matters: racer1's
// steps are ordered before its writes, which conflict with racer0's.
func TestShrink_LostUpdateMinimal(t *testing.T) {
	f := noisyRace.factory()
	sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyRandom, Schedules: 100, Seed: 3, Jobs: 1})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Findings)
	rep := sum.Findings[0]
	require.Greater(t, rep.Result.Preemptions, 1, "the random schedule is already minimal; pick another seed")

	sr, err := Shrink(f, rep.Seed, rep.Result.Choices, "lost-update", ShrinkConfig{})
	require.NoError(t, err)
	t.Logf("shrunk %s → %s in %d replays\n%s", sr.Before, sr.After, sr.Replays, choiceLabels(sr.Result.Choices))
	assert.Equal(t, Size{Steps: rep.Result.Steps(), Preemptions: rep.Result.Preemptions, Relevant: len(CausalSlice(rep.Result))}, sr.Before)
	assert.Equal(t, Size{Steps: 12, Preemptions: 1, Relevant: 12}, sr.After)
	assert.Equal(t, "all 12 steps matter: the steps' footprints do not separate them (replay --explain names the orderings the finding needs)", sr.SliceText())
	require.NotNil(t, sr.Result.Finding)
	assert.Equal(t, "lost-update", sr.Result.Finding.Oracle)

	// Canonical: swapping any two adjacent independent steps that are in
	// descending actor order gives no smaller failing schedule.
	cs := sr.Result.Choices
	for i := 0; i+1 < len(cs); i++ {
		if cs[i].Actor > cs[i+1].Actor && !cs[i].Footprint.Conflicts(cs[i+1].Footprint) {
			cand := append([]Choice(nil), cs...)
			cand[i], cand[i+1] = cand[i+1], cand[i]
			res, err := Run(f, rep.Seed, NewLenientReplay(cand), RunConfig{})
			require.NoError(t, err)
			assert.False(t, res.Finding != nil && smaller(res, len(CausalSlice(res)), sr.Result, len(sr.Slice)), "swapping steps %d,%d shrinks further", i, i+1)
		}
	}

	// The shrunk schedule replays strictly to the same trace.
	again, err := Run(f, sr.Result.Seed, NewReplay(sr.Result.Choices), RunConfig{})
	require.NoError(t, err)
	assert.Equal(t, sr.Result.TraceHash, again.TraceHash)
	assert.Equal(t, sr.Result.Preemptions, again.Preemptions)
	require.NotNil(t, again.Finding)
	assert.Equal(t, sr.Result.Finding.Oracle, again.Finding.Oracle)
}

// A shrink that its replay budget cuts says so (BudgetSpent) at any budget
// below what it needs, and one that ends because no pass helps does not:
// with --shrink-replays 1 the catalog's reset-racing-stop finding read "no
// smaller schedule fails the same way (1 replay)" while the default budget
// shrank it from one preemption to none.
func TestShrink_BudgetSpent(t *testing.T) {
	f := noisyRace.factory()
	sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyRandom, Schedules: 100, Seed: 3, Jobs: 1})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Findings)
	rep := sum.Findings[0]
	full, err := Shrink(f, rep.Seed, rep.Result.Choices, "lost-update", ShrinkConfig{})
	require.NoError(t, err)
	require.False(t, full.BudgetSpent, "the default budget finishes: %d replays", full.Replays)
	require.Less(t, full.Replays, DefaultShrinkReplays)
	for _, budget := range []int{1, 2, full.Replays / 2, full.Replays - 1} {
		sr, err := Shrink(f, rep.Seed, rep.Result.Choices, "lost-update", ShrinkConfig{MaxReplays: budget})
		require.NoError(t, err)
		assert.True(t, sr.BudgetSpent, "budget %d of the %d replays the shrink needs", budget, full.Replays)
		assert.Equal(t, budget, sr.Replays)
		assert.NotContains(t, sr.Text(), "no smaller schedule fails the same way", "budget %d", budget)
	}
	exact, err := Shrink(f, rep.Seed, rep.Result.Choices, "lost-update", ShrinkConfig{MaxReplays: full.Replays})
	require.NoError(t, err)
	assert.Equal(t, full.After, exact.After)
	assert.False(t, exact.BudgetSpent, "a budget of exactly the replays the shrink needs is not cut")
}

// Shrinking is deterministic and the explorer can do it for every finding.
func TestShrink_ViaExplore(t *testing.T) {
	run := func(jobs int) Summary {
		sum, err := Explore(context.Background(), ExploreConfig{
			Factory: noisyRace.factory(), Strategy: StrategyPCT, Schedules: 300, Seed: 11, Jobs: jobs, Shrink: &ShrinkConfig{},
		})
		require.NoError(t, err)
		sum.Elapsed = 0
		return sum
	}
	a, b := run(1), run(4)
	require.Len(t, a.Findings, 1)
	require.NotNil(t, a.Findings[0].Shrunk)
	assert.Equal(t, Size{Steps: 12, Preemptions: 1, Relevant: 12}, a.Findings[0].Shrunk.After)
	assert.Equal(t, a, b)
}

// A schedule that does not fail with the oracle is refused.
func TestShrink_NotFailing(t *testing.T) {
	f := toyConfig{racers: 2, incs: 1, locked: true}.factory()
	res, err := Run(f, 1, NewRandom(NewStream(1, StreamSchedule)), RunConfig{})
	require.NoError(t, err)
	_, err = Shrink(f, 1, res.Choices, "lost-update", ShrinkConfig{})
	assert.EqualError(t, err, `engine: shrink: seed 1: schedule of 2 choices ends in "", want finding "lost-update"`)
	assert.ErrorIs(t, err, ErrNotFailing)
	assert.NotErrorIs(t, err, ErrNotDeterministic, "a schedule given from elsewhere may just not fail")
	// The same schedule named as the run just made: its seed and choices
	// ending otherwise can only be the system's non-determinism.
	_, err = Shrink(f, 1, res.Choices, "lost-update", ShrinkConfig{JustRan: true})
	assert.ErrorIs(t, err, ErrNotFailing)
	assert.ErrorIs(t, err, ErrNotDeterministic)
}

// A system that does not run the same way twice is caught by the shrink's
// memo (a run that contradicts a remembered one) instead of being shrunk
// from answers that are not its own.
func TestShrink_MemoCatchesNonDeterminism(t *testing.T) {
	base := noisyRace.factory()
	runs := 0
	f := func(st Streams) (System, error) {
		runs++
		s, err := base(st)
		if err == nil && runs > 3 {
			// From the fourth run on, the noise actor's steps are
			// labelled differently: the same choices run differently.
			for _, a := range s.(*toySys).actors {
				for i := range a.prog {
					if a.prog[i].op == opNoise {
						a.prog[i].label += " again"
					}
				}
			}
		}
		return s, err
	}
	sum, err := Explore(context.Background(), ExploreConfig{Factory: base, Strategy: StrategyRandom, Schedules: 100, Seed: 3, Jobs: 1})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Findings)
	rep := sum.Findings[0]
	_, err = Shrink(f, rep.Seed, rep.Result.Choices, rep.Finding.Oracle, ShrinkConfig{})
	require.Error(t, err)
	assert.ErrorIs(t, err, ErrNotDeterministic)
}

// A system that runs differently only once contradicts the memo on other
// paths than a mismatched label: a remembered pick past the end of the
// steps it now offers (a miss), a memo check that runs past its remembered
// path. Both stop the shrink with the determinism error.
func TestShrink_MemoCatchesNonDeterminismOnce(t *testing.T) {
	cfg := toyConfig{racers: 3, incs: 2, locked: true, noise: 4}
	base := func(st Streams) (System, error) {
		s := newToy(cfg, st)
		s.failAtEnd = true
		return s, nil
	}
	for _, tc := range []struct {
		name string
		k    int
		seed uint64
	}{
		{"prefix pick out of range on a miss", 4, 2},
		{"memo check runs past the remembered path", 10, 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sum, err := Explore(context.Background(), ExploreConfig{Factory: base, Strategy: StrategyRandom, Schedules: 10, Seed: tc.seed, Jobs: 1})
			require.NoError(t, err)
			require.NotEmpty(t, sum.Findings)
			rep := sum.Findings[0]
			runs := 0
			f := func(st Streams) (System, error) {
				runs++
				s, err := base(st)
				if runs == tc.k { // this one run has an extra noise step
					for _, a := range s.(*toySys).actors {
						if a.prog[0].op == opNoise {
							a.prog = append(a.prog, a.prog[0])
						}
					}
				}
				return s, err
			}
			_, err = Shrink(f, rep.Seed, rep.Result.Choices, rep.Finding.Oracle, ShrinkConfig{})
			assert.ErrorIs(t, err, ErrNotDeterministic)
			assert.ErrorContains(t, err, "no shrunk schedule would reproduce")
		})
	}
}

// Only a failing run shrinks: no oracle is refused before anything runs.
func TestShrink_NoOracle(t *testing.T) {
	f := toyConfig{racers: 2, incs: 1, locked: true}.factory()
	_, err := Shrink(f, 1, nil, "", ShrinkConfig{})
	assert.EqualError(t, err, "engine: shrink: seed 1: no oracle: only a failing run shrinks")
}

// Lenient replay falls back deterministically when a label is gone.
func TestReplay_LenientFallback(t *testing.T) {
	f := toyConfig{racers: 2, incs: 2, locked: true}.factory()
	cases := []struct {
		name    string
		choices []Choice
		want    []int // actors of the run
	}{
		{"empty list continues actor 0", nil, []int{0, 0, 1, 1}},
		{"label found elsewhere", []Choice{{Index: 0, Actor: 1, Label: "racer1:inc counter"}}, []int{1, 1, 0, 0}},
		{"unknown label falls back to the actor", []Choice{{Index: 5, Actor: 1, Label: "racer1:gone"}}, []int{1, 1, 0, 0}},
		{"negative index continues", []Choice{{Index: 1, Actor: 1, Label: "racer1:inc counter"}, {Index: -1}}, []int{1, 1, 0, 0}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Run(f, 1, NewLenientReplay(tc.choices), RunConfig{})
			require.NoError(t, err)
			var actors []int
			for _, c := range res.Choices {
				actors = append(actors, c.Actor)
			}
			assert.Equal(t, tc.want, actors)
		})
	}
}

// Canonicalisation sorts commuting steps into ascending actor order when
// that costs no steps and no preemptions.
func TestShrink_Canonicalise(t *testing.T) {
	f := func(st Streams) (System, error) {
		s := newToy(toyConfig{noise: 0}, st)
		for a := 0; a < 3; a++ {
			name := "solo" + string(rune('a'+a))
			s.actors = append(s.actors, &toyActor{name: name, prog: []toyInstr{{op: opNoise, label: name + ":poke", fp: Writes(Resource(a))}}})
		}
		s.failAtEnd = true
		return s, nil
	}
	rec := []Choice{{Index: 2, Actor: 2, Label: "soloc:poke"}, {Index: 1, Actor: 1, Label: "solob:poke"}, {Index: 0, Actor: 0, Label: "soloa:poke"}}
	sh := newShrinker(context.Background(), f, 1, "end", ShrinkConfig{MaxReplays: 100})
	first, err := sh.replay(rec)
	require.NoError(t, err)
	require.NotNil(t, first.Finding)
	sh.cur, sh.curRelevant = first, len(CausalSlice(first))
	assert.True(t, sh.canonicalise())
	var got []string
	for _, c := range sh.cur.Choices {
		got = append(got, c.Label)
	}
	assert.Equal(t, []string{"soloa:poke", "solob:poke", "soloc:poke"}, got)
	assert.False(t, sh.canonicalise(), "a canonical schedule is a fixpoint")
}

// Shrinking never returns more preemptions than it was given, on failing
// schedules of random toy systems found by random exploration.
func TestShrink_PreemptionsNeverIncrease(t *testing.T) {
	shrunk := 0
	eachPropFinding(t, func(f Factory, rep Report, what string) {
		sr, err := Shrink(f, rep.Seed, rep.Result.Choices, rep.Finding.Oracle, ShrinkConfig{MaxReplays: 200})
		require.NoError(t, err)
		shrunk++
		assert.LessOrEqual(t, sr.After.Preemptions, sr.Before.Preemptions, "%s: %s", what, rep.Finding.Oracle)
		assert.Equal(t, rep.Finding.Oracle, sr.Result.Finding.Oracle)
		assert.Equal(t, CausalSlice(sr.Result), sr.Slice)
	})
	assert.Greater(t, shrunk, *propSystems)
}

// eachPropFinding explores 30 random schedules of each random toy system
// and calls fn with every finding (what names the system for messages).
func eachPropFinding(t *testing.T, fn func(f Factory, rep Report, what string)) {
	t.Helper()
	gen := propGen{actors: 3, instrs: 4, vars: 3}
	for sys := 0; sys < *propSystems; sys++ {
		progs := genProp(NewStream(uint64(sys), StreamWorkload), gen)
		f := propFactory(progs, gen.vars)
		sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyRandom, Schedules: 30, Seed: uint64(sys), Jobs: 1})
		require.NoError(t, err)
		for _, rep := range sum.Findings {
			fn(f, rep, fmt.Sprintf("system %d\n%s", sys, propString(progs)))
		}
	}
}

// The shrink's memo answers candidates without running them and changes
// nothing else: on failing schedules of random toy systems, and of the
// noisy race with its compute counts drawn from the workload stream,
// shrinking with and without it gives the same sizes, replays, schedule
// and slice, in fewer runs.
func TestShrink_MemoSameResult(t *testing.T) {
	shrunk, replays, executed := 0, 0, 0
	same := func(f Factory, rep Report, what string) {
		t.Helper()
		on, err := Shrink(f, rep.Seed, rep.Result.Choices, rep.Finding.Oracle, ShrinkConfig{MaxReplays: 300})
		require.NoError(t, err)
		off, err := Shrink(f, rep.Seed, rep.Result.Choices, rep.Finding.Oracle, ShrinkConfig{MaxReplays: 300, NoMemo: true})
		require.NoError(t, err)
		shrunk++
		replays += on.Replays
		executed += on.Executed
		assert.Equal(t, off.Replays, off.Executed, "without the memo every candidate runs")
		assert.LessOrEqual(t, on.Executed, on.Replays)
		on.Executed, off.Executed = 0, 0
		assert.Equal(t, off, on, "%s: %s", what, rep.Finding.Oracle)
	}
	eachPropFinding(t, same)
	drawn := toyConfig{racers: 3, incs: 2, computes: 3, noise: 4, workload: true}.factory()
	for seed := uint64(1); seed <= 10; seed++ {
		sum, err := Explore(context.Background(), ExploreConfig{Factory: drawn, Strategy: StrategyRandom, Schedules: 50, Seed: seed, Jobs: 1})
		require.NoError(t, err)
		require.NotEmpty(t, sum.Findings, "seed %d", seed)
		same(drawn, sum.Findings[0], fmt.Sprintf("noisy race with drawn computes, seed %d", seed))
	}
	require.Greater(t, shrunk, *propSystems)
	assert.Less(t, executed, replays, "the memo answers some candidates")
	t.Logf("%d shrinks: %d candidate replays, %d runs with the memo", shrunk, replays, executed)
}

// plantedSys has one bad step among many: "bug:corrupt" writes a wrong
// value into the checked resource; "checker:check" reads it at the end and
// reports. Eight noise actors work on their own resources meanwhile, and
// a writer prepares the resource first.
func plantedSys(Streams) (System, error) {
	s := newToy(toyConfig{}, Streams{})
	const checked Resource = 50
	s.actors = append(s.actors,
		&toyActor{name: "writer", prog: []toyInstr{{op: opCompute, label: "writer:init", fp: Writes(checked)}}},
		&toyActor{name: "bug", prog: []toyInstr{
			{op: opCompute, label: "bug:prepare"},
			{op: opCompute, label: "bug:corrupt", fp: Writes(checked)},
		}})
	for a := 0; a < 8; a++ {
		name := "noise" + string(rune('a'+a))
		act := &toyActor{name: name}
		for i := 0; i < 4; i++ {
			act.prog = append(act.prog, toyInstr{op: opNoise, label: name + ":poke", fp: Writes(Resource(100 + a))})
		}
		s.actors = append(s.actors, act)
	}
	s.actors = append(s.actors, &toyActor{name: "checker", prog: []toyInstr{{op: opCompute, label: "checker:check", fp: Reads(checked)}}})
	return &plantedWrap{toySys: s}, nil
}

// plantedWrap reports a violation when the checker runs after the bug.
type plantedWrap struct {
	*toySys
	corrupt bool
}

func (p *plantedWrap) Execute(st Step) *Finding {
	switch st.Label {
	case "bug:corrupt":
		p.corrupt = true
	case "checker:check":
		if p.corrupt {
			p.toySys.Execute(st)
			return &Finding{Oracle: "corrupt", Message: "checker read the corrupted value"}
		}
	}
	return p.toySys.Execute(st)
}

// A planted one-step cause: the causal slice of the shrunk schedule is the
// bug's steps, the writer's and the check — at most 5 steps of the run,
// however much noise the run had.
func TestShrink_PlantedCauseSlice(t *testing.T) {
	sum, err := Explore(context.Background(), ExploreConfig{Factory: plantedSys, Strategy: StrategyRandom, Schedules: 200, Seed: 5, Jobs: 1})
	require.NoError(t, err)
	require.NotEmpty(t, sum.Findings)
	rep := sum.Findings[0]
	before := CausalSlice(rep.Result)
	assert.LessOrEqual(t, len(before), 5, "even unshrunk, only the cause matters")
	sr, err := Shrink(plantedSys, rep.Seed, rep.Result.Choices, "corrupt", ShrinkConfig{})
	require.NoError(t, err)
	var labels []string
	for _, i := range sr.Slice {
		labels = append(labels, sr.Result.Choices[i].Label)
	}
	t.Logf("%s → %s, %s: %v", sr.Before, sr.After, sr.SliceText(), labels)
	assert.LessOrEqual(t, len(sr.Slice), 5)
	assert.Contains(t, labels, "bug:corrupt")
	assert.Contains(t, labels, "checker:check")
	assert.NotContains(t, labels, "noisea:poke")
	assert.LessOrEqual(t, sr.After.Preemptions, sr.Before.Preemptions)
}

// An interrupted shrink returns the smallest failing run found so far.
func TestShrink_Interrupted(t *testing.T) {
	f := noisyRace.factory()
	sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: StrategyRandom, Schedules: 100, Seed: 3, Jobs: 1})
	require.NoError(t, err)
	rep := sum.Findings[0]
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	sr, err := ShrinkContext(ctx, f, rep.Seed, rep.Result.Choices, "lost-update", ShrinkConfig{})
	require.NoError(t, err)
	assert.True(t, sr.Interrupted)
	assert.Equal(t, sr.Before, sr.After)
	assert.Equal(t, 1, sr.Replays)
	assert.Equal(t, "lost-update", sr.Result.Finding.Oracle)
}

// TestSize_String: a size says its counts in good English.
func TestSize_String(t *testing.T) {
	cases := []struct {
		size Size
		want string
	}{
		{Size{Steps: 1, Preemptions: 1}, "1 step, 1 preemption"},
		{Size{Steps: 12, Preemptions: 0}, "12 steps, 0 preemptions"},
		{Size{Steps: 2, Preemptions: 3}, "2 steps, 3 preemptions"},
	}
	for _, c := range cases {
		t.Run(c.want, func(t *testing.T) {
			assert.Equal(t, c.want, c.size.String())
		})
	}
}

// SliceSummary says "N of M" for a slice that leaves steps out, and says
// plainly that every step matters when none is left out.
func TestSliceSummary(t *testing.T) {
	assert.Equal(t, "3 of 12 steps matter", SliceSummary(3, 12))
	assert.Equal(t, "1 of 1 steps matter", SliceSummary(1, 1))
	assert.Equal(t, "all 171 steps matter: the steps' footprints do not separate them (replay --explain names the orderings the finding needs)", SliceSummary(171, 171))
}
