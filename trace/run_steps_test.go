package trace

import (
	"bytes"
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
