package net

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

func probed(t *testing.T, queues uint16, rings int) (*testBus, *Driver) {
	b := newTestBus(t, queues)
	d := New(b, DefaultPlan(rings))
	require.NoError(t, d.Exec(scenario.Op{Verb: "probe"}))
	require.Empty(t, d.Failed)
	return b, d
}

func exec(t *testing.T, d *Driver, verb string, args ...scenario.Arg) {
	require.NoError(t, d.Exec(scenario.Op{Verb: verb, Args: args}))
}

func kv(k, v string) scenario.Arg { return scenario.Arg{Key: k, Value: v} }
func pos(v string) scenario.Arg   { return scenario.Arg{Value: v} }

func TestProbe(t *testing.T) {
	for _, tc := range []struct {
		name          string
		queues        uint16
		rings         int
		pairs         uint16
		mq            bool
		wantLogSuffix string
	}{
		{"four pairs", 9, 9, 4, true, "ctrl VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 4: ack=0"},
		{"plan for one pair", 9, 3, 1, true, "link=up"},
		{"two pairs of four", 9, 5, 2, true, "ctrl VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 2: ack=0"},
		{"no control queue", 2, 2, 1, false, "link=up"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, d := probed(t, tc.queues, tc.rings)
			assert.Equal(t, tc.pairs, d.Pairs())
			assert.Equal(t, tc.mq, d.Features().Has(spec.FeatureNetMQ))
			require.NotEmpty(t, d.Log())
			assert.True(t, strings.HasSuffix(d.Log()[len(d.Log())-1], tc.wantLogSuffix), "log %q", d.Log())
		})
	}
}

func TestSendReachesTheWireOnce(t *testing.T) {
	b, d := probed(t, 9, 9)
	exec(t, d, "send", kv("n", "3"), kv("flow", "5"))
	exec(t, d, "send", kv("n", "2"), kv("q", "2"), kv("size", "100"))
	tx := b.link.Transmitted()
	require.Len(t, tx, 5)
	for i, r := range tx {
		seq, flow, ok := ParseFrame(r.Frame.Data)
		require.True(t, ok)
		assert.Equal(t, uint64(i+1), seq)
		assert.Equal(t, uint32(map[bool]int{true: 5, false: 0}[i < 3]), flow)
	}
	assert.Equal(t, uint16(5), tx[4].Queue, "pair 2 transmits on queue 5")
	assert.Contains(t, d.Log(), "tx q1 seq=3: sent")
	assert.Contains(t, d.Log(), "tx q5 seq=5: sent")
	assert.Zero(t, d.outstanding())
}

func TestPostKickWait(t *testing.T) {
	b, d := probed(t, 9, 9)
	exec(t, d, "post", kv("n", "2"))
	assert.Empty(t, b.link.Transmitted(), "no frame before the kick")
	exec(t, d, "kick")
	exec(t, d, "wait")
	assert.Len(t, b.link.Transmitted(), 2)
	assert.Zero(t, d.outstanding())
}

func TestReceiveInOrderAndRefill(t *testing.T) {
	b, d := probed(t, 9, 9)
	for i := range 40 {
		b.port.Arrive(b.link.Frame(b.link.MAC(), uint32(i%3), -1, 80))
		if i%10 == 9 {
			b.backend()
			b.drain(d)
		}
	}
	assert.Equal(t, 40, d.Received(), "more frames than one fill of buffers: the driver refills")
	assert.Len(t, b.link.Delivered(), 40)
	assert.Empty(t, d.Failed)
}

func TestReceiveDuplicateFails(t *testing.T) {
	b, d := probed(t, 3, 3)
	f := b.link.Frame(b.link.MAC(), 1, -1, 80)
	b.port.Arrive(f, f)
	b.backend()
	b.drain(d)
	require.Len(t, d.Failed, 1)
	assert.Contains(t, d.Failed[0], "duplicate or out of order")
}

func TestControlCommands(t *testing.T) {
	b, d := probed(t, 9, 9)
	exec(t, d, "rx-mode", pos("promisc"), pos("on"))
	exec(t, d, "mac-table", kv("uc", "2"), kv("mc", "1"))
	exec(t, d, "vlan", pos("10"))
	exec(t, d, "mac-addr", kv("n", "7"))
	exec(t, d, "mq", kv("pairs", "2"))
	exec(t, d, "rx-mode", pos("nobcast"), pos("on"), kv("wait", "no"))
	exec(t, d, "wait")
	d.Final()
	log := d.Log()
	for _, want := range []string{
		"ctrl VIRTIO_NET_CTRL_RX_PROMISC 1: ack=0",
		"ctrl VIRTIO_NET_CTRL_MAC_TABLE_SET uc=2 mc=1: ack=0",
		"ctrl VIRTIO_NET_CTRL_VLAN_ADD 10: ack=0",
		"ctrl VIRTIO_NET_CTRL_MAC_ADDR_SET 02:00:00:00:01:07: ack=0",
		"ctrl VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 2: ack=0",
		"ctrl VIRTIO_NET_CTRL_RX_NOBCAST 1: ack=0",
	} {
		assert.Contains(t, log, want)
	}
	assert.Equal(t, "final: link=up mac=02:00:00:00:01:07 pairs=2 announces=0 status=ACKNOWLEDGE|DRIVER|DRIVER_OK|FEATURES_OK outstanding=0", log[len(log)-1])
	_ = b
}

func TestLinkAndAnnounce(t *testing.T) {
	b, d := probed(t, 9, 9)
	b.port.SetLinkUp(false)
	b.backend()
	b.drain(d)
	exec(t, d, "read-config")
	assert.Contains(t, d.Log()[len(d.Log())-1], "link=down")
	b.port.SetLinkUp(true)
	b.port.RequestAnnounce()
	b.backend()
	b.drain(d)
	exec(t, d, "wait")
	b.drain(d)
	assert.Zero(t, d.announces-1, "one announce")
	assert.False(t, d.pendingAnnounce, "the ANNOUNCE_ACK was used")
	tx := b.link.Transmitted()
	require.Len(t, tx, 1)
	_, flow, ok := ParseFrame(tx[0].Frame.Data)
	require.True(t, ok)
	assert.Equal(t, uint32(AnnounceFlow), flow)
	exec(t, d, "read-config")
	assert.False(t, slices.ContainsFunc(d.Failed, func(s string) bool { return true }))
	assert.Contains(t, d.Log()[len(d.Log())-1], "link=up")
}

func TestExecRejects(t *testing.T) {
	_, d := probed(t, 9, 9)
	assert.Error(t, d.Exec(scenario.Op{Verb: "fly"}))
	assert.Error(t, d.Exec(scenario.Op{Verb: "send", Args: []scenario.Arg{kv("n", "0")}}))
	assert.EqualError(t, d.Exec(scenario.Op{Verb: "send", Args: []scenario.Arg{kv("q", "8")}}), "send: q=8: want a number 0..7")
	assert.EqualError(t, d.Exec(scenario.Op{Verb: "send", Args: []scenario.Arg{kv("q", "4")}}),
		"send: q=4: the scenario's queues 9 give the driver 4 queue pairs (q=0..3)")
	assert.Empty(t, d.Failed, "refused when it binds, before the driver does anything")
}

func TestFrameRoundTrip(t *testing.T) {
	f := Frame([6]byte{2, 0, 0, 0, 0, 1}, 42, 9, 60)
	seq, flow, ok := ParseFrame(f)
	require.True(t, ok)
	assert.Equal(t, uint64(42), seq)
	assert.Equal(t, uint32(9), flow)
	_, _, ok = ParseFrame(f[:20])
	assert.False(t, ok)
	_ = membernet.DefaultMTU
}

func TestRecv(t *testing.T) {
	b, d := probed(t, 9, 9)
	for range 3 {
		b.port.Arrive(b.link.Frame(b.link.MAC(), 0, -1, 80))
	}
	b.backend()
	exec(t, d, "recv", kv("n", "2"))
	exec(t, d, "recv", kv("n", "2"))
	assert.Equal(t, []string{"recv: 2 frames", "recv: 1 of 2 frames"}, d.Log()[len(d.Log())-2:])
}
