package conformance_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
)

// errPlanted is what the served device of failingOn returns.
var errPlanted = errors.New("planted: the device stops on this request")

// failingOn is the reference served in-process (one process), counting
// the request lines it reads in n; on the limit-th (0: never) its reading
// fails with errPlanted, which serve returns without answering: the
// device breaks the protocol there.
func failingOn(limit int64, n *atomic.Int64) conformance.Device {
	serve := func(r io.Reader, w io.Writer) error {
		return serveBlk(&countingReader{r: r, n: n, limit: limit}, w)
	}
	return conformance.ServedDevice("fails-on-request", serve, extdevice.Options{Procs: 1})
}

// countingReader counts the lines read through it and fails on the
// limit-th.
type countingReader struct {
	r     io.Reader
	n     *atomic.Int64
	limit int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	for range bytes.Count(p[:k], []byte("\n")) {
		if c.n.Add(1) == c.limit {
			return 0, errPlanted
		}
	}
	return k, err
}

// movedCounterexample writes a regression schedule of the catalog with
// one recorded choice moved to an index where its step is not: the strict
// replay diverges there, the lenient one finds the step and goes on to the
// recorded finding.
func movedCounterexample(t *testing.T) (path string, at int, oracle string) {
	t.Helper()
	sc, err := catalog.ReadScheduleFile("../catalog/testdata/regress/features-ok-half-done_draft-2023_pending-work=drop.json")
	require.NoError(t, err)
	require.NotNil(t, sc.Finding)
	at = -1
	for i, c := range sc.Choices {
		if c.Index > 0 {
			at = i
			break
		}
	}
	require.GreaterOrEqual(t, at, 0, "a decision between several steps")
	sc.Choices[at].Index = 0
	path = filepath.Join(t.TempDir(), "moved.json")
	require.NoError(t, sc.WriteFile(path))
	return path, at, sc.Finding.Oracle
}

// TestReplayLenient_DeviceError: a device that breaks the protocol only
// in the lenient replay of a counterexample (on a request past where the
// strict replay diverged) fails the lenient replay with its error: not a
// run without the finding (a fix), nor the recorded finding.
func TestReplayLenient_DeviceError(t *testing.T) {
	path, at, oracle := movedCounterexample(t)
	ctx := context.Background()
	var n atomic.Int64
	_, err := conformance.ReplayRecorded(ctx, failingOn(0, &n), path, engine.RunConfig{}, 0)
	require.ErrorIs(t, err, engine.ErrDiverged)
	require.Contains(t, err.Error(), fmt.Sprintf("at step %d:", engine.ShownStep(at)))
	strict := n.Swap(0)
	res, err := conformance.ReplayLenient(ctx, failingOn(0, &n), path)
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	require.Equal(t, oracle, res.Finding.Oracle, "the lenient replay of the device that does not fail reaches the recorded finding")
	lenient := n.Load()
	require.Greater(t, lenient, strict+1, "the lenient replay asks the device more than the strict one")

	cases := []struct {
		name  string
		limit int64
		// past: the lenient run took steps past where the strict replay
		// diverged before the device failed.
		past bool
	}{
		{"in a run without migration only the lenient replay makes", strict + 1, false},
		{"on its last request, past where the strict replay diverged", lenient, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var n atomic.Int64
			_, err := conformance.ReplayRecorded(ctx, failingOn(tc.limit, &n), path, engine.RunConfig{}, 0)
			require.ErrorIs(t, err, engine.ErrDiverged, "the strict replay does not reach the failing request")
			var xe *extdevice.Error
			require.False(t, errors.As(err, &xe), "%v", err)

			n.Store(0)
			res, err := conformance.ReplayLenient(ctx, failingOn(tc.limit, &n), path)
			require.Error(t, err, "finding %v", res.Finding)
			require.True(t, errors.As(err, &xe), "the device's error: %v", err)
			assert.False(t, xe.Interrupted)
			assert.Contains(t, err.Error(), "conformance: lenient replay "+path+": conformance: device served:fails-on-request: ")
			assert.Contains(t, err.Error(), errPlanted.Error())
			if tc.past {
				assert.Greater(t, len(res.Choices), at+1, "the run went past the divergence")
			}
		})
	}
}
