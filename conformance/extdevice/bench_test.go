package extdevice_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
)

// BenchmarkServedSession is the external path's cost per request: the
// reference device served in-process (StartServed) through session's
// events, every line encoded, piped, decoded and answered as the kit does
// with a device (ns/line is per line either way, requests and replies).
func BenchmarkServedSession(b *testing.B) {
	var t bytes.Buffer
	pool, err := extdevice.StartServed("extblk", serveBlk, extdevice.Options{Procs: 1, Transcript: &t})
	require.NoError(b, err)
	defer pool.Close()
	hello := bytes.Count(t.Bytes(), []byte("\n"))
	session(b, pool.Factory()) // the lines of one session, for ns/line
	lines := bytes.Count(t.Bytes(), []byte("\n")) - hello
	pool.Close()

	pool, err = extdevice.StartServed("extblk", serveBlk, extdevice.Options{Procs: 1})
	require.NoError(b, err)
	defer pool.Close()
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		session(b, pool.Factory())
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n*lines), "ns/line")
	require.NoError(b, pool.Err())
}
