package trace

import (
	"bytes"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/internal/runtrace"
	"github.com/migsim/migsim/world/record"
)

// TestStepLog reads what the engine's trace writer writes, split across
// writes anywhere, clock lines skipped; a line of another shape is an
// error.
func TestStepLog(t *testing.T) {
	var text bytes.Buffer
	tw := runtrace.NewWriter(&text)
	tw.Step(1, 0, "vcpu0", "vcpu0:cfg-read 0x34/1")
	tw.Clock(10_000_000)
	tw.Step(2, 10_000_000, "hv", "hv:halt-vcpus")
	tw.Step(3, 10_000_000, "src.pf", "src.pf:admin(tag 0) (DEV_MODE_SET SR-IOV member 1 mode=Stop: OK)")
	require.NoError(t, tw.Err())
	want := []RunStep{
		{1, 0, "vcpu0", "vcpu0:cfg-read 0x34/1"},
		{2, engine.VTime(10_000_000), "hv", "hv:halt-vcpus"},
		{3, engine.VTime(10_000_000), "src.pf", "src.pf:admin(tag 0) (DEV_MODE_SET SR-IOV member 1 mode=Stop: OK)"},
	}
	for _, chunk := range []int{1, 7, text.Len()} {
		var l StepLog
		b := text.Bytes()
		for len(b) > 0 {
			n := min(chunk, len(b))
			_, err := l.Write(b[:n])
			require.NoError(t, err)
			b = b[n:]
		}
		assert.Equal(t, want, l.Steps, "written %d bytes at a time", chunk)
	}
	for _, bad := range []string{"x t=0s hv hv:a\n", "1 0s hv hv:a\n", "1 t=never hv hv:a\n", "1 t=0s hv\n"} {
		var l StepLog
		_, err := l.Write([]byte(bad))
		assert.Error(t, err, "%q", bad)
	}
}

// TestWriteTextSteps: a step that recorded no event gets a line in its
// place among the events, one that did gets none, and the steps after
// the last event follow it; WindowSteps keeps the steps of the window.
func TestWriteTextSteps(t *testing.T) {
	ev := func(step int, text string) record.TraceEvent {
		return record.TraceEvent{Step: step, Kind: record.TraceNote, Host: "src", Target: "pf", From: "src.pf", To: "src.pf", Text: text}
	}
	events := []record.TraceEvent{ev(0, "boot"), ev(2, "admin"), ev(2, "more"), ev(5, "late")}
	steps := []RunStep{
		{1, 0, "hv", "hv:precheck dst"},
		{2, 0, "hv", "hv:src pf mmio-write 0xd0003000=0000"},
		{3, 0, "hv", "hv:halt-vcpus"},
		{4, engine.VTime(1_000_000), "p2p", "p2p:signal kicked"},
		{5, engine.VTime(1_000_000), "src.pf", "src.pf:admin(tag 0)"},
		{6, engine.VTime(1_000_000), "hv", "hv:switchover dst"},
	}
	for _, tc := range []struct {
		name   string
		window int
		want   []string
	}{
		{"whole run", 0, []string{
			"0 t=0s note src.pf: boot",
			"1 t=0s step hv: precheck dst",
			"2 t=0s note src.pf: admin",
			"2 t=0s note src.pf: more",
			"3 t=0s step hv: halt-vcpus",
			"4 t=1ms step p2p: signal kicked",
			"5 t=0s note src.pf: late",
			"6 t=1ms step hv: switchover dst",
		}},
		{"last three steps", 3, []string{
			"4 t=1ms step p2p: signal kicked",
			"5 t=0s note src.pf: late",
			"6 t=1ms step hv: switchover dst",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sel, st := WindowSteps(events, steps, nil, tc.window)
			var out strings.Builder
			require.NoError(t, WriteTextSteps(&out, sel, st))
			assert.Equal(t, strings.Join(tc.want, "\n")+"\n", out.String())
		})
	}
	t.Run("up to the finding", func(t *testing.T) {
		sel, st := WindowSteps(events, steps, &engine.Finding{Oracle: "x", Step: 2}, 2)
		var out strings.Builder
		require.NoError(t, WriteTextSteps(&out, sel, st))
		assert.Equal(t, "2 t=0s note src.pf: admin\n2 t=0s note src.pf: more\n3 t=0s step hv: halt-vcpus\n", out.String())
	})
}

// quietStepText is the text export's line of a step that put nothing on the bus and
// recorded nothing else (a hypervisor's halt-vcpus, switchover,
// copy-memory or wait for an admin completion, a peer's or a guest's
// signal and await): the step line of the text export with the actor as
// the function and its label without the actor's prefix.
//
//	40 t=0s step hv: halt-vcpus
func quietStepText(s RunStep) string {
	label := strings.TrimPrefix(s.Label, s.Actor+":")
	return strconv.Itoa(s.Step) + " t=" + s.Time.String() + " step " + s.Actor + ": " + label
}

// Every step that recorded no event becomes, in EventsWithSteps, an event
// whose text export line (DescribeRecord) is the step's line, at its
// place in step order; every event is kept, in order.
func TestEventsWithStepsDescribeQuietSteps(t *testing.T) {
	quiet := 0
	for _, tr := range regressTraces(t) {
		all := EventsWithSteps(tr.events, tr.steps)
		recorded := map[int]bool{}
		for _, e := range tr.events {
			recorded[e.Step] = true
		}
		var want []string
		next := 0
		for _, s := range tr.steps {
			for ; next < len(tr.events) && tr.events[next].Step <= s.Step; next++ {
				r := RecordOf(tr.events[next])
				want = append(want, DescribeRecord(&r))
			}
			if !recorded[s.Step] {
				want = append(want, quietStepText(s))
				quiet++
			}
		}
		for ; next < len(tr.events); next++ {
			r := RecordOf(tr.events[next])
			want = append(want, DescribeRecord(&r))
		}
		got := make([]string, len(all))
		for i := range all {
			r := RecordOf(all[i])
			got[i] = DescribeRecord(&r)
		}
		require.Equal(t, want, got, tr.name)
	}
	assert.Positive(t, quiet, "no regression trace has a quiet step")
}
