package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// netUnits runs every virtio-net device test (NeedsNet) that applies to
// each edition on devices f builds, and returns the failures by unit
// ("<ID>/<edition>/<name>"), with the requirements each failure names.
func netUnits(t *testing.T, f member.Factory) map[string][]Failure {
	t.Helper()
	out := map[string][]Failure{}
	n := 0
	for _, e := range spec.Editions {
		for _, dt := range All() {
			if !dt.NeedsNet() || !dt.AppliesTo(e) {
				continue
			}
			n++
			res := Run(dt, e, spec.DefaultRules(e), f, extdevice.TypeNet)
			require.NoError(t, res.Fatal, dt.Unit(e))
			if len(res.Failures) > 0 {
				out[dt.Unit(e)] = res.Failures
			}
		}
	}
	require.Equal(t, 19, n, "the virtio-net device tests: the field list (draft-2023), the round trip, the taken frames, the filled receive buffer, the MAC table, its round trip, the control-queue state's and the multiqueue round trip, the status and the mtu after a move (both editions)")
	return out
}

// TestNetDeviceTests: the reference virtio-net passes every virtio-net
// device test; each virtio-net mutant that breaks what they judge fails
// the units of its bug, on the requirements listed, and nothing else.
func TestNetDeviceTests(t *testing.T) {
	assert.Empty(t, netUnits(t, membernet.New), "the reference virtio-net")
	for _, tc := range []struct {
		mutant string
		// units and the requirements their failures name.
		want map[string][]string
	}{
		// Its taken frame, executed and device-owned at the stop, is in
		// no NET_INFLIGHT either.
		{"renumbers-net-context-fields", map[string][]string{
			"DRAFT-CTX-09/draft-2023/net-context-fields":                  {"DRAFT-CTX-09"},
			"DRAFT-STOP-02/draft-2023/taken-frames-used-or-owned-at-stop": {"DRAFT-CTX-09"},
			// Its NET_CVQ, under its own number, holds no MAC table part
			// that a destination of another implementation would find.
			"DRAFT-CTX-09/draft-2023/net-mac-table-round-trip": {"DRAFT-CTX-09"},
			"DRAFT-CTX-09/draft-2023/net-cvq-state-round-trip": {"DRAFT-CTX-09"},
			// Nor the pairs in use.
			"DRAFT-CTX-09/draft-2023/net-mq-round-trip": {"DRAFT-CTX-09"},
			// Nor its filled receive buffer.
			"DRAFT-STOP-02/draft-2023/filled-rx-buffer-used-or-owned-at-stop": {"DRAFT-CTX-09"},
		}},
		{"writes-back-after-stop-reply", map[string][]string{
			"DP-DEV-09/virtio-1.4/stop-writes-back-taken-frames":          {"DP-DEV-09"},
			"DRAFT-STOP-02/draft-2023/taken-frames-used-or-owned-at-stop": {"DRAFT-STOP-02"},
			// Its filled receive buffer is not used when the stop completes
			// either.
			"DP-DEV-09/virtio-1.4/stop-writes-back-filled-rx-buffer":          {"DP-DEV-09"},
			"DRAFT-STOP-02/draft-2023/filled-rx-buffer-used-or-owned-at-stop": {"DRAFT-STOP-02"},
		}},
		// The destination, written the MAC TABLE_SET part, filters by an
		// empty table and reads it back empty.
		{"forgets-mac-table-on-restore", map[string][]string{
			"NET-PART-02/virtio-1.4/net-mac-table-round-trip": {"NET-PART-02"},
			"NET-PART-02/virtio-1.4/net-cvq-state-round-trip": {"NET-PART-02"},
		}},
		// The nak fails the test of the commands; the round trips, which
		// need the MAC table set, fail their set-up (no requirement).
		{"naks-mac-table", map[string][]string{
			"NET-DEV-06/draft-2023/net-ctrl-mac-table":         {"NET-DEV-06"},
			"NET-DEV-06/virtio-1.4/net-ctrl-mac-table":         {"NET-DEV-06"},
			"DRAFT-CTX-09/draft-2023/net-mac-table-round-trip": nil,
			"NET-PART-02/virtio-1.4/net-mac-table-round-trip":  nil,
			"DRAFT-CTX-09/draft-2023/net-cvq-state-round-trip": nil,
			"NET-PART-02/virtio-1.4/net-cvq-state-round-trip":  nil,
		}},
		{"dma-rx-while-stopped", nil},
	} {
		t.Run(tc.mutant, func(t *testing.T) {
			m, ok := mutants.Lookup(tc.mutant)
			require.True(t, ok)
			got := netUnits(t, m.Factory(membernet.New))
			var units []string
			for u := range got {
				units = append(units, u)
			}
			wantUnits := []string{}
			for u := range tc.want {
				wantUnits = append(wantUnits, u)
			}
			assert.ElementsMatch(t, wantUnits, units, "units failed")
			for u, fs := range got {
				for _, f := range fs {
					assert.Equal(t, tc.want[u], f.Requirements, "%s: %s", u, f.Message)
				}
			}
		})
	}
}

// TestNetContextFieldsMessage: a context without the virtio-net fields
// fails DRAFT-CTX-09 with a message that names each field, its number and
// what a destination loses.
func TestNetContextFieldsMessage(t *testing.T) {
	m, ok := mutants.Lookup("renumbers-net-context-fields")
	require.True(t, ok)
	dt := testNamed(t, "DRAFT-CTX-09", "net-context-fields")
	res := Run(dt, spec.Draft2023, spec.DefaultRules(spec.Draft2023), m.Factory(membernet.New), extdevice.TypeNet)
	require.Len(t, res.Failures, 4, "two fields missing from two full reads")
	var msgs []string
	for _, f := range res.Failures {
		msgs = append(msgs, f.Message)
	}
	all := strings.Join(msgs, "\n")
	// The fields it numbered its own way are named, so that the
	// implementer sees its numbers against the ones wanted.
	assert.Contains(t, all, "the full read in Active has 0 NET_CVQ fields (type 0x1000), want 1 (device-type fields it has instead: 0x1010, 0x1011): a destination would lose the control-queue state")
	assert.Contains(t, all, "the full read in Freeze has 0 NET_INFLIGHT fields (type 0x1001), want 1 (device-type fields it has instead: 0x1010, 0x1011): a destination would execute again")

	// The taken-frames test says the field is missing, not that it left
	// the frame out.
	dt = testNamed(t, "DRAFT-STOP-02", "taken-frames-used-or-owned-at-stop")
	res = Run(dt, spec.Draft2023, spec.DefaultRules(spec.Draft2023), m.Factory(membernet.New), extdevice.TypeNet)
	require.NoError(t, res.Fatal)
	require.NotEmpty(t, res.Failures)
	assert.Equal(t, "frame 1 (head 0) is on the wire and its buffer device-owned, but the context has no NET_INFLIGHT field (type 0x1001) to list it: a destination would send it again",
		res.Failures[0].Message)
}

// TestNetTakenFramesSentOnce: under reexec=all (the draft's "in-flight
// descriptors are re-executed" as written) the reference records nothing
// in NET_INFLIGHT, so the frame it sent before the stop is sent again by
// the destination: the taken-frames test says so at the stop and after
// the move, on DRAFT-CTX-09.
func TestNetTakenFramesSentOnce(t *testing.T) {
	dt := testNamed(t, "DRAFT-STOP-02", "taken-frames-used-or-owned-at-stop")
	rules, err := spec.ParseRules(spec.Draft2023, []string{"reexec=all"})
	require.NoError(t, err)
	res := Run(dt, spec.Draft2023, rules, membernet.New, extdevice.TypeNet)
	require.NoError(t, res.Fatal)
	var msgs []string
	for _, f := range res.Failures {
		assert.Equal(t, []string{"DRAFT-CTX-09"}, f.Requirements, f.Message)
		msgs = append(msgs, f.Message)
	}
	assert.Equal(t, []string{
		"frame 1 (head 0) is on the wire and its buffer device-owned, but NET_INFLIGHT does not list it: a destination would send it again",
		"frame 1 is on the wire 2 times once the destination ran: sent again",
	}, msgs)
}

// TestNetCtrlTestsSkipWithoutControlQueue: a virtio-net device that offers
// no control queue (one built with two queues, whatever num_queues the
// test asks for) skips every test of the control queue, judging nothing,
// and says which feature it lacks.
func TestNetCtrlTestsSkipWithoutControlQueue(t *testing.T) {
	noCtrl := func(c member.Config) member.Device {
		c.NumQueues = 2 // an even num_queues: no control queue, no CTRL_VQ
		return membernet.New(c)
	}
	n := 0
	for _, e := range spec.Editions {
		for _, dt := range append(netCtrlTests(), netCVQStateTests()...) {
			if !dt.AppliesTo(e) {
				continue
			}
			n++
			res := Run(dt, e, spec.DefaultRules(e), noCtrl, extdevice.TypeNet)
			require.NoError(t, res.Fatal, dt.Unit(e))
			assert.Empty(t, res.Failures, dt.Unit(e))
			assert.Equal(t, "the device (num_queues 3) does not offer VIRTIO_NET_F_CTRL_VQ, which the test's control commands need", res.Skipped, dt.Unit(e))
		}
	}
	assert.Equal(t, 6, n, "the MAC table test in both editions, its round trip and the control-queue state's in each")
}
