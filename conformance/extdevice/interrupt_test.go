package extdevice_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/virtq"
)

// TestContextInterruptsAWaitingRequest: when Options.Context ends, a
// request waiting for a device that does not answer ends at once, long
// before its deadline, with an Error marked Interrupted (not a protocol
// error), and no process is left behind.
func TestContextInterruptsAWaitingRequest(t *testing.T) {
	_, hostile := binaries(t)
	const deadline = time.Minute
	tests := []struct {
		name string
		mode string
		// atStart: the handshake is interrupted; else the first device's
		// new request is.
		atStart bool
		want    []string
	}{
		{"handshake", "silent", true, []string{"interrupted", "hello (request 1)", "the kit was stopped"}},
		{"new device", "hang", false, []string{"interrupted", "new device", "the kit was stopped"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			// The context ends 200 ms into what the case interrupts: the
			// handshake, or the new request after it (a process slow to
			// start on a loaded machine must not have its handshake
			// interrupted instead).
			interrupt := func() func() bool { return time.AfterFunc(200*time.Millisecond, cancel).Stop }
			start := time.Now()
			if tc.atStart {
				defer interrupt()()
			}
			pool, err := extdevice.Start([]string{hostile, tc.mode}, extdevice.Options{Timeout: deadline, Procs: 1, Context: ctx})
			var got *extdevice.Error
			if tc.atStart {
				require.Error(t, err)
				require.ErrorAs(t, err, &got)
			} else {
				require.NoError(t, err)
				defer interrupt()()
				pids := extdevice.PIDs(pool)
				got = catch(func() {
					pool.Factory()(member.Config{Edition: spec.Virtio14, VF: 1, RID: rid, BAR0: bar0, NumQueues: 1,
						Mem: virtq.NewGuestMemory(), Backing: blk.NewDisk(8, "x")})
				})
				require.NotNil(t, got, "the interruption surfaces")
				assert.Equal(t, got, pool.Err(), "an interruption ends the pool")
				require.NoError(t, pool.Close())
				for _, pid := range pids {
					assert.False(t, alive(pid), "process %d left behind", pid)
				}
			}
			assert.Less(t, time.Since(start), 10*time.Second, "the interruption does not wait for the %s deadline", deadline)
			assert.True(t, got.Interrupted, "%v", got)
			assert.False(t, got.Fault)
			for _, w := range tc.want {
				assert.Contains(t, got.Error(), w)
			}
		})
	}
	t.Run("already ended", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := extdevice.Start([]string{hostile, "hang"}, extdevice.Options{Context: ctx})
		var got *extdevice.Error
		require.ErrorAs(t, err, &got)
		assert.True(t, got.Interrupted, "%v", got)
	})
}
