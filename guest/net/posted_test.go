package net

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/require"
)

// postedWatch remembers every buffer chain a driver posted, as it was when
// first seen in a queue's inflight map.
type postedWatch map[*buf]buf

// look records the chains in flight now and checks that every chain seen
// before still holds what it held: a copy of a world shares the chains
// its driver posted (world/kept), so a write to one after it is posted,
// at its completion or later, would show in every copy holding it.
func (w postedWatch) look(t *testing.T, d *Driver, at string) {
	t.Helper()
	for _, q := range d.order {
		for _, b := range d.queues[q].inflight {
			if _, ok := w[b]; !ok {
				c := *b
				c.data = slices.Clone(b.data)
				w[b] = c
			}
		}
	}
	for b, was := range w {
		require.Equal(t, was, *b, "%s: a posted buffer chain (slot %#x) was written", at, was.slot)
	}
}

// TestPostedBufsNeverWritten: across transmits, receives and refills,
// control commands acked later and a reset, no chain the driver posted is
// written afterwards.
func TestPostedBufsNeverWritten(t *testing.T) {
	b, d := probed(t, 9, 9)
	w := postedWatch{}
	w.look(t, d, "after probe")
	step := func(at string, f func()) {
		f()
		w.look(t, d, at)
	}
	step("send", func() { exec(t, d, "send", kv("n", "3"), kv("flow", "5")) })
	for i := range 40 {
		step("receive", func() {
			b.port.Arrive(b.link.Frame(b.link.MAC(), uint32(i%3), -1, 80))
			if i%10 == 9 {
				b.backend()
				b.drain(d)
			}
		})
	}
	step("rx-mode, no wait", func() { exec(t, d, "rx-mode", pos("nobcast"), pos("on"), kv("wait", "no")) })
	step("mac-addr, no wait", func() { exec(t, d, "mac-addr", kv("n", "7"), kv("wait", "no")) })
	step("wait", func() { exec(t, d, "wait") })
	step("send on pair 2", func() { exec(t, d, "send", kv("n", "2"), kv("q", "2"), kv("size", "100")) })
	step("reset", func() { d.forgetQueues() })
	require.Empty(t, d.Failed)
	require.Equal(t, 40, d.Received(), "the frames reach the driver")
	require.Greater(t, len(w), 20, "the chains watched")
}
