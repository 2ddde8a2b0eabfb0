package net

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
)

// recordingBus is a testBus that records every register access the
// driver makes, in order.
type recordingBus struct {
	*testBus
	accesses []string
}

func (b *recordingBus) CfgRead(off uint16, n int) uint32 {
	v := b.testBus.CfgRead(off, n)
	b.accesses = append(b.accesses, fmt.Sprintf("cfg read %#x/%d = %#x", off, n, v))
	return v
}

func (b *recordingBus) CfgWrite(off uint16, n int, v uint32) {
	b.accesses = append(b.accesses, fmt.Sprintf("cfg write %#x/%d %#x", off, n, v))
	b.testBus.CfgWrite(off, n, v)
}

func (b *recordingBus) MMIORead(addr uint64, n int) []byte {
	v := b.testBus.MMIORead(addr, n)
	b.accesses = append(b.accesses, fmt.Sprintf("read %#x/%d = %x", addr, n, v))
	return v
}

func (b *recordingBus) MMIOWrite(addr uint64, data []byte) {
	b.accesses = append(b.accesses, fmt.Sprintf("write %#x %x", addr, data))
	b.testBus.MMIOWrite(addr, data)
}

// probeIn runs the probe as the given parts (each "from:until", "" for
// the defaults) on a fresh device and returns the accesses and the log.
func probeIn(t *testing.T, queues uint16, rings int, parts ...[2]string) (*recordingBus, *Driver) {
	b := &recordingBus{testBus: newTestBus(t, queues)}
	d := New(b, DefaultPlan(rings))
	for _, p := range parts {
		var args []scenario.Arg
		if p[0] != "" {
			args = append(args, kv("from", p[0]))
		}
		if p[1] != "" {
			args = append(args, kv("until", p[1]))
		}
		require.NoError(t, d.Exec(scenario.Op{Verb: "probe", Args: args}))
	}
	return b, d
}

// TestProbeCutAnywhere: a probe cut at any point and resumed from it makes
// the same register accesses in the same order and logs the same lines as
// the probe in one piece, so a scenario's cut changes nothing but where
// the other actors may run.
func TestProbeCutAnywhere(t *testing.T) {
	for _, tc := range []struct {
		name          string
		queues        uint16
		rings         int
		wantPairs     uint16
		wantMQCommand bool
	}{
		{"four pairs and the control queue", 9, 9, 4, true},
		{"one pair and the control queue", 3, 3, 1, false},
		{"one pair, no control queue", 2, 2, 1, false},
	} {
		whole, wd := probeIn(t, tc.queues, tc.rings, [2]string{})
		require.Empty(t, wd.Failed)
		require.Equal(t, tc.wantPairs, wd.Pairs())
		mq := false
		for _, l := range wd.Log() {
			mq = mq || l == fmt.Sprintf("ctrl VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET %d: ack=0", tc.wantPairs)
		}
		require.Equal(t, tc.wantMQCommand, mq, "log %q", wd.Log())
		for _, point := range probePoints[1:ProbeEnd] {
			p := probePoint(point)
			if p >= ProbePair1 && p < ProbeQueueEnable && int(p-ProbePair1) >= int(tc.wantPairs) {
				continue // beyond the pairs: refused (TestProbePairBeyondQueues)
			}
			t.Run(tc.name+"/"+point, func(t *testing.T) {
				cut, cd := probeIn(t, tc.queues, tc.rings, [2]string{"", point}, [2]string{point, ""})
				assert.Empty(t, cd.Failed)
				assert.Equal(t, whole.accesses, cut.accesses)
				assert.Equal(t, wd.Log(), cd.Log())
				assert.Equal(t, wd.Pairs(), cd.Pairs())
			})
		}
	}
}

// TestProbeStopsAtPoint: the part up to a point makes exactly the
// accesses the whole probe makes up to the access the point names, and
// stops there.
func TestProbeStopsAtPoint(t *testing.T) {
	whole, _ := probeIn(t, 5, 5, [2]string{})
	for _, tc := range []struct {
		until string
		last  string // the part's last access, as recordingBus writes it
	}{
		{"driver", "write 0xfe000014 03"},
		{"features-ok", "write 0xfe000014 0b"},
		{"pair-1", "write 0xfe00001c 0100"},
		{"pair-2", "write 0xfe00001c 0100"},
		{"queue-enable", "write 0xfe00001c 0100"},
		{"driver-ok", "write 0xfe000014 0f"},
	} {
		t.Run(tc.until, func(t *testing.T) {
			part, d := probeIn(t, 5, 5, [2]string{"", tc.until})
			assert.Empty(t, d.Failed)
			require.NotEmpty(t, part.accesses)
			assert.Equal(t, tc.last, part.accesses[len(part.accesses)-1])
			assert.Equal(t, whole.accesses[:len(part.accesses)], part.accesses, "a prefix of the whole probe")
		})
	}
	// The queue_enable writes of pair 1, pair 2 and the control queue are
	// the third, sixth... enables: each point stops at a later one.
	p1, _ := probeIn(t, 5, 5, [2]string{"", "pair-1"})
	p2, _ := probeIn(t, 5, 5, [2]string{"", "pair-2"})
	qe, _ := probeIn(t, 5, 5, [2]string{"", "queue-enable"})
	assert.Less(t, len(p1.accesses), len(p2.accesses))
	assert.Less(t, len(p2.accesses), len(qe.accesses))
	// mq: the command is kicked and not waited for.
	mqPart, d := probeIn(t, 5, 5, [2]string{"", "mq"})
	assert.Equal(t, 1, d.outstanding(), "the MQ command is in flight")
	assert.NotContains(t, d.Log(), "ctrl VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 2: ack=0")
	assert.Less(t, len(qe.accesses), len(mqPart.accesses))
}

// TestProbePairBeyondQueues: pair-K beyond the pairs the rings give the
// driver is refused when the operation binds, at run time as at load.
func TestProbePairBeyondQueues(t *testing.T) {
	d := New(newTestBus(t, 5), DefaultPlan(5))
	err := d.Exec(scenario.Op{Verb: "probe", Args: []scenario.Arg{kv("until", "pair-3")}})
	require.Error(t, err)
	assert.Equal(t, "probe: until=pair-3: the scenario's queues 5 give the driver at most 2 queue pairs (pair-1..pair-2)", err.Error())
	err = d.Exec(scenario.Op{Verb: "probe", Args: []scenario.Arg{kv("from", "queue-enable"), kv("until", "pair-1")}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "probe: until=pair-1 is not after from=queue-enable")
}

// TestPairBeyondQueues: a transmit, post or kick on a pair beyond the
// pairs the scenario's queues give the driver is refused when the
// operation binds (at load as at run time): no probe can set it up.
func TestPairBeyondQueues(t *testing.T) {
	for _, tc := range []struct {
		queues int
		op     scenario.Op
		err    string
	}{
		{3, scenario.Op{Verb: "send", Args: []scenario.Arg{kv("q", "1")}}, "send: q=1: the scenario's queues 3 give the driver 1 queue pair (q=0)"},
		{3, scenario.Op{Verb: "kick", Args: []scenario.Arg{kv("q", "1")}}, "kick: q=1: the scenario's queues 3 give the driver 1 queue pair (q=0)"},
		{5, scenario.Op{Verb: "xmit", Args: []scenario.Arg{kv("q", "2")}}, "xmit: q=2: the scenario's queues 5 give the driver 2 queue pairs (q=0..1)"},
		{4, scenario.Op{Verb: "post", Args: []scenario.Arg{kv("q", "7")}}, "post: q=7: the scenario's queues 4 give the driver 2 queue pairs (q=0..1)"},
		{5, scenario.Op{Verb: "kick", Args: []scenario.Arg{kv("q", "1")}}, ""},
	} {
		d := New(newTestBus(t, uint16(tc.queues)), DefaultPlan(tc.queues))
		err := d.Exec(tc.op)
		if tc.err == "" {
			assert.NoError(t, err, "%s on %d queues", tc.op.Verb, tc.queues)
			continue
		}
		if assert.Error(t, err, "%s on %d queues", tc.op.Verb, tc.queues) {
			assert.Equal(t, tc.err, err.Error())
		}
	}
}
