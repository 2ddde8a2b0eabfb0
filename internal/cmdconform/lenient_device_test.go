package cmdconform

import (
	"bytes"
	"context"
	"errors"
	"io"
	"path/filepath"
	"regexp"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/cmdbase"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// lineLimitReader counts the request lines a served device reads in n and
// fails on the limit-th (0: never).
type lineLimitReader struct {
	r     io.Reader
	n     *atomic.Int64
	limit int64
}

var errStopsHere = errors.New("planted: the device stops on this request")

func (c *lineLimitReader) Read(p []byte) (int, error) {
	k, err := c.r.Read(p)
	for range bytes.Count(p[:k], []byte("\n")) {
		if c.n.Add(1) == c.limit {
			return 0, errStopsHere
		}
	}
	return k, err
}

// stopsOn is the reference served in-process, in one process, that stops
// answering on its limit-th request line (0: never), n counting them.
func stopsOn(limit int64, n *atomic.Int64) conformance.Device {
	info := extdevice.Info{Name: "stops-on", Editions: spec.Editions, Knobs: extdevice.AllKnobs()}
	return conformance.ServedDevice("stops-on", func(r io.Reader, w io.Writer) error {
		return extdevice.Serve(&lineLimitReader{r: r, n: n, limit: limit}, w, blk.New, info)
	}, extdevice.Options{Procs: 1})
}

// TestConform_LenientReplayDeviceError: conform --replay of a
// counterexample the device no longer replays strictly, with a device that
// breaks the protocol only in the lenient replay (on its last request,
// past where the strict replay diverged), reports the device's error (exit
// 1 on stderr, naming the device): neither a fix (exit 0) nor the recorded
// finding replayed leniently.
func TestConform_LenientReplayDeviceError(t *testing.T) {
	sc, err := catalog.ReadScheduleFile("../../catalog/testdata/regress/features-ok-half-done_draft-2023_pending-work=drop.json")
	require.NoError(t, err)
	at := -1
	for i, c := range sc.Choices {
		if c.Index > 0 {
			at = i
			break
		}
	}
	require.GreaterOrEqual(t, at, 0, "a decision between several steps")
	sc.Choices[at].Index = 0 // the strict replay diverges here, the lenient one goes on
	path := filepath.Join(t.TempDir(), "moved.json")
	require.NoError(t, sc.WriteFile(path))
	var n atomic.Int64
	res, err := conformance.ReplayLenient(context.Background(), stopsOn(0, &n), path)
	require.NoError(t, err)
	require.NotNil(t, res.Finding)
	last := n.Load()

	cases := []struct {
		name, stdout, stderr string
		code                 int
		dev                  conformance.Device
	}{
		{"a device that keeps to the protocol: the recorded finding, leniently", "replayed leniently, the recorded finding occurs: " + sc.Finding.Oracle, "",
			cmdbase.ExitFinding, stopsOn(0, new(atomic.Int64))},
		{"a device that stops in the lenient replay: its error", "", "migsim conform: " + path + " with served:stops-on: the strict replay diverged at step " +
			strconv.Itoa(engine.ShownStep(at)) + "; replayed leniently: the device broke the protocol: stops-on: ",
			cmdbase.ExitFinding, stopsOn(last, new(atomic.Int64))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := conformReplay(tc.dev, conformOptions{replay: path}, &out, &errb)
			assert.Equal(t, tc.code, code, "stdout:\n%s\nstderr:\n%s", out.String(), errb.String())
			if tc.stdout == "" {
				assert.Empty(t, out.String())
			} else {
				assert.Contains(t, out.String(), tc.stdout)
			}
			if tc.stderr == "" {
				assert.Empty(t, errb.String())
				return
			}
			assert.Regexp(t, "^"+regexp.QuoteMeta(tc.stderr)+`.*: the device closed its output instead of replying; serve returned: `+
				regexp.QuoteMeta(errStopsHere.Error())+"\n$", errb.String())
		})
	}
}
