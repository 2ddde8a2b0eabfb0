package trace

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/record"
)

// TestQuiescedWrites: the steps a report adds for a finding that involves
// a member are the latest write TLPs of other actors that reached it
// while its mode was quiesced (the trace's state records), up to the
// finding's step: not reads, not its own TLPs, not writes while it ran,
// not another member's, not past the finding; at most three a member.
func TestQuiescedWrites(t *testing.T) {
	state := func(step int, fn string, m spec.Mode) record.TraceEvent {
		return record.TraceEvent{Step: step, Kind: record.TraceState, Host: fn[:3], Target: fn[4:], From: fn, To: fn,
			State: record.TraceMemberState{Mode: m}}
	}
	tlp := func(step int, from, to string, k pcie.TLPKind) record.TraceEvent {
		return record.TraceEvent{Step: step, Kind: record.TraceTLP, From: from, To: to, TLP: pcie.TLP{Kind: k}}
	}
	events := []record.TraceEvent{
		tlp(1, "vcpu0", "src.vf1", pcie.MemWrite), // running: not listed
		state(2, "src.vf1", spec.ModeStop),
		tlp(3, "vcpu0", "src.vf1", pcie.MemRead),    // a read
		tlp(3, "src.vf1", "vcpu0", pcie.Completion), // its completion
		tlp(4, "vcpu0", "src.vf2", pcie.MemWrite),   // another member
		tlp(5, "vcpu0", "src.vf1", pcie.MemWrite),
		tlp(5, "vcpu0", "src.vf1", pcie.MemWrite), // the same step once
		tlp(6, "hv", "src.vf1", pcie.CfgWrite),
		state(7, "src.vf1", spec.ModeFreeze),
		tlp(8, "peer", "src.vf1", pcie.MemWrite),
		tlp(9, "vcpu0", "src.vf1", pcie.MemWrite),
		state(10, "src.vf1", spec.ModeActive),
		tlp(11, "vcpu0", "src.vf1", pcie.MemWrite), // running again
		state(12, "src.vf1", spec.ModeStop),
		tlp(14, "vcpu0", "src.vf1", pcie.MemWrite), // past the finding
	}
	for _, tc := range []struct {
		name   string
		actors []string
		want   []int
	}{
		{"the latest three", []string{"hv", "src.vf1", "vcpu0"}, []int{6, 8, 9}},
		{"no member", []string{"hv", "vcpu0"}, nil},
		{"a member no write reached while quiesced", []string{"src.vf2"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := &engine.Finding{Oracle: "frozen-context", Step: 12, Actors: tc.actors} // shown as step 13
			assert.Equal(t, tc.want, quiescedWrites(f, events))
		})
	}
}
