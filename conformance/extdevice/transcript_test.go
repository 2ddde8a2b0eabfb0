package extdevice_test

import (
	"bytes"
	"io"
	"regexp"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
)

// holdFirstNew is a reader of a served device's input that, in the first
// serve function only, stops at the first `new` request until release is
// closed, after closing reached: the kit's first process is then busy,
// and the pool starts a second one for the next device.
type holdFirstNew struct {
	r       io.Reader
	hold    bool
	reached chan struct{}
	release chan struct{}
}

func (h *holdFirstNew) Read(b []byte) (int, error) {
	n, err := h.r.Read(b)
	if h.hold && bytes.Contains(b[:n], []byte(`"op":"new"`)) {
		h.hold = false
		close(h.reached)
		<-h.release
	}
	return n, err
}

// TestTranscriptTagsProcesses: with several processes, every transcript
// line names the process that exchanged it ("pN kit> ", "pN dev> "),
// numbered from 1 in start order across the pools that share a
// NewTranscript; with one process the lines are as they were, untagged.
func TestTranscriptTagsProcesses(t *testing.T) {
	var out bytes.Buffer
	tr := extdevice.NewTranscript(&out)
	var serves atomic.Int32
	reached, release := make(chan struct{}), make(chan struct{})
	serve := func(r io.Reader, w io.Writer) error {
		h := &holdFirstNew{r: r, hold: serves.Add(1) == 1, reached: reached, release: release}
		return serveBlk(h, w)
	}
	pool, err := extdevice.StartServed("extblk", serve, extdevice.Options{Procs: 2, Transcript: tr})
	require.NoError(t, err)
	var wg sync.WaitGroup
	var first *extdevice.Error
	wg.Add(1)
	go func() {
		defer wg.Done()
		first = newDevice(pool) // held by process 1
	}()
	<-reached
	require.Nil(t, newDevice(pool), "process 1 is busy: a second process serves this device")
	close(release)
	wg.Wait()
	require.Nil(t, first)
	require.NoError(t, pool.Close())
	require.EqualValues(t, 2, serves.Load(), "two processes")

	// A second pool on the same transcript numbers its process on.
	pool2, err := extdevice.StartServed("extblk", serveBlk, extdevice.Options{Procs: 2, Transcript: tr})
	require.NoError(t, err)
	require.Nil(t, newDevice(pool2))
	require.NoError(t, pool2.Close())

	tagged := regexp.MustCompile(`^p([123]) (kit|dev)> \{"id":\d+,"op":"[a-z_]+"`)
	perProc := map[string][]string{}
	for _, l := range strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n") {
		m := tagged.FindStringSubmatch(l)
		require.NotNil(t, m, "every line is tagged with its process: %q", l)
		perProc[m[1]] = append(perProc[m[1]], l)
	}
	for _, p := range []string{"1", "2", "3"} {
		require.NotEmpty(t, perProc[p], "process p%s", p)
		assert.Contains(t, perProc[p][0], "p"+p+` kit> {"id":1,"op":"hello"`, "a process's first line is its hello")
		assert.True(t, slices.ContainsFunc(perProc[p], func(l string) bool { return strings.Contains(l, `kit> {"id":2,"op":"new"`) }),
			"process p%s built a device", p)
	}

	// One process: untagged lines, as the session in docs/device-protocol.md.
	var one bytes.Buffer
	pool3, err := extdevice.StartServed("extblk", serveBlk, extdevice.Options{Procs: 1, Transcript: &one})
	require.NoError(t, err)
	require.Nil(t, newDevice(pool3))
	require.Nil(t, newDevice(pool3))
	require.NoError(t, pool3.Close())
	for _, l := range strings.Split(strings.TrimSuffix(one.String(), "\n"), "\n") {
		assert.Regexp(t, `^(kit|dev)> \{`, l)
	}
}
