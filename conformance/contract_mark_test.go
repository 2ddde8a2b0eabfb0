package conformance_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
	"github.com/migsim/migsim/world/guard"
)

// posingPanic is the text a panicsOnKick device panics with: it reads
// like the world's member-contract panic, but it is a plain string.
const posingPanic = "world: " + guard.MemberContract + `src.vf1 changed its mode from Stop to Active on "vcpu0:mmio-write notify+4=0100", which only the owner's mode commands and an FLR do`

// panicsOnKick is a device that panics when its driver notifies it (while
// stopped, or at any time): code of the simulator's process that broke,
// whose message happens to read like the guard's, not a member that broke
// the member contract (the guard's typed panic).
type panicsOnKick struct {
	member.Device
	notify      uint64
	onlyStopped bool
}

func (d panicsOnKick) Handle(ev member.Event) member.Effects {
	if notified(ev, d.notify) && (!d.onlyStopped || d.Device.Status().Mode == spec.ModeStop) {
		panic(posingPanic)
	}
	return d.Device.Handle(ev)
}

// TestContract_TextIsNotTheMark: a panic whose text reads like the
// member-contract panic, but which is not the guard's breach, fails its
// row as the simulator's panic — check "catalog row", oracle panic — in
// an exploration and in the run without migration alike, never as the
// device's broken contract; its counterexample's finding is not marked.
func TestContract_TextIsNotTheMark(t *testing.T) {
	for _, tc := range []struct {
		name        string
		onlyStopped bool
		file        bool
	}{
		{"a kick while stopped, in an exploration", true, true},
		{"any kick, in the run without migration", false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := func(c member.Config) member.Device {
				return panicsOnKick{blk.New(c), c.BAR0 + pcie.BAR0Notify, tc.onlyStopped}
			}
			rep, err := conformance.Check(conformance.FactoryDevice("builtin:panics-on-kick", f), conformance.Short(),
				conformance.Parts(false, true), conformance.Scenarios("kick-during-stop"), conformance.Editions(spec.Draft2023),
				conformance.ReplayDir(t.TempDir()))
			require.NoError(t, err)
			require.True(t, rep.Failed())
			found := 0
			for _, u := range rep.Units {
				for _, fl := range u.Failures {
					assert.NotEqual(t, "device contract", fl.Check, "unit %s: %s", u.Name, fl.Message)
					assert.NotContains(t, fl.Message, "the device broke the member contract", "unit %s", u.Name)
					if fl.Check != "catalog row" || fl.Oracle != engine.OraclePanic {
						continue
					}
					found++
					assert.Contains(t, fl.Message, posingPanic, "unit %s", u.Name)
					assert.NotEmpty(t, fl.Requirements, "unit %s: the row's failure charges its requirements", u.Name)
					if !tc.file {
						continue
					}
					require.NotEmpty(t, fl.Schedule, "unit %s", u.Name)
					sc, err := catalog.ReadScheduleFile(fl.Schedule)
					require.NoError(t, err)
					require.NotNil(t, sc.Finding)
					assert.False(t, sc.Finding.MemberContract, "unit %s: the file's finding is not marked", u.Name)
				}
			}
			assert.Positive(t, found, "a unit fails on the simulator's panic")
		})
	}
}

// TestContract_MarkSurvives: the guard's breach of a device that resumes
// itself on a kick while stopped reaches every path the kit takes with
// its mark: the row's failure (check "device contract"), the
// counterexample's file (its finding marked member_contract), and the
// file's strict replay, whose finding is marked and whose charge is none
// for the broken contract, as the report's.
func TestContract_MarkSurvives(t *testing.T) {
	f := func(c member.Config) member.Device {
		return resumesOnKick{blk.New(c), c.BAR0 + pcie.BAR0Notify, new(bool)}
	}
	d := conformance.FactoryDevice("builtin:changes-its-mode", f)
	rep, err := conformance.Check(d, conformance.Short(), conformance.Parts(false, true),
		conformance.Scenarios("kick-during-stop"), conformance.Editions(spec.Draft2023), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	files := 0
	for _, u := range rep.Units {
		for _, fl := range u.Failures {
			if fl.Schedule == "" {
				continue
			}
			files++
			assert.Equal(t, "device contract", fl.Check, "unit %s: %s", u.Name, fl.Message)
			assert.Equal(t, "the device broke the member contract: the row was not judged further", fl.Uncharged, "unit %s", u.Name)
			sc, err := catalog.ReadScheduleFile(fl.Schedule)
			require.NoError(t, err)
			require.NotNil(t, sc.Finding)
			assert.Equal(t, engine.OraclePanic, sc.Finding.Oracle, "unit %s", u.Name)
			assert.True(t, sc.Finding.MemberContract, "unit %s: the file's finding is marked", u.Name)
			r, err := conformance.ReplayRecorded(context.Background(), d, fl.Schedule, engine.RunConfig{}, 0)
			require.NoError(t, err, "unit %s", u.Name)
			require.NotNil(t, r.Result.Finding, "unit %s", u.Name)
			assert.True(t, r.Result.Finding.MemberContract, "unit %s: the replayed finding is marked", u.Name)
			require.NotNil(t, r.Charge, "unit %s", u.Name)
			assert.Equal(t, "the device broke the member contract: the row was not judged further", r.Charge.None, "unit %s", u.Name)
			assert.Empty(t, r.Charge.Charged, "unit %s", u.Name)
		}
	}
	assert.Positive(t, files, "a unit fails on the member contract with a counterexample")
}

// notified reports whether ev is the driver's write of a queue's
// doorbell, in the notify region at notify.
func notified(ev member.Event, notify uint64) bool {
	t := ev.TLP
	return ev.Kind == member.EvTLP && t.Kind == pcie.MemWrite && t.Addr >= notify && t.Addr < notify+pcie.BAR0NotifyLen
}
