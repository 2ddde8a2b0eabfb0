package rerun

import (
	"maps"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/world/actorlog"
)

// counter is a toy program's code: operations of 3 to 31 wake-up times
// each (width), fewer than checkpointEvery, so that whether a boundary
// is due depends on where the last checkpoint is; its state the sum of
// what it received; a checkpoint keeps the sum (nil at the operations
// keepNil says).
type counter struct {
	sum     uint64
	keepNil map[int]bool
}

func (c *counter) run(t *Tape, from, to int, clock *uint64) {
	for op := from; op < to; op++ {
		sum := c.sum
		t.Boundary(func() any {
			if c.keepNil[op] {
				return nil
			}
			return [2]uint64{uint64(op), sum}
		})
		for i := range width(op) {
			c.sum += t.Value(CallClock, uint64(i), func() uint64 { *clock++; return *clock })
		}
	}
}

// width is how many entries operation op records.
func width(op int) int { return 3 + op*11%29 }

// checkpoints lists where the record holds checkpoints, with what.
func checkpoints(log *actorlog.Log) map[int]any {
	out := map[int]any{}
	for i, e := range log.Prefix(log.Len()) {
		if e.Call == CallCheckpoint {
			out[i] = e.V
		}
	}
	return out
}

// TestCheckpoint_RebuildFromLast: a record gets a checkpoint at the first
// boundary once it holds checkpointFirst entries and checkpointEvery more
// since the last (one whose code kept nothing too); a rebuild restores the
// last one that holds a state and fast-forwards from there to the same
// state as one from the start, and both, going on live, write their
// next checkpoints where the original does.
func TestCheckpoint_RebuildFromLast(t *testing.T) {
	// The operations at which a run of 12 writes its checkpoints.
	var log actorlog.Log
	log.Enable()
	var clock uint64
	(&counter{}).run(New(&log), 0, 12, &clock)
	all := map[int]bool{}
	var last int
	for _, v := range checkpoints(&log) {
		op := int(v.([2]uint64)[0])
		all[op], last = true, max(last, op)
	}
	require.GreaterOrEqual(t, len(all), 2)
	for _, c := range []struct {
		name    string
		ops     int
		keepNil map[int]bool
		want    int // checkpoints written in ops operations
	}{
		{"short", 1, nil, 0},
		{"several", 12, nil, len(all)},
		{"last keeps nothing", 12, map[int]bool{last: true}, len(all)},
		{"none keeps", 12, all, len(all)},
	} {
		t.Run(c.name, func(t *testing.T) {
			var log actorlog.Log
			log.Enable()
			var clock uint64
			orig := &counter{keepNil: c.keepNil}
			orig.run(New(&log), 0, c.ops, &clock)
			cps := checkpoints(&log)
			require.Len(t, cps, c.want)
			at := slices.Sorted(maps.Keys(cps))
			for k, i := range at {
				assert.GreaterOrEqual(t, i, checkpointFirst)
				if k > 0 {
					assert.GreaterOrEqual(t, i-at[k-1], checkpointEvery)
				}
			}

			for _, fromCP := range []bool{false, true} {
				rec := log.Share(log.Len())
				tp := New(&rec)
				code, from := &counter{keepNil: c.keepNil}, 0
				if fromCP {
					if cp := tp.Checkpoint(); cp != nil {
						st := cp.([2]uint64)
						from, code.sum = int(st[0]), st[1]
					}
				}
				require.NoError(t, tp.Rebuild(func() {
					code.run(tp, from, c.ops, &clock)
				}), "from a checkpoint %v", fromCP)
				assert.Equal(t, orig.sum, code.sum, "from a checkpoint %v", fromCP)

				more, live := orig.sum, clock
				origLog := log.Share(log.Len())
				(&counter{sum: more, keepNil: c.keepNil}).run(&Tape{log: &origLog, lastCP: lastOf(cps)}, c.ops, c.ops+8, &live)
				live = clock
				code.run(tp, c.ops, c.ops+8, &live)
				assert.Equal(t, checkpoints(&origLog), checkpoints(&rec), "from a checkpoint %v: checkpoints written on", fromCP)
			}
		})
	}
}

func lastOf(cps map[int]any) int {
	last := 0
	for i := range cps {
		last = max(last, i)
	}
	return last
}
