package mutants_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/conformance/mutants"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/scenario"
)

// kitDevice is the device the kit judges c's row with: mutant m around
// the reference of the row's device type (a bug of any device wraps
// either; a virtio-net mutant the virtio-net reference), so that the row
// is not skipped as another type's.
func kitDevice(t *testing.T, c catch, m mutants.Mutant) conformance.Device {
	t.Helper()
	s, e := row(t, c)
	if m.Device == mutants.DeviceNet || scenario.VFDevice(s.Settings, e.Settings) == extdevice.TypeNet {
		return conformance.NetFactoryDevice(c.mutant, m.Factory(membernet.New))
	}
	return conformance.FactoryDevice(c.mutant, m.Factory(blk.New))
}

// assertRequirementViewFails checks that rep, the kit's report on a
// mutant that is caught, fails the run (or warns: a mutant that breaks a
// SHOULD alone) and shows every failure of its failed or warned units in
// the requirement view, so that the view never looks clean while units
// fail: a failure names a requirement whose verdict is fail (or warn, a
// SHOULD), or is among the failures that charge none (Report.Uncharged,
// the requirement table's "(none)" line) with why.
func assertRequirementViewFails(t *testing.T, rep *conformance.Report) {
	t.Helper()
	warned := slices.ContainsFunc(rep.Units, func(u *conformance.Unit) bool { return u.Verdict == "warn" })
	if !assert.True(t, rep.Failed() || warned, "the kit does not catch it") {
		return
	}
	shown := map[string]bool{}
	for _, q := range rep.Requirements {
		shown[q.ID] = q.Verdict == "fail" || q.Verdict == "warn"
	}
	viewed := 0
	for _, u := range rep.Units {
		if u.Verdict != "fail" && u.Verdict != "set-up failed" && u.Verdict != "warn" {
			continue
		}
		for _, f := range u.Failures {
			if len(f.Requirements) == 0 {
				assert.NotEmpty(t, f.Uncharged, "%s: why it charges none", u.Name)
				assert.True(t, slices.ContainsFunc(rep.Uncharged, func(x conformance.Failure) bool {
					return x.Row == f.Row && x.Message == f.Message
				}), "%s: a failure that charges none is listed apart: %s", u.Name, f)
				viewed++
				continue
			}
			for _, id := range f.Requirements {
				assert.True(t, shown[id], "%s: %s does not fail for %s", u.Name, id, f)
			}
			viewed++
		}
	}
	assert.Positive(t, viewed, "no failure in the requirement view")
	failed := slices.ContainsFunc(rep.Requirements, func(q conformance.RequirementResult) bool { return q.Verdict == "fail" || q.Verdict == "warn" })
	assert.True(t, failed || len(rep.Uncharged) > 0, "the requirement view shows no failure")
}
