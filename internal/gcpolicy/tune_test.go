package gcpolicy

import (
	"os"
	"runtime"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPercentFor: the target stays at Percent while five times the live
// heap fits the soft heap, then keeps the grown heap at the soft heap,
// and never drops below Floor.
func TestPercentFor(t *testing.T) {
	const mib = 1 << 20
	for _, tc := range []struct {
		live, soft uint64
		want       int
	}{
		{0, SoftHeap, Percent},
		{10 * mib, SoftHeap, Percent},
		{SoftHeap / 5, SoftHeap, Percent},
		{SoftHeap/5 + 1, SoftHeap, 399},
		{SoftHeap / 4, SoftHeap, 300},
		{SoftHeap / 3, SoftHeap, 200},
		{SoftHeap / 2, SoftHeap, Floor},
		{SoftHeap, SoftHeap, Floor},
		{4 * SoftHeap, SoftHeap, Floor},
		{100 * mib, 200 * mib, 100},
		{1 << 62, 1 << 63, Floor}, // no overflow
	} {
		got := PercentFor(tc.live, tc.soft)
		assert.Equal(t, tc.want, got, "live %d, soft %d", tc.live, tc.soft)
		if tc.live > 0 && got > Floor {
			assert.LessOrEqual(t, float64(tc.live)*(1+float64(got)/100), float64(tc.soft)+float64(tc.live)/100, "the grown heap fits")
		}
	}
}

// TestTuneFollowsLiveHeap: after Apply, a collection with more live heap
// than a fifth of the soft heap lowers the target (the cleanup after the
// collection runs tune), and a collection after it is freed raises it
// back to Percent.
func TestTuneFollowsLiveHeap(t *testing.T) {
	if raceEnabled {
		t.Skip("under the race detector the policy leaves the runtime's target alone")
	}
	t.Setenv("GOGC", "")
	require.NoError(t, os.Unsetenv("GOGC"))
	old := debug.SetGCPercent(100)
	defer debug.SetGCPercent(old)
	defer softHeap.Store(softHeap.Load())

	got := make(chan int, 64)
	hook := func(p int) { got <- p }
	tuned.Store(&hook)
	defer tuned.Store(nil)

	Apply()
	softHeap.Store(8 << 20)
	live := make([]byte, 6<<20) // live: more than the soft heap's fifth
	for i := range live {
		live[i] = byte(i)
	}
	assert.Equal(t, Floor, waitTune(t, got, func(p int) bool { return p < Percent }), "6 MiB live of an 8 MiB soft heap")
	runtime.KeepAlive(live)
	live = nil
	assert.Equal(t, Percent, waitTune(t, got, func(p int) bool { return p == Percent }), "after the live heap is freed")
}

// waitTune collects until the tuner reports a target ok accepts, and
// returns it; a bounded number of collections, no clock.
func waitTune(t *testing.T, got chan int, ok func(int) bool) int {
	t.Helper()
	for range 1000 {
		runtime.GC()
		for {
			select {
			case p := <-got:
				if ok(p) {
					return p
				}
				continue
			default:
			}
			break
		}
		runtime.Gosched()
	}
	t.Fatal("no tune after 1000 collections")
	return 0
}
