package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
)

// TestReadbackDoorbellBetweenSizeAndRead: under freeze-notify=latch a
// peer's doorbell may reach the frozen member after it answered
// DEV_CTX_SIZE_GET and before DEV_CTX_READ; the member keeps it in its
// context, so the incremental read no longer fits the size and continues
// at the cursor. The size must not be judged then (the change is
// frozen-context's, which allows the latch). The race needs a preemption,
// so the test explores: pct found it within 300 schedules before the fix.
func TestReadbackDoorbellBetweenSizeAndRead(t *testing.T) {
	hits := 0
	probe := raceProbe{hits: &hits, received: func(p *observe.ReceivedPass) bool {
		r := p.Read
		return r != nil && r.Size >= 0 && r.SizeExact && r.Frozen && r.NotifiedSinceSize && !r.SizeMatches()
	}}
	found := exploreOne(t, latchKickIncremental, spec.Draft2023, []string{"freeze-notify=latch"}, oracle.Readback, probe, 300,
		engine.StrategyPCT, engine.StrategyRandom)
	require.Positive(t, hits, "the exploration reached the race: a frozen read that outgrew its size after a doorbell")
	for strategy, fds := range found {
		for _, fd := range fds {
			assert.Failf(t, "readback judged a size a latched doorbell made stale", "%s: %s: %s", strategy, fd.Oracle, fd.Message)
		}
	}
}
