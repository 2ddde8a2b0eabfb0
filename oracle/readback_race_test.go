package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/observe"
	"github.com/migsim/migsim/world/ownerview"
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

// The readback finding of a draft read says what the host saw: the size
// reported, the first read's length and the reads and bytes that followed
// it, and a write that reached the member between the size query and the
// read; the first read is not presented as the whole.
func TestReadback_DraftSizeMismatchMessage(t *testing.T) {
	cases := []struct {
		r    ownerview.ContextRead
		want string
	}{
		{ownerview.ContextRead{Size: 112, FirstChunk: 112, Chunks: 2, Total: 128},
			"src.vf1: DEV_CTX_SIZE_GET reported 112 bytes; the first DEV_CTX_READ after it returned 112 bytes " +
				"and the context did not end there: 1 more read followed with 16 bytes more (128 in all)"},
		{ownerview.ContextRead{Size: 112, FirstChunk: 96, Chunks: 3, Total: 150, WrittenSinceSize: true},
			"src.vf1: DEV_CTX_SIZE_GET reported 112 bytes; the first DEV_CTX_READ after it returned 96 bytes " +
				"and the context did not end there: 2 more reads followed with 54 bytes more (150 in all); " +
				"a write reached the member between the size query and the read"},
		{ownerview.ContextRead{Size: 112, FirstChunk: 80, Chunks: 1, Total: 80},
			"src.vf1: DEV_CTX_SIZE_GET reported 112 bytes; the DEV_CTX_READ after it returned 80 bytes, the whole context"},
		// A device that reported 8 bytes: the owner's read into a buffer of
		// that size failed with ENOMEM and was sent again with its largest
		// buffer, which took the whole context: no buffer of 8 bytes
		// returned 400.
		{ownerview.ContextRead{Size: 8, FirstChunk: 400, Chunks: 1, Total: 400},
			"src.vf1: DEV_CTX_SIZE_GET reported 8 bytes; the DEV_CTX_READ after it returned 400 bytes, the whole context"},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, oracle.DraftSizeMismatch("src.vf1", &c.r))
	}
}
