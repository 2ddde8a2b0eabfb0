package catalog

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/engine"
)

// TestPlaceReplay drives the replay that keeps each actor's place on toy
// decisions: recorded steps of actors absent here are passed over, a
// destination VF's steps are its source namesake's, an unrecorded step
// keeps its actor's place, and ties and the end fall back
// deterministically.
func TestPlaceReplay(t *testing.T) {
	// The actors of the world the replay runs in, by id.
	here := []string{"vcpu0", "hv", "p", "src.vf1", "dst.pf"}
	type dec struct {
		prev    int
		enabled []engine.Step
		want    int
	}
	st := func(actor int, label string) engine.Step { return engine.Step{Actor: actor, Label: label} }
	for _, tc := range []struct {
		name          string
		names, labels []string
		decs          []dec
	}{
		{"the hypervisor's steps are passed over, the others keep their order",
			[]string{"vcpu0", "hv", "hv", "p", "vcpu0"},
			[]string{"vcpu0:a", "hv:precheck dst", "hv:halt-vcpus", "p:kick", "vcpu0:b"},
			[]dec{
				{-1, []engine.Step{st(2, "p:kick"), st(0, "vcpu0:a")}, 1},
				// A lenient replay by index would look for hv:precheck dst here
				// and continue vcpu0; p's kick comes first in the recording.
				{0, []engine.Step{st(0, "vcpu0:b"), st(2, "p:kick")}, 1},
				{2, []engine.Step{st(0, "vcpu0:b")}, 0},
			}},
		{"a destination VF's steps are the source VF's",
			[]string{"vcpu0", "dst.vf1", "dst.vf1", "vcpu0"},
			[]string{"vcpu0:notify", "dst.vf1:fetch(q0)", "dst.vf1:complete(q0)", "vcpu0:flr"},
			[]dec{
				{-1, []engine.Step{st(0, "vcpu0:notify")}, 0},
				{0, []engine.Step{st(0, "vcpu0:flr"), st(3, "src.vf1:fetch(q0)")}, 1},
				{3, []engine.Step{st(0, "vcpu0:flr"), st(3, "src.vf1:complete(q0)")}, 1},
				{3, []engine.Step{st(0, "vcpu0:flr")}, 0},
			}},
		{"a PF keeps its host",
			[]string{"dst.pf", "vcpu0"},
			[]string{"dst.pf:admin(tag 0)", "vcpu0:a"},
			[]dec{{-1, []engine.Step{st(0, "vcpu0:a"), st(4, "dst.pf:admin(tag 0)")}, 1}}},
		{"an unrecorded step ranks at its actor's next step and keeps its place",
			[]string{"vcpu0", "p", "vcpu0"},
			[]string{"vcpu0:a", "p:kick", "vcpu0:b"},
			[]dec{
				{-1, []engine.Step{st(2, "p:kick"), st(0, "vcpu0:poll")}, 1}, // rank 0 by actor
				{0, []engine.Step{st(2, "p:kick"), st(0, "vcpu0:a")}, 1},     // vcpu0 still at its first
				{0, []engine.Step{st(2, "p:kick"), st(0, "vcpu0:b")}, 0},     // rank 1 < 2
				{2, []engine.Step{st(0, "vcpu0:b")}, 0},
			}},
		{"a label further on moves the actor past the steps before it",
			[]string{"vcpu0", "vcpu0", "p", "vcpu0"},
			[]string{"vcpu0:a", "vcpu0:b", "p:kick", "vcpu0:c"},
			[]dec{
				{-1, []engine.Step{st(2, "p:kick"), st(0, "vcpu0:b")}, 1}, // rank 1 by label
				{0, []engine.Step{st(2, "p:kick"), st(0, "vcpu0:a")}, 0},  // rank 2 < vcpu0's 3, by actor: no vcpu0:a at its place
			}},
		{"by label before by actor at one rank, then the previous actor, then enabled order",
			[]string{"src.vf1", "p"},
			[]string{"src.vf1:fetch(q1)", "p:kick"},
			[]dec{
				{-1, []engine.Step{st(3, "src.vf1:fetch(q0)"), st(3, "src.vf1:fetch(q1)")}, 1},
				{-1, []engine.Step{st(3, "src.vf1:x"), st(2, "p:kick")}, 1},
			}},
		{"no step with a rank: continue the previous actor, else the first",
			[]string{"hv", "vcpu0"},
			[]string{"hv:switchover dst", "vcpu0:a"},
			[]dec{
				{-1, []engine.Step{st(0, "vcpu0:a")}, 0},
				{0, []engine.Step{st(2, "p:x"), st(0, "vcpu0:z")}, 1},
				{0, []engine.Step{st(2, "p:x"), st(3, "src.vf1:y")}, 0},
			}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newPlaceReplay(tc.names, tc.labels, func(actor int) string { return here[actor] })
			for i, d := range tc.decs {
				got, err := r.Choose(&engine.Decision{Index: i, Prev: d.prev, Enabled: d.enabled})
				require.NoError(t, err)
				assert.Equal(t, d.want, got, "decision %d: picked %q", i, d.enabled[got].Label)
			}
		})
	}
}

// TestWithoutMigrationName: a destination's VFs and bus lanes are their
// source namesakes; every other actor is itself.
func TestWithoutMigrationName(t *testing.T) {
	for in, want := range map[string]string{
		"dst.vf1": "src.vf1", "dst2.vf12": "src.vf12", "bus.dst.00:01.0": "bus.src.00:01.0",
		"src.vf1": "src.vf1", "dst.pf": "dst.pf", "hv": "hv", "vcpu0": "vcpu0", "dstpeer": "dstpeer",
	} {
		assert.Equal(t, want, withoutMigrationName(in), in)
	}
}

// TestRaceCaveat_RacyGuestFindingSchedule: a write racing its own FLR,
// found while the VM migrates, is shown by the finding's own schedule
// replayed without migration: the replay passes over the hypervisor's and
// the owners' steps and lets the source's VF take the destination's, so
// the guest and its device interleave as in the finding, and the run
// differs from the reference as the finding did.
func TestRaceCaveat_RacyGuestFindingSchedule(t *testing.T) {
	racy, _ := racyAndCalm(t)
	s := writeScenario(t, "racy.scn", racy)
	o, err := Judge(context.Background(), s, s.Expect[0], JudgeConfig{Jobs: 1})
	require.NoError(t, err)
	require.Equal(t, "transparent", o.GotOracle)
	assert.Equal(t, RaceEvidenceFinding, o.CaveatEvidence, o.Caveat)
	assert.Contains(t, o.Caveat, "gives the same difference from the run without migration")
	assert.Contains(t, o.Caveat, "this transparent finding is that race, not the migration")
	assert.Regexp(t, `\(seed \d+; \d+ recorded steps with no counterpart without migration passed over\)`, o.Caveat,
		"the migration's steps are passed over")
}
