package world

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
)

// TestTimerAt: a device timer fires delay after now, and a delay past the
// end of virtual time fires at its end rather than wrapping into the past.
func TestTimerAt(t *testing.T) {
	for _, tc := range []struct {
		now   engine.VTime
		delay uint64
		want  engine.VTime
	}{
		{0, 0, 0},
		{100, 5, 105},
		{0, math.MaxInt64, math.MaxInt64},
		{1, math.MaxInt64, math.MaxInt64},
		{1 << 40, 1 << 63, math.MaxInt64},
		{0, math.MaxUint64, math.MaxInt64},
		{math.MaxInt64, 1, math.MaxInt64},
	} {
		assert.Equal(t, tc.want, timerAt(tc.now, tc.delay), "now %d, delay %d", tc.now, tc.delay)
	}
}

// TestWakeAfterSaturates: a hypervisor sleep that starts when the clock is
// at or near its end (a device timer may have moved it there) wakes at
// the end of virtual time, after every timer already armed, instead of
// wrapping to a time before now.
func TestWakeAfterSaturates(t *testing.T) {
	for _, now := range []engine.VTime{0, math.MaxInt64 - 5, math.MaxInt64} {
		w := &World{now: now}
		w.addTimer(timer{at: now})
		at := hvWorld{w}.WakeAfter(1_000_000)
		assert.GreaterOrEqual(t, at, now, "now %d", now)
		assert.Equal(t, timerAt(now, 1_000_000), at)
		assert.Equal(t, at, w.timers[len(w.timers)-1].at, "the sleep's timer is armed last")
	}
}
