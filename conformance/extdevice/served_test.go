package extdevice_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// extblkInfo is what examples/extblk declares in its hello.
var extblkInfo = extdevice.Info{Name: "extblk (the reference virtio-blk)", Editions: spec.Editions, Knobs: extdevice.AllKnobs()}

// serveBlk serves the reference device as examples/extblk does.
func serveBlk(r io.Reader, w io.Writer) error { return extdevice.Serve(r, w, blk.New, extblkInfo) }

// TestServedMatchesExec: the reference device served in-process answers
// the session as examples/extblk does as a process, with the same bytes
// both ways (the transcripts are equal line for line).
func TestServedMatchesExec(t *testing.T) {
	extblk, _ := binaries(t)
	var execT, servedT bytes.Buffer
	execPool, err := extdevice.Start([]string{extblk}, extdevice.Options{Procs: 1, Transcript: &execT})
	require.NoError(t, err)
	defer execPool.Close()
	servedPool, err := extdevice.StartServed("extblk", serveBlk, extdevice.Options{Procs: 1, Transcript: &servedT})
	require.NoError(t, err)
	defer servedPool.Close()
	assert.Equal(t, execPool.Info(), servedPool.Info())
	assert.Empty(t, extdevice.PIDs(servedPool), "no process")

	wantFx, wantSt, wantDg, wantDisk := session(t, execPool.Factory())
	gotFx, gotSt, gotDg, gotDisk := session(t, servedPool.Factory())
	sameEffects(t, wantFx, gotFx)
	assert.Equal(t, wantSt, gotSt)
	assert.Equal(t, wantDg, gotDg)
	assert.Equal(t, wantDisk, gotDisk, "the request reached the kit's disk")
	assert.NoError(t, servedPool.Err())
	assert.NoError(t, execPool.Err())
	assert.Greater(t, bytes.Count(servedT.Bytes(), []byte("\n")), 50, "the session exchanges many lines")
	assert.Equal(t, execT.String(), servedT.String(), "the same bytes both ways")
}

// helloOnly is a serve function that answers the handshake and then does
// what rest says with the rest of its input.
func helloOnly(rest func(r *bufio.Reader, w io.Writer) error) func(io.Reader, io.Writer) error {
	return func(r io.Reader, w io.Writer) error {
		br := bufio.NewReader(r)
		if _, err := br.ReadBytes('\n'); err != nil {
			return err
		}
		if _, err := fmt.Fprintf(w, `{"id":1,"op":"hello","protocol":1}`+"\n"); err != nil {
			return err
		}
		return rest(br, w)
	}
}

// newDevice builds a device of the pool and returns the *Error it panics
// with, if any.
func newDevice(pool *extdevice.Pool) *extdevice.Error {
	return catch(func() {
		pool.Factory()(member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1,
			Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
	})
}

// TestServedDeviceErrors: a served device that breaks the protocol, or
// whose serve function returns or panics, ends in a protocol error that
// names the request and says how serve ended (there is no process status
// or stderr), within the deadline; its goroutine is gone afterwards.
func TestServedDeviceErrors(t *testing.T) {
	tests := []struct {
		name  string
		serve func(r io.Reader, w io.Writer) error
		// atStart: the handshake fails; else the first new request does.
		atStart bool
		want    []string
	}{
		{"returns at once", func(io.Reader, io.Writer) error { return errors.New("no disk attached") },
			true, []string{"protocol: served-dev: hello (request 1): the device closed its", "; serve returned: no disk attached"}},
		{"returns nil at once", func(io.Reader, io.Writer) error { return nil },
			true, []string{"hello (request 1): the device closed its", "; serve returned nil"}},
		{"wrong op", func(r io.Reader, w io.Writer) error {
			br := bufio.NewReader(r)
			if _, err := br.ReadBytes('\n'); err != nil {
				return err
			}
			fmt.Fprintln(w, `{"id":1,"op":"teapot"}`)
			_, err := io.Copy(io.Discard, br)
			return err
		}, true, []string{"hello (request 1)", `got op "teapot"`, "stopped by closing its pipes (then serve returned: "}},
		{"returns mid-session", helloOnly(func(r *bufio.Reader, _ io.Writer) error {
			if _, err := r.ReadBytes('\n'); err != nil {
				return err
			}
			return errors.New("no room for another device")
		}), false, []string{"new device 1 (vf 1) (request 2)", "closed its output instead of replying", "; serve returned: no room for another device"}},
		{"garbage", helloOnly(func(r *bufio.Reader, w io.Writer) error {
			if _, err := r.ReadBytes('\n'); err != nil {
				return err
			}
			fmt.Fprintln(w, "this is not a protocol message")
			_, err := io.Copy(io.Discard, r)
			return err
		}), false, []string{"new device 1 (vf 1) (request 2)", "malformed message"}},
		{"silent", helloOnly(func(r *bufio.Reader, _ io.Writer) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}), false, []string{"new device 1 (vf 1) (request 2)", "no reply within 300ms", "stopped by closing its pipes"}},
		// A pipe holds a reply written twice, as an OS pipe does: the
		// kit reads it, instead of waiting on a device blocked writing.
		{"twice", func(r io.Reader, w io.Writer) error { return extdevice.Serve(r, twiceWriter{w}, blk.New, extblkInfo) },
			false, []string{"new device 1 (vf 1) (request 2)", "got hello for request 1 while request 2 is in progress (a reply sent twice, or out of turn)"}},
		{"panics", func(r io.Reader, w io.Writer) error {
			return extdevice.Serve(r, w, func(member.Config) member.Device { panic("out of device slots") }, extblkInfo)
		}, false, []string{"new device 1 (vf 1) (request 2)", "closed its output instead of replying", "; serve panicked: out of device slots", "; stack: goroutine "}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			returned := make(chan struct{})
			serve := func(r io.Reader, w io.Writer) error {
				defer close(returned)
				return tc.serve(r, w)
			}
			// A short deadline only where the deadline is what the case
			// tests: elsewhere a loaded machine could keep the device's
			// goroutine from running that long, and the error expected
			// would become "no reply within".
			opts := extdevice.Options{Timeout: 30 * time.Second, Procs: 1}
			if slices.ContainsFunc(tc.want, func(w string) bool { return strings.HasPrefix(w, "no reply within") }) {
				opts.Timeout = 300 * time.Millisecond
			}
			start := time.Now()
			pool, err := extdevice.StartServed("served-dev", serve, opts)
			var got *extdevice.Error
			if tc.atStart {
				require.Error(t, err)
				require.ErrorAs(t, err, &got)
			} else {
				require.NoError(t, err)
				got = newDevice(pool)
				require.NotNil(t, got, "the device's failure surfaces")
				assert.Equal(t, got, pool.Err(), "a protocol error ends the pool")
				require.NoError(t, pool.Close())
			}
			t.Log(got)
			assert.Less(t, time.Since(start), 5*time.Second)
			assert.True(t, got.Served)
			assert.False(t, got.Fault)
			assert.False(t, got.Interrupted)
			assert.True(t, extdevice.IsDeviceFinding(got))
			assert.NotContains(t, got.Error(), "process", "a served device has no process")
			for _, w := range tc.want {
				assert.Contains(t, got.Error(), w)
			}
			select {
			case <-returned:
			case <-time.After(5 * time.Second):
				t.Fatal("the serve function is still running")
			}
		})
	}
}

// twiceWriter writes everything twice.
type twiceWriter struct{ w io.Writer }

func (t twiceWriter) Write(p []byte) (int, error) {
	if _, err := t.w.Write(p); err != nil {
		return 0, err
	}
	return t.w.Write(p)
}

// TestServedContextInterrupts: when Options.Context ends, a request
// waiting for a served device ends at once, long before its deadline, as
// an interruption (not a protocol error), and the serve function, blocked
// reading, returns.
func TestServedContextInterrupts(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	returned := make(chan error, 1)
	serve := helloOnly(func(r *bufio.Reader, _ io.Writer) error {
		_, err := io.Copy(io.Discard, r)
		returned <- err
		return err
	})
	const deadline = time.Minute
	pool, err := extdevice.StartServed("served-dev", serve, extdevice.Options{Timeout: deadline, Procs: 1, Context: ctx})
	require.NoError(t, err)
	timer := time.AfterFunc(200*time.Millisecond, cancel)
	defer timer.Stop()
	start := time.Now()
	got := newDevice(pool)
	require.NotNil(t, got, "the interruption surfaces")
	assert.Less(t, time.Since(start), 10*time.Second, "the interruption does not wait for the %s deadline", deadline)
	assert.True(t, got.Interrupted, "%v", got)
	assert.False(t, got.Fault)
	assert.Contains(t, got.Error(), "interrupted: served-dev: new device 1 (vf 1) (request 2): the kit was stopped")
	assert.Equal(t, got, pool.Err(), "an interruption ends the pool")
	require.NoError(t, pool.Close())
	select {
	case err := <-returned:
		assert.ErrorIs(t, err, io.ErrClosedPipe, "its pipes were closed")
	case <-time.After(5 * time.Second):
		t.Fatal("the serve function is still running")
	}

	_, err = extdevice.StartServed("served-dev", serveBlk, extdevice.Options{Context: ctx})
	var xe *extdevice.Error
	require.ErrorAs(t, err, &xe, "a context that has ended starts nothing")
	assert.True(t, xe.Interrupted, "%v", xe)
}

// TestServedCloseEndsServe: Close ends the input of every serve function
// the pool started, and each returns nil (as extblk exits 0 at the end of
// its stdin): no goroutine is left running.
func TestServedCloseEndsServe(t *testing.T) {
	const procs = 3
	var started atomic.Int32
	returned := make(chan error, procs)
	serve := func(r io.Reader, w io.Writer) error {
		started.Add(1)
		err := serveBlk(r, w)
		returned <- err
		return err
	}
	pool, err := extdevice.StartServed("extblk", serve, extdevice.Options{Procs: procs})
	require.NoError(t, err)
	// Devices used at once: a device built while the others' serve
	// functions are busy starts another one.
	f := pool.Factory()
	var wg sync.WaitGroup
	for range procs {
		wg.Go(func() {
			d := f(member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1,
				Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
			for range 50 {
				d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgRead, Requester: 1, Completer: rid, Len: 4}})
			}
		})
	}
	wg.Wait()
	require.NoError(t, pool.Err())
	require.NoError(t, pool.Close())
	n := int(started.Load())
	require.GreaterOrEqual(t, n, 1)
	require.LessOrEqual(t, n, procs)
	for i := range n {
		select {
		case err := <-returned:
			assert.NoError(t, err, "serve function %d", i)
		case <-time.After(5 * time.Second):
			t.Fatalf("%d of %d serve functions still running after Close", n-i, n)
		}
	}
	assert.ErrorContains(t, pool.Err(), "the pool was closed")
}
