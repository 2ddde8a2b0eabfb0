package gcpolicy

import (
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
)

// SoftHeap is the heap size the policy keeps to while the live heap is
// small. Percent lets the heap grow to five times what is live, which
// costs nothing while an exploration keeps a few megabytes; but a dfs
// search with state pruning keeps every state it has explored (up to
// engine.DefaultStateCap of them and as many known transitions, some
// hundreds of megabytes), and five times that is gigabytes. So after
// every collection the target is lowered as the live heap grows, to keep
// the heap within SoftHeap, down to Floor (twice the live heap, the
// runtime's default), below which it never goes.
const SoftHeap = 1 << 30

// Floor is the lowest target the policy sets: the runtime's default.
const Floor = 100

// PercentFor returns the target that keeps a heap of live bytes within
// softHeap when it grows to the target: Percent while five times live
// fits, less as live grows, never below Floor.
func PercentFor(live, softHeap uint64) int {
	if live <= softHeap/(1+Percent/100) {
		return Percent
	}
	p := 100*float64(softHeap)/float64(live) - 100
	return max(Floor, min(Percent, int(p)))
}

var (
	tuning   atomic.Bool // Apply set the policy's target: keep tuning it
	armOnce  sync.Once
	softHeap atomic.Uint64
	tuned    atomic.Pointer[func(percent int)] // test hook, called after each tune
)

// tuneAfterGC starts following the live heap: from now on, after every
// collection, the target is set from the live heap (PercentFor).
func tuneAfterGC() {
	softHeap.CompareAndSwap(0, SoftHeap)
	tuning.Store(true)
	armOnce.Do(arm)
}

// gcMark is an object nothing keeps: its cleanup runs after the
// collection that finds it unreachable, and arms the next one.
type gcMark struct{ _ [2]*byte }

func arm() {
	runtime.AddCleanup(new(gcMark), func(struct{}) {
		tune()
		arm()
	}, struct{}{})
}

var liveSample = []metrics.Sample{{Name: "/gc/heap/live:bytes"}}

// tune sets the target from the live heap the last collection measured.
// It runs on the runtime's cleanup goroutine, one call at a time.
func tune() {
	if !tuning.Load() {
		return
	}
	metrics.Read(liveSample)
	if liveSample[0].Value.Kind() != metrics.KindUint64 {
		return
	}
	p := PercentFor(liveSample[0].Value.Uint64(), softHeap.Load())
	debug.SetGCPercent(p)
	if f := tuned.Load(); f != nil {
		(*f)(p)
	}
}
