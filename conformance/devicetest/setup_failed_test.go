package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// refusesFeaturesOK wraps a member so that a driver's FEATURES_OK never
// sticks: every write of device_status has the bit cleared, as a device
// whose feature registers are read back in the wrong byte order ends up.
type refusesFeaturesOK struct{ member.Device }

func (d refusesFeaturesOK) Handle(ev member.Event) member.Effects {
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && len(ev.TLP.Data) == 1 &&
		ev.TLP.Addr%pcie.BAR0Size == uint64(spec.CfgDeviceStatus) {
		ev.TLP.Data = []byte{ev.TLP.Data[0] &^ byte(spec.StatusFeaturesOK)}
	}
	return d.Device.Handle(ev)
}

// A device the test guest cannot bring up fails the set-up of every test
// that needs the guest, not the test's requirement: the failure's check is
// CheckSetUp, it names no requirement, and its message says which step
// failed, that nothing was judged, which requirement was not reached and
// the features the device offered.
func TestSetupFailureSaysSo(t *testing.T) {
	f := func(c member.Config) member.Device { return refusesFeaturesOK{blk.New(c)} }
	cases := []struct{ test string }{
		{"ADM-DEV-02/status-and-qualifier"},
		{"PCI-DEV-03/reset-reads-zero-only-when-done"},
	}
	byName := map[string]Test{}
	for _, dt := range All() {
		byName[dt.id+"/"+dt.name] = dt
	}
	e := spec.Virtio14
	for _, tc := range cases {
		dt, ok := byName[tc.test]
		require.True(t, ok, tc.test)
		c := runCheck(dt, e, spec.DefaultRules(e), f, extdevice.TypeBlk)
		require.Len(t, c.Fails, 1, tc.test)
		fl := c.Fails[0]
		assert.Empty(t, fl.Requirements, tc.test)
		assert.Equal(t, harness.CheckSetUp, fl.Check, tc.test)
		assert.Equal(t, "the device's bring-up as a driver does it", fl.Step, tc.test)
		assert.Regexp(t, `^the test could not be set up: the device's bring-up as a driver does it failed before anything was judged, so `+
			dt.id+` was not reached: device_status reads 0x3 after FEATURES_OK with the offered features 0x[0-9a-f]+, want 0xb$`, fl.Message, tc.test)
	}
}
