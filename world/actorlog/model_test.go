package actorlog

import (
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestLog_AgainstModel: logs appended to, shared at any point (copies of
// copies) and replayed, in a seeded random order, each hold what a plain
// slice of their entries holds: no append on one log shows in another,
// whatever chunk boundary it was shared at.
func TestLog_AgainstModel(t *testing.T) {
	for seed := range uint64(20) {
		rng := rand.New(rand.NewPCG(seed, 7))
		logs := []*Log{{}}
		logs[0].Enable()
		models := [][]Entry{nil}
		next := uint64(0)
		for range 3000 {
			i := rng.IntN(len(logs))
			switch op := rng.IntN(10); {
			case op < 7:
				next++
				e := Entry{Call: Call(next % 5), Arg: next}
				logs[i].Add(e)
				models[i] = append(models[i][:len(models[i]):len(models[i])], e)
			case op < 9 && len(logs) < 40:
				n := rng.IntN(len(models[i]) + 1)
				if rng.IntN(2) == 0 {
					n = len(models[i])
				}
				c := logs[i].Share(n)
				logs = append(logs, &c)
				models = append(models, models[i][:n:n])
			default:
				n := rng.IntN(len(models[i]) + 1)
				r := logs[i].Replay(n)
				for k := range n {
					e, err := r.Next(models[i][k].Call, models[i][k].Arg)
					require.NoError(t, err, "seed %d log %d entry %d", seed, i, k)
					require.Equal(t, models[i][k], e)
				}
				require.True(t, r.Done())
			}
		}
		for i, l := range logs {
			require.Equal(t, len(models[i]), l.Len(), "seed %d log %d", seed, i)
			if len(models[i]) > 0 {
				require.Equal(t, models[i], l.Prefix(l.Len()), "seed %d log %d", seed, i)
			}
			for c := range Call(5) {
				want := -1
				for k := len(models[i]) - 1; k >= 0; k-- {
					if models[i][k].Call == c {
						want = k
						break
					}
				}
				require.Equal(t, want, l.LastCall(c), "seed %d log %d call %d", seed, i, c)
			}
		}
	}
}

// TestLog_SharedReadWhileAppending: copies of one log read and append in
// their own goroutines while the original appends: each sees its own
// entries, and (under -race) none writes what another reads.
func TestLog_SharedReadWhileAppending(t *testing.T) {
	var l Log
	l.Enable()
	for i := range 3*chunkLen + 5 {
		l.Add(Entry{Arg: uint64(i)})
	}
	var wg sync.WaitGroup
	errs := make([]error, 8)
	copies := make([]Log, 8)
	for g := range copies {
		copies[g] = l.Share(l.Len() - g)
	}
	for g := range copies {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &copies[g]
			base := c.Len()
			for i := range 2 * chunkLen {
				c.Add(Entry{Arg: uint64(1000*(g+1) + i)})
			}
			r := c.Replay(c.Len())
			for i := range c.Len() {
				want := uint64(i)
				if i >= base {
					want = uint64(1000*(g+1) + i - base)
				}
				if _, err := r.Next(0, want); err != nil {
					errs[g] = err
					return
				}
			}
		}()
	}
	for i := range 2 * chunkLen {
		l.Add(Entry{Arg: uint64(99000 + i)})
	}
	wg.Wait()
	for g, err := range errs {
		require.NoError(t, err, "copy %d", g)
	}
	require.Equal(t, uint64(99000), l.At(3*chunkLen+5).Arg)
}
