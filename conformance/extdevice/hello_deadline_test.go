package extdevice_test

import (
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
)

// TestHelloDeadline_Defaults: the hello's deadline is DefaultHelloTimeout
// unless a longer request deadline or an explicit one is given.
func TestHelloDeadline_Defaults(t *testing.T) {
	for _, tc := range []struct {
		name                 string
		opts                 extdevice.Options
		wantTimeout, wantHel time.Duration
	}{
		{"defaults", extdevice.Options{}, extdevice.DefaultTimeout, extdevice.DefaultHelloTimeout},
		{"a shorter request deadline", extdevice.Options{Timeout: time.Second}, time.Second, extdevice.DefaultHelloTimeout},
		{"a longer request deadline", extdevice.Options{Timeout: time.Minute}, time.Minute, time.Minute},
		{"an explicit hello deadline", extdevice.Options{Timeout: time.Minute, HelloTimeout: 2 * time.Second}, time.Minute, 2 * time.Second},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.opts.Procs = 1
			pool, err := extdevice.StartServed("blk", serveBlk, tc.opts)
			require.NoError(t, err)
			defer pool.Close()
			got := extdevice.PoolOptions(pool)
			assert.Equal(t, tc.wantTimeout, got.Timeout)
			assert.Equal(t, tc.wantHel, got.HelloTimeout)
		})
	}
	assert.Greater(t, extdevice.DefaultHelloTimeout, extdevice.DefaultTimeout, "the hello waits for the program to start")
}

// TestHelloDeadline_SlowStarter: a device that answers its hello after
// the request deadline but within the hello's starts; with a hello
// deadline shorter than its start, the error says the device did not
// answer the hello within it and names --timeout, not only flushing.
//
// The device that starts is given a request deadline of half a second:
// its pool's Close also waits that long for it to end once its input is
// closed, and on a heavily loaded machine a goroutine may wait longer
// than a tenth of a second to run. The device that does not start answers
// ten hello deadlines late: with only three, a loaded machine could run
// the device's reply before the reader saw its deadline pass, and the
// reader's select then took either.
func TestHelloDeadline_SlowStarter(t *testing.T) {
	slowBy := func(d time.Duration) func(io.Reader, io.Writer) error {
		return func(r io.Reader, w io.Writer) error {
			<-time.After(d) // starting, as an interpreter on a loaded machine
			return serveBlk(r, w)
		}
	}
	const request = 500 * time.Millisecond
	pool, err := extdevice.StartServed("slow", slowBy(request+request/5), extdevice.Options{Timeout: request, Procs: 1})
	require.NoError(t, err, "a start longer than a request's deadline, shorter than the hello's")
	assert.Equal(t, extblkInfo.Name, pool.Info().Name)
	require.NoError(t, pool.Close())

	const hello = 100 * time.Millisecond
	_, err = extdevice.StartServed("slow", slowBy(10*hello), extdevice.Options{Timeout: hello, HelloTimeout: hello, Procs: 1})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "slow: hello (request 1): the device did not answer the hello within 100ms: "+
		"a program slower to start needs a longer deadline (migsim's --timeout flag is the hello's deadline too, which is 30s without it; from Go, "+
		"Options.HelloTimeout), "+
		"and a program that answered must flush its output after every line it writes")
}
