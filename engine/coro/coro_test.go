package coro

import (
	"context"
	"fmt"
	"runtime"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// memOp is a visible operation of a coroutine actor: read or write the
// shared counter.
type memOp struct {
	write bool
	val   int
}

// coroSys is the lost-update race with actors written as straight-line
// code on coroutines.
type coroSys struct {
	actors  []*Coro[memOp, int]
	names   []string
	labels  [][2]string // read, write label per actor
	counter int
	lastVal []int
}

func newCoroSys(n, incs int) *coroSys {
	s := &coroSys{}
	for a := 0; a < n; a++ {
		name := fmt.Sprintf("co%d", a)
		s.names = append(s.names, name)
		s.labels = append(s.labels, [2]string{name + ":read counter", name + ":write counter"})
		s.lastVal = append(s.lastVal, 0)
		s.actors = append(s.actors, New(func(yield func(memOp) int) {
			for range incs {
				v := yield(memOp{})
				yield(memOp{write: true, val: v + 1})
			}
		}))
	}
	return s
}

func (s *coroSys) Enabled(buf []engine.Step) []engine.Step {
	for i, c := range s.actors {
		if op, ok := c.Pending(); ok {
			if op.write {
				buf = append(buf, engine.Step{Actor: i, Label: s.labels[i][1], Footprint: engine.Writes(1)})
			} else {
				buf = append(buf, engine.Step{Actor: i, Label: s.labels[i][0], Footprint: engine.Reads(1)})
			}
		}
	}
	return buf
}

func (s *coroSys) Execute(st engine.Step) *engine.Finding {
	c := s.actors[st.Actor]
	op, _ := c.Pending()
	if !op.write {
		s.lastVal[st.Actor] = s.counter
		c.Resume(s.counter)
		return nil
	}
	stale := s.counter != s.lastVal[st.Actor]
	s.counter = op.val
	c.Resume(0)
	if stale {
		return &engine.Finding{Oracle: "lost-update", Actors: []string{s.names[st.Actor]}, Message: "stale write"}
	}
	return nil
}

func (s *coroSys) NextTimer() (engine.VTime, bool) { return 0, false }
func (s *coroSys) Advance(engine.VTime)            {}
func (s *coroSys) ActorName(i int) string          { return s.names[i] }
func (s *coroSys) Finish() *engine.Finding         { return nil }

func (s *coroSys) Done() bool {
	for _, c := range s.actors {
		if !c.Done() {
			return false
		}
	}
	return true
}

func (s *coroSys) Close() {
	for _, c := range s.actors {
		c.Stop()
	}
}

// A coroutine yields its operations in order and receives their results.
func TestCoro_YieldResume(t *testing.T) {
	var got []int
	c := New(func(yield func(string) int) {
		got = append(got, yield("a"))
		got = append(got, yield("b"))
	})
	op, ok := c.Pending()
	require.True(t, ok)
	assert.Equal(t, "a", op)
	c.Resume(1)
	op, _ = c.Pending()
	assert.Equal(t, "b", op)
	assert.False(t, c.Done())
	c.Resume(2)
	assert.True(t, c.Done())
	c.Resume(3) // no effect once done
	assert.Equal(t, []int{1, 2}, got)
	c.Stop()
}

// Stop unwinds a suspended body: its deferred calls run and nothing after
// the yield does.
func TestCoro_StopUnwinds(t *testing.T) {
	var log []string
	c := New(func(yield func(int) int) {
		defer func() { log = append(log, "deferred") }()
		yield(1)
		log = append(log, "after yield")
	})
	c.Stop()
	c.Stop()
	assert.Equal(t, []string{"deferred"}, log)
	assert.True(t, c.Done())
}

// A panic in the body reaches the caller of Resume, and the scheduler
// turns it into a finding.
func TestCoro_PanicPropagates(t *testing.T) {
	c := New(func(yield func(int) int) {
		yield(0)
		panic("actor broke")
	})
	assert.PanicsWithError(t, "actor broke", func() { c.Resume(0) })
}

// The lost-update race written as coroutine actors is found and shrunk
// like the state-machine one.
func TestCoro_WorldOnCoroutines(t *testing.T) {
	f := func(engine.Streams) (engine.System, error) { return newCoroSys(2, 2), nil }
	sum, err := engine.Explore(context.Background(), engine.ExploreConfig{Factory: f, Strategy: engine.StrategyDFS, Schedules: 1000, Bound: 1})
	require.NoError(t, err)
	require.Len(t, sum.Findings, 1)
	assert.True(t, sum.Complete)
	assert.LessOrEqual(t, sum.Findings[0].Result.Preemptions, 1)
}

// TestCoro_WorkersReused: coroutines that run one after another share
// their goroutines — finished or stopped (a panic takes its worker:
// TestCoro_PanicTakesItsWorker) — and a body on a reused
// worker sees nothing of the last one's.
func TestCoro_WorkersReused(t *testing.T) {
	for _, tc := range []struct {
		name string
		end  func(c *Coro[int, int])
	}{
		{"returned", func(c *Coro[int, int]) { c.Resume(1); c.Resume(2) }},
		{"stopped", func(c *Coro[int, int]) { c.Resume(1); c.Stop() }},
		{"never resumed", func(c *Coro[int, int]) { c.Stop() }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, started := runtime.NumGoroutine(), coroWorkersStarted.Load()
			for i := range 500 {
				var got []int
				c := New(func(yield func(int) int) {
					got = append(got, yield(i))
					got = append(got, yield(i+1))
				})
				op, ok := c.Pending()
				require.True(t, ok)
				require.Equal(t, i, op, "the body starts afresh")
				tc.end(c)
				assert.True(t, c.Done())
				assert.Subset(t, []int{1, 2}, got)
			}
			assert.LessOrEqual(t, coroWorkersStarted.Load()-started, int64(1), "one worker runs them all")
			assert.LessOrEqual(t, runtime.NumGoroutine()-before, 1, "no goroutine left behind")
		})
	}
}

// TestCoro_PanicTakesItsWorker: a body that panics ends its worker; the
// coroutines after it run on others.
func TestCoro_PanicTakesItsWorker(t *testing.T) {
	for range 3 {
		c := New(func(yield func(int) int) {
			yield(0)
			panic("actor broke")
		})
		assert.PanicsWithError(t, "actor broke", func() { c.Resume(0) })
		c.Stop()
		ok := New(func(yield func(int) int) { assert.Equal(t, 7, yield(1)) })
		ok.Resume(7)
		assert.True(t, ok.Done())
	}
}

// TestCoro_YieldWhileUnwinding: a deferred call that yields while Stop
// unwinds the body does not suspend it again.
func TestCoro_YieldWhileUnwinding(t *testing.T) {
	var log []string
	c := New(func(yield func(int) int) {
		defer func() {
			defer func() { log = append(log, "inner deferred") }()
			yield(2)
			log = append(log, "after the deferred yield")
		}()
		yield(1)
	})
	c.Stop()
	assert.Equal(t, []string{"inner deferred"}, log)
	next := New(func(yield func(int) int) { yield(3) })
	op, ok := next.Pending()
	assert.True(t, ok)
	assert.Equal(t, 3, op)
	next.Stop()
}

// TestCoro_ConcurrentExplorations: coroutines of many goroutines at once
// (explorations with jobs) take and give back workers safely (run with
// -race).
func TestCoro_ConcurrentExplorations(t *testing.T) {
	var wg sync.WaitGroup
	sums := make([]int, 8)
	for g := range sums {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				c := New(func(yield func(int) int) {
					s := 0
					for k := range 3 {
						s += yield(k)
					}
					sums[g] += s
				})
				for k := 1; !c.Done(); k++ {
					c.Resume(k)
				}
				if i%7 == 0 {
					c.Stop()
				}
			}
		}()
	}
	wg.Wait()
	for g, s := range sums {
		assert.Equal(t, 200*6, s, "goroutine %d", g)
	}
}

// TestCoro_Misuse: a body that stops its own coroutine is unwound at its
// next yield and its worker serves the next coroutine cleanly; a yield
// kept past its body, or a Resume from the body itself, panics instead of
// suspending someone else's body.
func TestCoro_Misuse(t *testing.T) {
	t.Run("a body stops itself", func(t *testing.T) {
		var self *Coro[int, int]
		var log []string
		self = New(func(yield func(int) int) {
			defer func() { log = append(log, "unwound") }()
			yield(1)
			self.Stop()
			yield(2)
			log = append(log, "after the stop")
		})
		self.Resume(0)
		assert.True(t, self.Done())
		assert.Equal(t, []string{"unwound"}, log)
		var got []int
		next := New(func(yield func(int) int) { got = append(got, yield(10), yield(11)) })
		op, ok := next.Pending()
		require.True(t, ok)
		assert.Equal(t, 10, op, "the next coroutine runs its own body from its start")
		next.Resume(100)
		next.Resume(101)
		assert.True(t, next.Done())
		assert.Equal(t, []int{100, 101}, got)
	})
	t.Run("a yield kept past its body", func(t *testing.T) {
		var kept func(int) int
		c := New(func(yield func(int) int) { kept = yield })
		assert.True(t, c.Done())
		other := New(func(yield func(int) int) {
			assert.PanicsWithValue(t, "coro: a coroutine's yield called outside its running body", func() { kept(42) })
			yield(7)
		})
		op, ok := other.Pending()
		assert.True(t, ok)
		assert.Equal(t, 7, op)
		other.Stop()
	})
	t.Run("a body resumes itself", func(t *testing.T) {
		var self *Coro[int, int]
		self = New(func(yield func(int) int) {
			yield(1)
			assert.PanicsWithValue(t, "coro: a coroutine resumed from its own body", func() { self.Resume(5) })
		})
		self.Resume(0)
		assert.True(t, self.Done())
	})
}
