package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// panicsOnStop wraps a member so that every DEV_MODE_SET that stops it
// panics: a Go device whose stop path dereferences what it never set up.
type panicsOnStop struct{ member.Device }

func (d panicsOnStop) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvAdmin && (ev.Admin.Opcode == uint16(spec.OpDevModeSet) || ev.Admin.Opcode == uint16(spec.DraftOpDevModeSet)) &&
		len(ev.Admin.Data) > 0 && ev.Admin.Data[0] != 0 {
		panic("stop: nil queue table")
	}
	return d.Device.Handle(ev)
}

// panicsOnFeaturesOK wraps a member so that the driver's write of
// FEATURES_OK to device_status panics.
type panicsOnFeaturesOK struct{ member.Device }

func (d panicsOnFeaturesOK) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && len(ev.TLP.Data) == 1 &&
		ev.TLP.Addr%pcie.BAR0Size == uint64(spec.CfgDeviceStatus) && ev.TLP.Data[0]&byte(spec.StatusFeaturesOK) != 0 {
		panic("features: index out of range [3] with length 2")
	}
	return d.Device.Handle(ev)
}

// A device that panics inside a step a test needs but does not judge has
// failed that step, as one that answers it wrongly has: the failure is the
// test's set-up (CheckSetUp), names the step and no requirement, and says
// that the device panicked and with what. A panic inside a step the test
// judges (DP-DEV-13's stops) is its requirement's failure, as before.
func TestSetUpStepPanicIsSetUpFailure(t *testing.T) {
	stop := func(c member.Config) member.Device { return panicsOnStop{blk.New(c)} }
	featOK := func(c member.Config) member.Device { return panicsOnFeaturesOK{blk.New(c)} }
	cases := []struct {
		f        member.Factory
		id, name string
		ed       spec.Edition
		// step is the set-up step that fails ("": the test's own check
		// fails, under its requirement); msg the whole message.
		step, msg string
	}{
		{stop, "PCI-DEV-02", "halves-across-stop", spec.Virtio14, "DEV_MODE_SET stopped",
			"the test could not be set up: DEV_MODE_SET stopped failed before anything was judged, so PCI-DEV-02 was not reached: " +
				"the device panicked: stop: nil queue table"},
		{stop, "DRAFT-FRZ-02", "context-frozen", spec.Draft2023, "DEV_MODE_SET Freeze",
			"the test could not be set up: DEV_MODE_SET Freeze failed before anything was judged, so DRAFT-FRZ-02 was not reached: " +
				"the device panicked: stop: nil queue table"},
		{featOK, "ADM-DEV-02", "status-and-qualifier", spec.Virtio14, "the device's bring-up as a driver does it",
			"the test could not be set up: the device's bring-up as a driver does it failed before anything was judged, so ADM-DEV-02 was not reached: " +
				"the device panicked: features: index out of range [3] with length 2"},
		{stop, "DP-DEV-13", "repeat-stop-and-resume", spec.Virtio14, "", "the device panicked: stop: nil queue table"},
	}
	for _, tc := range cases {
		t.Run(tc.id+"/"+tc.name, func(t *testing.T) {
			dt := testNamed(t, tc.id, tc.name)
			c := runCheck(dt, tc.ed, spec.DefaultRules(tc.ed), tc.f, extdevice.TypeBlk)
			require.Len(t, c.fails, 1, "a panic ends the test")
			fl := c.fails[0]
			assert.Equal(t, tc.msg, fl.Message)
			if tc.step == "" {
				assert.Equal(t, []string{tc.id}, fl.Requirements, fl.Message)
				assert.Empty(t, fl.Check)
				assert.Empty(t, fl.Step)
				return
			}
			assert.Empty(t, fl.Requirements, fl.Message)
			assert.Equal(t, CheckSetUp, fl.Check)
			assert.Equal(t, tc.step, fl.Step)
		})
	}
}
