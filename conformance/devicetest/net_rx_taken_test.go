package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// usedRingGate drops the writes to receiveq1's used ring while shut: a
// device whose write-back at the stop leaves the receive queues out.
type usedRingGate struct {
	pcie.MemoryPort
	shut bool
}

func (m *usedRingGate) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	l := harness.RingAt(0)
	if m.shut && addr >= l.Used && addr < l.Used+0x1000 {
		return nil
	}
	return m.MemoryPort.WriteMem(rid, addr, data)
}

// rxWriteBackSkipper shuts its gate while it handles DEV_MODE_SET.
type rxWriteBackSkipper struct {
	member.Device
	gate *usedRingGate
}

func (d *rxWriteBackSkipper) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && (ev.Admin.Opcode == uint16(spec.OpDevModeSet) || ev.Admin.Opcode == uint16(spec.DraftOpDevModeSet)) {
		d.gate.shut = true
		defer func() { d.gate.shut = false }()
	}
	return d.Device.Handle(ev)
}

// TestNetRxFilledAtStop: the reference uses a receive buffer it has
// filled before DEV_MODE_SET stopped completes (virtio-1.4) or lists it in
// NET_INFLIGHT (draft-2023), and the frame reaches the guest once. A
// device whose write-back at the stop leaves receiveq1 out loses the frame
// (DP-DEV-09); one that records nothing in NET_INFLIGHT (reexec=all, the
// draft as written) leaves the destination waiting for another frame
// (DRAFT-CTX-09).
func TestNetRxFilledAtStop(t *testing.T) {
	skipper := func(c member.Config) member.Device {
		g := &usedRingGate{MemoryPort: c.Mem}
		c.Mem = g
		return &rxWriteBackSkipper{Device: membernet.New(c), gate: g}
	}
	reexecAll, err := spec.ParseRules(spec.Draft2023, []string{"reexec=all"})
	require.NoError(t, err)
	for _, tc := range []struct {
		name  string
		ed    spec.Edition
		rules spec.Rules
		f     member.Factory
		reqs  [][]string
		msgs  []string
	}{
		{"reference", spec.Virtio14, spec.DefaultRules(spec.Virtio14), membernet.New, nil, nil},
		{"reference", spec.Draft2023, spec.DefaultRules(spec.Draft2023), membernet.New, nil, nil},
		{"skips-rx-write-back", spec.Virtio14, spec.DefaultRules(spec.Virtio14), skipper,
			[][]string{{"DP-DEV-09"}, {"DP-DEV-09"}},
			[]string{
				"the receive buffer (head 0), into which the device wrote a 100-byte frame, is not in receiveq1's used ring when DEV_MODE_SET stopped completed: a destination takes the buffer again from the avail ring and the frame is lost",
				"receiveq1's used index once the destination ran: 0, want 1 (the filled receive buffer, once)",
			}},
		{"reexec-all", spec.Draft2023, reexecAll, membernet.New,
			[][]string{{"DRAFT-CTX-09"}, {"DRAFT-CTX-09"}},
			[]string{
				"the receive buffer (head 0) holds a frame and is device-owned, but NET_INFLIGHT does not list it as executed: a destination would wait for another frame to write into it, and this one is lost",
				"receiveq1's used index once the destination ran: 0, want 1 (the filled receive buffer, once)",
			}},
	} {
		t.Run(tc.name+"/"+tc.ed.String(), func(t *testing.T) {
			var unit Test
			for _, dt := range netRxTakenTests() {
				if dt.AppliesTo(tc.ed) {
					unit = dt
				}
			}
			c := runCheck(unit, tc.ed, tc.rules, tc.f, extdevice.TypeNet)
			require.NoError(t, c.Fatal)
			reqs, msgs := splitFailures(c.Fails)
			assert.Equal(t, tc.reqs, reqs, "%q", msgs)
			assert.Equal(t, tc.msgs, msgs)
			if tc.reqs == nil {
				assert.Positive(t, c.Asserted, "the reference passes on checks, not on none")
			}
		})
	}
}
