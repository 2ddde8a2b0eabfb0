package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// refusesStop wraps a member so that every DEV_MODE_SET that stops it
// (Stop, Freeze; virtio-1.4's stopped flag) fails with EINVAL: a device
// that cannot be stopped, which every test that needs a stopped device
// meets in its set-up.
type refusesStop struct{ member.Device }

func (d refusesStop) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && (ev.Admin.Opcode == uint16(spec.OpDevModeSet) || ev.Admin.Opcode == uint16(spec.DraftOpDevModeSet)) &&
		len(ev.Admin.Data) > 0 && ev.Admin.Data[0] != 0 {
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusEINVAL, Qualifier: spec.QInvalidField}}}
	}
	return d.Device.Handle(ev)
}

// refusesPartsSet wraps a member so that every DEV_PARTS_SET fails with
// EINVAL.
type refusesPartsSet struct{ member.Device }

func (d refusesPartsSet) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == uint16(spec.OpDevPartsSet) {
		return member.Effects{Completions: []member.AdminCompletion{{Tag: ev.Admin.Tag, Status: spec.StatusEINVAL, Qualifier: spec.QInvalidField}}}
	}
	return d.Device.Handle(ev)
}

// A step a device test needs but does not judge (a DEV_MODE_SET to the
// mode it tests in, the read of the state it compares with) fails the
// test's set-up, not its requirement: the failure names the step, no
// requirement, the requirement not reached and how far the test came. A
// test whose requirement is that step (DP-DEV-13, DRAFT-MODE-03: a stop
// that must succeed) fails its requirement as before. A device that
// panics inside such a step has failed it as one that answers it wrongly
// has: the message says that the device panicked and with what.
func TestSetUpStepsAreNotTheRequirement(t *testing.T) {
	stop := func(c member.Config) member.Device { return refusesStop{blk.New(c)} }
	set := func(c member.Config) member.Device { return refusesPartsSet{blk.New(c)} }
	panicStop := func(c member.Config) member.Device { return panicsOnStop{blk.New(c)} }
	panicFeatOK := func(c member.Config) member.Device { return panicsOnFeaturesOK{blk.New(c)} }
	cases := []struct {
		f        member.Factory
		id, name string
		ed       spec.Edition
		// step is the set-up step that fails ("" : the test's own check
		// fails, under its requirement); msg the start of the message, or
		// the whole message when whole is set (a panic ends the test).
		step, msg string
		whole     bool
	}{
		{stop, "PCI-DEV-02", "halves-across-stop", spec.Virtio14, "DEV_MODE_SET stopped",
			"the test could not be set up: DEV_MODE_SET stopped failed before anything was judged, so PCI-DEV-02 was not reached: DEV_MODE_SET stopped: EINVAL/INVALID_FIELD, want OK", false},
		{stop, "DP-DEV-10", "config-write-while-stopped-applies", spec.Virtio14, "DEV_MODE_SET stopped",
			"the test could not be set up: DEV_MODE_SET stopped failed before anything was judged, so DP-DEV-10 was not reached: ", false},
		{stop, "DP-DEV-08", "round-trip-mid-workload", spec.Virtio14, "DEV_MODE_SET stopped",
			"the test could not be set up: DEV_MODE_SET stopped failed after 1 check of the test, so DP-DEV-08 was not reached: ", false},
		{stop, "DRAFT-FRZ-02", "context-frozen", spec.Draft2023, "DEV_MODE_SET Freeze",
			"the test could not be set up: DEV_MODE_SET Freeze failed before anything was judged, so DRAFT-FRZ-02 was not reached: ", false},
		{stop, "DP-DEV-13", "repeat-stop-and-resume", spec.Virtio14, "", "DEV_MODE_SET stopped: EINVAL/INVALID_FIELD, want OK", false},
		{stop, "DRAFT-MODE-03", "repeat-and-direct-freeze", spec.Draft2023, "", "DEV_MODE_SET Stop: EINVAL/INVALID_FIELD, want OK", false},
		// Writing the state an FLR must drop, and a good SET before the
		// failed one: set-up; a SET of the device's own parts: DP-DEV-02's
		// check.
		{set, "DP-DEV-14", "flr-drops-set-parts", spec.Virtio14, "writing the device's state while quiesced",
			"the test could not be set up: writing the device's state while quiesced failed before anything was judged, so DP-DEV-14 was not reached: DEV_PARTS_SET of a live device's parts while stopped: EINVAL/INVALID_FIELD, want OK", false},
		{set, "DP-DEV-08", "failed-set-no-side-effects", spec.Virtio14, "DEV_PARTS_SET of queue_select (before the failed SET)",
			"the test could not be set up: DEV_PARTS_SET of queue_select (before the failed SET) failed before anything was judged, so DP-DEV-08 was not reached: ", false},
		{set, "DP-DEV-02", "repeated-get-and-set", spec.Virtio14, "", "DEV_PARTS_SET 1 of the device's own parts: EINVAL/INVALID_FIELD, want OK", false},
		// A device that panics inside the step.
		{panicStop, "PCI-DEV-02", "halves-across-stop", spec.Virtio14, "DEV_MODE_SET stopped",
			"the test could not be set up: DEV_MODE_SET stopped failed before anything was judged, so PCI-DEV-02 was not reached: " +
				"the device panicked: stop: nil queue table", true},
		{panicStop, "DRAFT-FRZ-02", "context-frozen", spec.Draft2023, "DEV_MODE_SET Freeze",
			"the test could not be set up: DEV_MODE_SET Freeze failed before anything was judged, so DRAFT-FRZ-02 was not reached: " +
				"the device panicked: stop: nil queue table", true},
		{panicFeatOK, "ADM-DEV-02", "status-and-qualifier", spec.Virtio14, "the device's bring-up as a driver does it",
			"the test could not be set up: the device's bring-up as a driver does it failed before anything was judged, so ADM-DEV-02 was not reached: " +
				"the device panicked: features: index out of range [3] with length 2", true},
		{panicStop, "DP-DEV-13", "repeat-stop-and-resume", spec.Virtio14, "", "the device panicked: stop: nil queue table", true},
	}
	for _, tc := range cases {
		name := tc.id + "/" + tc.name
		if tc.whole {
			name += "/panics"
		}
		t.Run(name, func(t *testing.T) {
			dt := testNamed(t, tc.id, tc.name)
			c := runCheck(dt, tc.ed, spec.DefaultRules(tc.ed), tc.f, extdevice.TypeBlk)
			require.NotEmpty(t, c.Fails)
			fl := c.Fails[0]
			if tc.whole {
				require.Len(t, c.Fails, 1, "a panic ends the test")
				assert.Equal(t, tc.msg, fl.Message)
			}
			assert.Contains(t, fl.Message, tc.msg)
			if tc.step == "" {
				assert.Equal(t, []string{tc.id}, fl.Requirements, fl.Message)
				assert.Empty(t, fl.Check)
				assert.Empty(t, fl.Step)
				return
			}
			require.Len(t, c.Fails, 1, "a set-up failure ends the test")
			assert.Empty(t, fl.Requirements, fl.Message)
			assert.Equal(t, harness.CheckSetUp, fl.Check)
			assert.Equal(t, tc.step, fl.Step)
		})
	}
	// The reference passes them all: the steps are made, none fails.
	for _, tc := range cases {
		c := runCheck(testNamed(t, tc.id, tc.name), tc.ed, spec.DefaultRules(tc.ed), blk.New, extdevice.TypeBlk)
		assert.Empty(t, c.Fails, "%s/%s", tc.id, tc.name)
	}
}
