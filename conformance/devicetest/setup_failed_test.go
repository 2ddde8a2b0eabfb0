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

// A device the test guest cannot bring up fails every test that needs the
// guest with a message that says the test's set-up failed before anything
// of its requirement was judged, and names the features it offered: the
// requirement in brackets is the test's, not what the device broke.
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
		require.Len(t, c.fails, 1, tc.test)
		fl := c.fails[0]
		assert.Equal(t, []string{dt.id}, fl.Requirements, tc.test)
		assert.Regexp(t, `^the test's set-up failed \(bringing the device up as a driver does, before anything is judged\): `+
			`device_status reads 0x3 after FEATURES_OK with the offered features 0x[0-9a-f]+, want 0xb$`, fl.Message, tc.test)
	}
}
