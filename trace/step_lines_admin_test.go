package trace

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/world/record"
)

// TestDecodeStepLines_NamesAnotherPF: a PF's own admin step shows its
// commands alone; a hypervisor step that booted another host inline, whose
// first event is the hypervisor's, shows that host's commands after their
// PF, which its label does not name.
func TestDecodeStepLines_NamesAnotherPF(t *testing.T) {
	var cmd record.TraceEvent
	for _, e := range exportFixture() {
		if e.Kind == record.TraceAdmin {
			cmd = e
			break
		}
	}
	require.NotEmpty(t, cmd.Admin)
	one := SummarizeAdmin(cmd.Edition, cmd.Admin, cmd.AdminResult).String()
	at := func(step int, e record.TraceEvent) record.TraceEvent { e.Step = step; return e }
	own := at(2, cmd)
	own.Who, own.To = "src.pf", "src.pf"
	inline := at(3, cmd)
	inline.Who, inline.To, inline.Host = "dst.pf", "dst.pf", "dst"
	events := []record.TraceEvent{
		{Step: 2, Kind: record.TraceStep, Who: "src.pf", Host: "src", Target: "pf"},
		own,
		{Step: 3, Kind: record.TraceTLP, Who: "hv", From: "hv", To: "dst.pf"},
		{Step: 3, Kind: record.TraceStep, Who: "dst.pf", Host: "dst", Target: "pf"},
		inline,
	}
	text := "2 t=0s src.pf src.pf:admin(tag 0)\n3 t=0s hv hv:src wait-admin\n"
	want := "2 t=0s src.pf src.pf:admin(tag 0) (" + one + ")\n3 t=0s hv hv:src wait-admin (dst.pf: " + one + ")\n"
	assert.Equal(t, want, DecodeStepLines(text, events))
	assert.Equal(t, " ("+one+")", StepAdmin(events, 1), "scheduler step 1 is trace step 2")
	assert.Equal(t, " (dst.pf: "+one+")", StepAdmin(events, 2))
}
