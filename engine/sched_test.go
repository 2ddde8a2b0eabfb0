package engine

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func runRandom(t *testing.T, f Factory, seed uint64, trace *strings.Builder) Result {
	t.Helper()
	cfg := RunConfig{}
	if trace != nil {
		cfg.Trace = trace
	}
	res, err := Run(f, seed, NewRandom(NewStream(seed, StreamSchedule)), cfg)
	require.NoError(t, err)
	return res
}

// The same seed gives the same trace, byte for byte; different seeds give
// different choices somewhere.
func TestRun_SameSeedSameTrace(t *testing.T) {
	cases := []struct {
		name string
		cfg  toyConfig
	}{
		{"lost-update", lostUpdate},
		{"locked", toyConfig{racers: 3, incs: 3, locked: true, noise: 4}},
		{"sleepers", toyConfig{racers: 2, incs: 2, computes: 1, locked: true, sleepers: 2, sleeps: 3}},
		{"workload", toyConfig{racers: 2, incs: 2, computes: 4, workload: true}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var a, b strings.Builder
			ra := runRandom(t, tc.cfg.factory(), 42, &a)
			rb := runRandom(t, tc.cfg.factory(), 42, &b)
			require.NotEmpty(t, ra.Choices)
			assert.Equal(t, a.String(), b.String())
			assert.Equal(t, ra.TraceHash, rb.TraceHash)
			assert.Equal(t, ra.Choices, rb.Choices)

			differs := false
			for seed := uint64(1); seed <= 20 && !differs; seed++ {
				r := runRandom(t, tc.cfg.factory(), seed, nil)
				differs = r.Interleaving != ra.Interleaving
			}
			assert.True(t, differs, "20 seeds all gave seed 42's interleaving")
		})
	}
}

// The trace hash is computed whether or not a text trace is written, and
// the text has one line per step plus one per clock jump.
func TestRun_TraceText(t *testing.T) {
	cfg := toyConfig{racers: 1, incs: 1, locked: true, sleepers: 1, sleeps: 1}
	var tr strings.Builder
	with := runRandom(t, cfg.factory(), 7, &tr)
	without := runRandom(t, cfg.factory(), 7, nil)
	assert.Equal(t, with.TraceHash, without.TraceHash)
	lines := strings.Split(strings.TrimSuffix(tr.String(), "\n"), "\n")
	assert.Len(t, lines, with.Steps()+1, tr.String())
	assert.Contains(t, tr.String(), "- t=10ms clock\n")
	assert.Contains(t, tr.String(), " t=0s sleeper0 sleeper0:sleep 10ms\n")
}

// The virtual clock moves only when nothing is enabled, to the earliest
// timer, and the same way every time.
func TestRun_VirtualClock(t *testing.T) {
	cases := []struct {
		name     string
		cfg      toyConfig
		wantNow  VTime
		advances int
	}{
		{"one sleeper", toyConfig{sleepers: 1, sleeps: 3}, 30_000_000, 3},
		// sleeper0 sleeps 10ms twice, sleeper1 20ms twice: the clock jumps
		// to 10, 20 and 40ms, each time only once both sleep.
		{"two sleepers", toyConfig{sleepers: 2, sleeps: 2}, 40_000_000, 3},
		{"with busy racers", toyConfig{racers: 2, incs: 5, locked: true, sleepers: 1, sleeps: 2}, 20_000_000, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var systems []*toySys
			f := func(st Streams) (System, error) {
				s := newToy(tc.cfg, st)
				systems = append(systems, s)
				return s, nil
			}
			for seed := uint64(1); seed <= 10; seed++ {
				res, err := Run(f, seed, NewRandom(NewStream(seed, StreamSchedule)), RunConfig{})
				require.NoError(t, err)
				require.Nil(t, res.Finding)
				assert.Equal(t, tc.wantNow, res.Now, "seed %d", seed)
				s := systems[len(systems)-1]
				for i, n := range s.advances {
					assert.Zero(t, n, "seed %d: advance %d happened with %d steps enabled", seed, i, n)
				}
				assert.Len(t, s.advances, tc.advances, "seed %d", seed)
			}
		})
	}
}

type stuckSys struct{ toySys }

func (s *stuckSys) Enabled(buf []Step) []Step { return buf }

// stalledSys is stuckSys saying why (Staller).
type stalledSys struct{ stuckSys }

func (s *stalledSys) Stalled() string { return "a blocked at x.scn:3 (await b)" }

type spinSys struct{ toySys }

func (s *spinSys) Enabled(buf []Step) []Step { return append(buf, Step{Label: "spin"}) }
func (s *spinSys) Execute(Step) *Finding     { return nil }
func (s *spinSys) Done() bool                { return false }
func (s *spinSys) ActorName(int) string      { return "spinner" }

// A run that cannot make progress or never ends is a "live" finding.
func TestRun_LiveFindings(t *testing.T) {
	cases := []struct {
		name string
		sys  System
		want string
	}{
		{"deadlock", &stuckSys{toySys{actors: []*toyActor{{name: "a", prog: []toyInstr{{op: opCompute}}}}}}, "deadlock: nothing enabled, no timer pending, system not done"},
		{"deadlock with a Staller", &stalledSys{stuckSys{toySys{actors: []*toyActor{{name: "a", prog: []toyInstr{{op: opCompute}}}}}}},
			"deadlock: nothing enabled, no timer pending, system not done: a blocked at x.scn:3 (await b)"},
		{"step bound", &spinSys{}, "step bound 50 exceeded"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := NewRunner(RunConfig{MaxSteps: 50}).Run(tc.sys, NewRandom(NewStream(1, StreamSchedule)))
			require.NoError(t, err)
			require.NotNil(t, res.Finding)
			assert.Equal(t, OracleLive, res.Finding.Oracle)
			assert.True(t, strings.HasSuffix(res.Finding.Message, tc.want), res.Finding.Message)
		})
	}
}

// A panic in the system is a "panic" finding with the step and the first
// frames, never a crash.
func TestRun_PanicIsFinding(t *testing.T) {
	cfg := toyConfig{racers: 2, incs: 1, locked: true}
	f := func(st Streams) (System, error) {
		s := newToy(cfg, st)
		s.panicLabel = "racer1:inc counter"
		return s, nil
	}
	res, err := Run(f, 1, NewReplay([]Choice{{Index: 1, Actor: 1, Label: "racer1:inc counter"}}), RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.Equal(t, OraclePanic, res.Finding.Oracle)
	assert.Equal(t, "toy: racer1:inc counter ran first", res.Finding.Message)
	assert.Equal(t, 0, res.Finding.Step)
	assert.Contains(t, res.Finding.Stack, "toySys).Execute")
	assert.NotContains(t, res.Finding.Stack, "goroutine")
}

// toyPanic runs the toy whose racer1 panics at its step labelled
// label (set configures how) and returns the run's finding, a "panic"
// with the toy's message, and its JSON.
func toyPanic(t *testing.T, label string, set func(*toySys)) (*Finding, []byte) {
	t.Helper()
	cfg := toyConfig{racers: 2, incs: 1, locked: true}
	f := func(st Streams) (System, error) {
		s := newToy(cfg, st)
		s.actors[1].prog[0].label = label
		s.panicLabel = label
		set(s)
		return s, nil
	}
	res, err := Run(f, 1, NewReplay([]Choice{{Index: 1, Actor: 1, Label: label}}), RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.Equal(t, OraclePanic, res.Finding.Oracle)
	assert.Equal(t, "toy: "+label+" ran first", res.Finding.Message)
	js, err := json.Marshal(res.Finding)
	require.NoError(t, err)
	return res.Finding, js
}

// A panic whose value is a MemberBreach — carried from an actor's body or
// not — is a "panic" finding marked MemberContract, with the value's text
// as message; any other panic is not marked, whatever its text says, and
// the mark is left out of the finding's JSON.
func TestRun_PanicMarksMemberBreach(t *testing.T) {
	for _, tc := range []struct {
		name            string
		breach, carried bool
		label           string
	}{
		{"a breach", true, false, "racer1:inc counter"},
		{"a breach carried from a body", true, true, "racer1:inc counter"},
		{"a string saying member contract", false, false, "racer1:member contract: src.vf1 changed its mode"},
		{"a carried string saying member contract", false, true, "racer1:member contract: src.vf1 changed its mode"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, js := toyPanic(t, tc.label, func(s *toySys) { s.carried, s.breach = tc.carried, tc.breach })
			assert.Equal(t, tc.breach, f.MemberContract)
			assert.Equal(t, tc.breach, strings.Contains(string(js), `"member_contract":true`), "%s", js)
			var back Finding
			require.NoError(t, json.Unmarshal(js, &back))
			assert.Equal(t, tc.breach, back.MemberContract, "the mark survives the finding's JSON")
		})
	}
}

// A panic whose value is a DeviceFailure — carried from an actor's body
// or not — is a "panic" finding marked with the failure's kind, with the
// value's text as message; any other panic is not marked, whatever its
// text says (here a device fault's words), and the mark is left out of
// the finding's JSON. The mark survives the JSON round trip.
func TestRun_PanicMarksDeviceFailure(t *testing.T) {
	posing := "extdevice: device fault: ./dev: event 3 for device 1 (vf 1): read outside guest memory"
	for _, tc := range []struct {
		name, kind string
		carried    bool
		label      string
	}{
		{"a fault", "fault", false, "racer1:inc counter"},
		{"a protocol error carried from a body", "protocol", true, "racer1:inc counter"},
		{"a string reading like a device fault", "", false, "racer1:" + posing},
		{"a carried string reading like a device fault", "", true, "racer1:" + posing},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, js := toyPanic(t, tc.label, func(s *toySys) { s.carried, s.device = tc.carried, tc.kind })
			assert.Equal(t, tc.kind, f.DeviceError)
			assert.False(t, f.MemberContract)
			assert.Equal(t, tc.kind != "", strings.Contains(string(js), `"device_error":`), "%s", js)
			var back Finding
			require.NoError(t, json.Unmarshal(js, &back))
			assert.Equal(t, tc.kind, back.DeviceError, "the mark survives the finding's JSON")
		})
	}
}

// The device-failure mark survives an exploration with the memo (whose
// answers carry the finding the memo kept) and the shrink of its finding
// (which answers candidates from its own memo): every report and its
// shrunk run are marked.
func TestExplore_DeviceFailureMarkSurvivesMemoAndShrink(t *testing.T) {
	const label = "racer1:read counter"
	f := func(st Streams) (System, error) {
		s := newToy(lostUpdate, st)
		s.panicLabel, s.device = label, "fault"
		return s, nil
	}
	for _, strategy := range []string{StrategyRandom, StrategyPCT} {
		sum, err := Explore(context.Background(), ExploreConfig{Factory: f, Strategy: strategy, Schedules: 600, Seed: 3, Jobs: 1,
			Memo: &MemoConfig{DropAfter: -1}, Shrink: &ShrinkConfig{}})
		require.NoError(t, err, strategy)
		assert.Positive(t, sum.Memo.Hits, "%s: the memo answered runs", strategy)
		require.NotEmpty(t, sum.Findings, strategy)
		for _, rep := range sum.Findings {
			assert.Equal(t, OraclePanic, rep.Finding.Oracle, strategy)
			assert.Equal(t, "fault", rep.Finding.DeviceError, strategy)
			require.NotNil(t, rep.Shrunk, strategy)
			require.NotNil(t, rep.Shrunk.Result.Finding, strategy)
			assert.Equal(t, "fault", rep.Shrunk.Result.Finding.DeviceError, "%s: the shrunk run's finding", strategy)
		}
	}
}

// A panic that carries its frames (an actor's body broke on its
// coroutine) shows them first, then the step that resumed the actor and
// the frames on the scheduler's side.
func TestRun_CarriedPanic(t *testing.T) {
	cfg := toyConfig{racers: 2, incs: 1, locked: true}
	f := func(st Streams) (System, error) {
		s := newToy(cfg, st)
		s.panicLabel, s.carried = "racer1:inc counter", true
		return s, nil
	}
	res, err := Run(f, 1, NewReplay([]Choice{{Index: 1, Actor: 1, Label: "racer1:inc counter"}}), RunConfig{})
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	assert.Equal(t, OraclePanic, res.Finding.Oracle)
	assert.Equal(t, "toy: racer1:inc counter ran first", res.Finding.Message)
	lines := strings.Split(res.Finding.Stack, "\n")
	require.Greater(t, len(lines), 3, res.Finding.Stack)
	assert.Equal(t, []string{"toy.body.helper", "toy.body", "resumed by step 1 (racer1:inc counter):"}, lines[:3])
	assert.Contains(t, lines[3], "toySys).Execute")
}

// A factory error is returned, naming the seed.
func TestRun_FactoryError(t *testing.T) {
	f := func(Streams) (System, error) { return nil, errors.New("toy: no such scenario") }
	_, err := Run(f, 9, NewRandom(NewStream(9, StreamSchedule)), RunConfig{})
	require.Error(t, err)
	assert.Equal(t, "engine: seed 9: build system: toy: no such scenario", err.Error())
}

// Strict replay reproduces a run; a schedule that no longer fits says
// where and what was enabled.
func TestReplay_StrictAndDivergence(t *testing.T) {
	f := lostUpdate.factory()
	orig := runRandom(t, f, 3, nil)
	again, err := Run(f, 3, NewReplay(orig.Choices), RunConfig{})
	require.NoError(t, err)
	assert.Equal(t, orig.TraceHash, again.TraceHash)

	bad := append([]Choice(nil), orig.Choices...)
	bad[2].Label = "racer9:teleport"
	_, err = Run(f, 3, NewReplay(bad), RunConfig{})
	require.ErrorIs(t, err, ErrDiverged)
	assert.Contains(t, err.Error(), `replay diverged at step 3: recorded`) // index 2, shown as the trace numbers it
	assert.Contains(t, err.Error(), `"racer9:teleport", enabled [0 "`)

	// A label edited to 100 KiB is named by its start and its length,
	// not repeated whole on stderr.
	bad[2].Label = "racer9:" + strings.Repeat("s", 100<<10)
	_, err = Run(f, 3, NewReplay(bad), RunConfig{})
	require.ErrorIs(t, err, ErrDiverged)
	assert.Contains(t, err.Error(), `sss"… (102407 bytes), enabled [0 "`)
	assert.Less(t, len(err.Error()), 1000)

	_, err = Run(f, 3, NewReplay(orig.Choices[:1]), RunConfig{})
	require.ErrorIs(t, err, ErrDiverged)
	assert.Contains(t, err.Error(), "at step 2: recorded schedule has 1 choice,")
}

// pickAt answers every decision with the continue pick, and decision at
// with an index out of range.
type pickAt struct{ at int }

func (p pickAt) Choose(d *Decision) (int, error) {
	if d.Index == p.at {
		return len(d.Enabled), nil
	}
	return d.Continue(), nil
}

// TestRun_ChooserOutOfRangeNamesTheShownStep: a chooser that picks outside
// the enabled steps is an error naming the step as the trace numbers it
// (decision index 2 is step 3).
func TestRun_ChooserOutOfRangeNamesTheShownStep(t *testing.T) {
	_, err := Run(lostUpdate.factory(), 3, pickAt{at: 2}, RunConfig{})
	require.Error(t, err)
	assert.Regexp(t, `^engine: step 3: chooser picked (\d+) of \d+ enabled steps$`, err.Error())
}
