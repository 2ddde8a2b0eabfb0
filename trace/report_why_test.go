package trace

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/world/record"
)

// TestWriteWhy: the Why section lists each ordering with its labels (and
// the oracle a reversed run fired instead, with its message when it is
// the finding's own oracle for another reason), or says why there is none.
func TestWriteWhy(t *testing.T) {
	finding := engine.Result{Finding: &engine.Finding{Oracle: "frozen-context"}}
	cases := []struct {
		name string
		r    Report
		want []string
		not  []string
	}{
		{"no finding", Report{}, []string{"## Why\n\nNothing to explain: the run ends without a finding.\n\n"}, []string{"- step "}},
		{"not explained", Report{Result: finding, WhyNone: "not explained (--explain-runs 0)"},
			[]string{"## Why\n\nNot explained (--explain-runs 0).\n\n"}, []string{"- step ", "An ordering names"}},
		{"no ordering", Report{Result: finding, Why: &Why{Moved: true, Text: "no ordering of two steps found: every move kept the finding (each of 9 steps moved both ways, 20 runs)"}},
			[]string{"## Why\n\nNo ordering of two steps found: every move kept the finding (each of 9 steps moved both ways, 20 runs).\n\nAn ordering names"},
			[]string{"- step "}},
		{"nothing moved", Report{Result: finding, Why: &Why{Text: "not explained: interrupted before one step was moved both ways (0 runs)"}},
			[]string{"## Why\n\nNot explained: interrupted before one step was moved both ways (0 runs).\n\n"},
			[]string{"- step ", "An ordering names"}},
		{"two orderings", Report{Result: finding, Why: &Why{Moved: true, Text: "2 orderings decide it", Orders: []WhyOrder{
			{Before: 3, After: 7, BeforeLabel: "vcpu0:mmio-write device_status=00", AfterLabel: "hv:resume-vcpus"},
			{Before: 5, After: 6, BeforeLabel: "src.pf:admin(tag 0)", AfterLabel: "src.vf1:finish-reset", Instead: "live"},
		}}},
			[]string{"2 orderings decide it.\n\n" +
				"- step 4 `vcpu0:mmio-write device_status=00` before step 8 `hv:resume-vcpus`\n" +
				"- step 6 `src.pf:admin(tag 0)` before step 7 `src.vf1:finish-reset` (reversed: `live` instead)\n\n" +
				"An ordering names two steps"}, nil},
		{"another reason", Report{Result: finding, Why: &Why{Moved: true, Text: "1 ordering decides it", Orders: []WhyOrder{
			{Before: 3, After: 7, BeforeLabel: "vcpu0:notify+0", AfterLabel: "hv:resume-vcpus", Instead: "frozen-context",
				InsteadMessage: "src.vf1: device context changed in Freeze"},
		}}},
			[]string{"- step 4 `vcpu0:notify+0` before step 8 `hv:resume-vcpus` " +
				"(reversed: `frozen-context` instead, for another reason: src.vf1: device context changed in Freeze)\n"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var b strings.Builder
			writeWhy(&b, &c.r)
			for _, w := range c.want {
				assert.Contains(t, b.String(), w)
			}
			for _, n := range c.not {
				assert.NotContains(t, b.String(), n)
			}
		})
	}
}

// TestStepAdmin: the admin commands completed in a scheduler step come
// from the trace events of the next trace step (the world numbers them
// from 1), several joined; a step that completed none gets nothing; a
// command completed in a step of another actor than its PF (the fixture's
// trace step 5 is peer0's) names the PF; a step that started a
// function's FLR names it, since its label is a configuration write.
func TestStepAdmin(t *testing.T) {
	events := exportFixture() // admin commands at trace steps 4 and 5 (failed)
	admin := map[int]record.TraceEvent{}
	for _, e := range events {
		if e.Kind == record.TraceAdmin {
			admin[e.Step] = e
		}
	}
	require.Len(t, admin, 2)
	twice := append(exportFixture(), admin[4])
	// src.vf1's FLR starts in scheduler step 1 (trace step 2) and is still
	// in progress in step 2; src.vf2's starts in step 3.
	state := func(step int, target string, pending bool) record.TraceEvent {
		return record.TraceEvent{Step: step, Kind: record.TraceState, Host: "src", Target: target, Who: "vcpu0",
			State: record.TraceMemberState{FLRPending: pending}}
	}
	flr := []record.TraceEvent{state(1, "vf1", false), state(2, "vf1", true), state(3, "vf1", true),
		state(3, "vf2", false), state(4, "vf2", true)}
	one := SummarizeAdmin(admin[4].Edition, admin[4].Admin, admin[4].AdminResult).String()
	failed := SummarizeAdmin(admin[5].Edition, admin[5].Admin, admin[5].AdminResult).String()
	require.Contains(t, one, "DEV_MODE_SET")
	require.Contains(t, failed, "EINVAL")
	cases := []struct {
		name   string
		events []record.TraceEvent
		step   int
		want   string
	}{
		{"completed in scheduler step 3", events, 3, " (" + one + ")"},
		{"a failed command, in peer0's step", events, 4, " (src.pf: " + failed + ")"},
		{"none", events, 2, ""},
		{"the trace step itself is not the scheduler step", events, 5, ""},
		{"two in one step", twice, 3, " (" + one + "; " + one + ")"},
		{"an FLR started", flr, 1, " (src.vf1: FLR started)"},
		{"an FLR in progress, started before", flr, 2, ""},
		{"another function's FLR", flr, 3, " (src.vf2: FLR started)"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			assert.Equal(t, c.want, StepAdmin(c.events, c.step))
		})
	}
}
