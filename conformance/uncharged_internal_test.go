package conformance

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/devicetest"
	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
)

// TestUncharged: every failure of a failed unit (fail or set-up failed)
// that names no requirement is listed apart with why it charges none,
// whatever its check — a catalog row's finding with the charge's own
// reason, the device's protocol error, fault, non-determinism or broken
// contract, a set-up that failed, an EINVAL qualifier, the run without
// migration — and a failure that charges a requirement, or a warned
// unit's, is not; the text report counts them on the summary line and
// ends the requirement table with them.
func TestUncharged(t *testing.T) {
	const unit = "row/a"
	for _, tc := range []struct {
		name    string
		verdict string
		fs      []Failure
		want    []string // why each listed failure charges none
	}{
		{"a charge with its reason", verdictFail, []Failure{{Check: "catalog row", Oracle: "gave-up", Uncharged: noneProgram}}, []string{noneProgram}},
		{"a gave-up finding not charged", verdictFail, []Failure{{Check: "catalog row", Oracle: "gave-up"}}, []string{noneOutsideCatalog}},
		{"a protocol error", verdictFail, []Failure{{Check: checkProtocol}}, []string{"the device broke the protocol: its run was judged on no requirement"}},
		{"a fault", verdictFail, []Failure{{Check: checkFault}}, []string{"the device faulted (it asked for what no device may do): its run was judged on no requirement"}},
		{"not deterministic", verdictFail, []Failure{{Check: checkDeterminism}}, []string{"the device is not deterministic: a finding of its runs says nothing of the spec"}},
		{"a broken contract", verdictFail, []Failure{{Check: checkContract}}, []string{"the device broke the member contract: the row was not judged further"}},
		{"a set-up that failed", verdictSetUp, []Failure{{Check: checkSetUp, Step: "DEV_MODE_SET stopped"}},
			[]string{"the test could not be set up (DEV_MODE_SET stopped failed): its requirement was not reached"}},
		{"an EINVAL qualifier", verdictFail, []Failure{{Check: devicetest.CheckQualifier}},
			[]string{"an EINVAL qualifier outside EINVAL's: no requirement binds a member's qualifier"}},
		{"the run without migration", verdictFail, []Failure{{Check: checkGaveUp}},
			[]string{"the device fails the guest without any migration: behaviour outside the catalog's requirements"}},
		{"a device that could not be opened", verdictFail, []Failure{{Check: checkOpen}},
			[]string{"the device could not be opened: nothing of the unit was judged"}},
		{"another check", verdictFail, []Failure{{Check: "device test"}}, []string{"no requirement of the catalog binds what device test saw"}},
		{"a charged failure beside one", verdictFail, []Failure{{Check: "device test", Requirements: []string{"PCI-DEV-02"}}, {Check: devicetest.CheckQualifier}},
			[]string{"an EINVAL qualifier outside EINVAL's: no requirement binds a member's qualifier"}},
		{"charged only", verdictFail, []Failure{{Check: "device test", Requirements: []string{"PCI-DEV-02"}}}, nil},
		{"a warned unit", verdictWarn, []Failure{{Check: "catalog row", Requirements: []string{"DP-DEV-04"}}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for i := range tc.fs {
				tc.fs[i].Row = unit
			}
			k := &kit{dev: FactoryDevice("builtin:x", nil), cfg: defaults(),
				units: []*Unit{{Kind: kindRow, Name: unit, Verdict: tc.verdict, Failures: tc.fs}}}
			rep := k.report()
			var got []string
			for _, f := range rep.Uncharged {
				assert.Empty(t, f.Requirements)
				got = append(got, f.Uncharged)
			}
			assert.Equal(t, tc.want, got)
			for _, f := range rep.Units[0].Failures {
				assert.Equal(t, len(f.Requirements) == 0, f.Uncharged != "", "the unit's failure says why it charges none: %+v", f)
			}
			var b strings.Builder
			assert.NoError(t, rep.WriteText(&b))
			first, _, _ := strings.Cut(b.String(), "\n")
			if tc.want == nil {
				assert.NotContains(t, b.String(), "no requirement of the catalog")
				assert.NotContains(t, b.String(), "\n(none) ")
				return
			}
			n := "1 failure of 1 unit charges no requirement of the catalog"
			assert.True(t, strings.HasSuffix(first, "; "+n), first)
			assert.Contains(t, b.String(), "\n(none)         -      Fail        "+n+":\n  "+unit+": "+tc.want[0]+"\n")
		})
	}
}

// TestUnchargedSummary counts the failures and their units.
func TestUnchargedSummary(t *testing.T) {
	for _, tc := range []struct {
		rows []string
		want string
	}{
		{nil, ""},
		{[]string{"a"}, "1 failure of 1 unit charges no requirement of the catalog"},
		{[]string{"a", "a"}, "2 failures of 1 unit charge no requirement of the catalog"},
		{[]string{"a", "b", "c"}, "3 failures of 3 units charge no requirement of the catalog"},
	} {
		r := &Report{}
		for _, row := range tc.rows {
			r.Uncharged = append(r.Uncharged, Failure{Row: row})
		}
		assert.Equal(t, tc.want, r.unchargedSummary(), "%v", tc.rows)
	}
}

// TestDecideNone: a charge that charges nothing says why (Charge.None);
// one that charges a requirement says nothing.
func TestDecideNone(t *testing.T) {
	gaveUp, transparent := oracle.GaveUp.Info().Name, oracle.Transparent.Info().Name
	for _, tc := range []struct {
		name string
		in   chargeIn
		none string
	}{
		{"gave up without migration too, on no requirement of the row", chargeIn{ed: spec.Draft2023, rowReqs: []string{"DRAFT-STOP-02"},
			oracle: gaveUp, withoutOK: true}, noneOutsideCatalog},
		{"the guest's program", chargeIn{ed: spec.Draft2023, rowReqs: []string{"DRAFT-STOP-02"}, oracle: gaveUp, withoutOK: true,
			unprepared: true}, noneProgram},
		{"gave up without migration too, on a requirement", chargeIn{ed: spec.Draft2023, rowReqs: []string{"PCI-DEV-04"},
			oracle: gaveUp, without: []string{"PCI-DEV-04"}, withoutOK: true}, ""},
		{"transparent, none of its requirements involved", chargeIn{ed: spec.Virtio14, rowReqs: []string{"DP-DEV-11"},
			oracle: transparent}, noneTransparent},
		{"transparent, its requirement involved", chargeIn{ed: spec.Virtio14, rowReqs: []string{"DP-DEV-09"},
			oracle: transparent, reqs: []string{"DP-DEV-09"}}, ""},
		{"a row with no requirement", chargeIn{ed: spec.Virtio14, oracle: oracle.SelfReport.Info().Name}, noneRow},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := decide(tc.in)
			assert.Equal(t, tc.none, c.None)
			assert.Equal(t, tc.none == "", len(c.Charged) > 0, "charged %v", c.Charged)
		})
	}
}
