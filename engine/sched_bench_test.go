package engine

import (
	"context"
	"testing"

	"github.com/migsim/migsim/engine/coro"
)

// benchSys is the cheapest possible system: a fixed set of enabled steps
// whose execution is a counter decrement, so a run measures the
// scheduler's own cost per decision.
type benchSys struct {
	steps     []Step
	remaining int
}

func newBenchSys(actors, steps int) *benchSys {
	s := &benchSys{remaining: steps}
	for a := 0; a < actors; a++ {
		s.steps = append(s.steps, Step{Actor: a, Label: "guest" + string(rune('0'+a)) + ":mmio-write common_cfg.queue_desc_lo",
			Footprint: Writes(Resource(a))})
	}
	return s
}

func (s *benchSys) Enabled(buf []Step) []Step { return append(buf, s.steps...) }
func (s *benchSys) Execute(Step) *Finding     { s.remaining--; return nil }
func (s *benchSys) NextTimer() (VTime, bool)  { return 0, false }
func (s *benchSys) Advance(VTime)             {}
func (s *benchSys) Done() bool                { return s.remaining <= 0 }
func (s *benchSys) Finish() *Finding          { return nil }
func (s *benchSys) ActorName(int) string      { return "guest" }

// BenchmarkSchedulerDecision measures the scheduler's cost per decision
// (enabled list, pick, preemption check, recording, trace hashing) on a
// system whose steps are plain function calls. Target: ≤ 200 ns.
func BenchmarkSchedulerDecision(b *testing.B) {
	strategies := []struct {
		name string
		new  func() Chooser
	}{
		{"random", func() Chooser { return NewRandom(NewStream(1, StreamSchedule)) }},
		{"pct", func() Chooser { return NewPCT(NewStream(1, StreamSchedule), 3, 1000) }},
		{"continue", func() Chooser { return NewLenientReplay(nil) }},
	}
	for _, st := range strategies {
		b.Run(st.name, func(b *testing.B) {
			// Runs of 100 decisions, as in the canonical scenario, on one
			// Runner whose buffers are reused as the explorer's are.
			const perRun = 100
			r := NewRunner(RunConfig{})
			sys, ch := newBenchSys(4, perRun), st.new()
			b.ReportAllocs()
			b.ResetTimer()
			for done := 0; done < b.N; done += perRun {
				n := min(perRun, b.N-done)
				sys.remaining = n
				res, err := r.Run(sys, ch)
				if err != nil || res.Steps() != n {
					b.Fatalf("run: %d steps, %v", res.Steps(), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N), "ns/decision")
		})
	}
}

// BenchmarkCoroutineSwitch measures one Resume of an iter.Pull coroutine
// actor (a switch in and out).
func BenchmarkCoroutineSwitch(b *testing.B) {
	c := coro.New(func(yield func(int) int) {
		v := 0
		for {
			v = yield(v + 1)
		}
	})
	defer c.Stop()
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		c.Resume(i)
	}
}

// BenchmarkChannelRoundTrip is the alternative the engine avoids: one
// request and reply over unbuffered channels to an actor goroutine.
func BenchmarkChannelRoundTrip(b *testing.B) {
	req, rep := make(chan int), make(chan int)
	go func() {
		for v := range req {
			rep <- v + 1
		}
		close(rep)
	}()
	for i := 0; i < b.N; i++ {
		req <- i
		<-rep
	}
	close(req)
	<-rep
}

// BenchmarkExploreToy explores the noisy lost-update toy on one core and
// reports schedules/s and ns/decision (system work included); the -memo
// cases explore with the decision-tree memo (its misses build the tree,
// its failing hits rebuild their choices).
func BenchmarkExploreToy(b *testing.B) {
	cases := []struct {
		name, strategy string
		memo           *MemoConfig
	}{
		{StrategyRandom, StrategyRandom, nil},
		{StrategyPCT, StrategyPCT, nil},
		{StrategyRandom + "-memo", StrategyRandom, &MemoConfig{}},
		{StrategyPCT + "-memo", StrategyPCT, &MemoConfig{}},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			sum, err := Explore(context.Background(), ExploreConfig{
				Factory: noisyRace.factory(), Strategy: c.strategy, Schedules: b.N, Seed: 1, Jobs: 1, Memo: c.memo,
			})
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "schedules/s")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(sum.Decisions), "ns/decision")
			if c.memo != nil {
				b.ReportMetric(1000*float64(sum.Executed)/float64(sum.Schedules), "executed/1000")
			}
		})
	}
}

// BenchmarkExploreToyDFS runs one complete bounded dfs search of the noisy
// lost-update toy per op, on one core.
func BenchmarkExploreToyDFS(b *testing.B) {
	cases := []struct {
		name      string
		reduction Reduction
		bound     int
	}{
		{"sleep-bound1", ReductionSleep, 1},
		{"dpor-bound2", ReductionDPOR, 2},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var sum Summary
			for b.Loop() {
				var err error
				sum, err = Explore(context.Background(), ExploreConfig{Factory: noisyRace.factory(), Strategy: StrategyDFS,
					Schedules: 1 << 30, Seed: 1, Jobs: 1, Bound: c.bound, Reduction: c.reduction})
				if err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(sum.Schedules), "schedules")
		})
	}
}
