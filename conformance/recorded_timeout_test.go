package conformance

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
)

// A counterexample records an exec device's request deadline when it is
// not the default, so the replay line the file prints carries it; no
// other device has one.
func TestRecordedTimeout(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Device
		want time.Duration
	}{
		{"exec, a minute", ExecDevice([]string{"/d"}, extdevice.Options{Timeout: time.Minute}), time.Minute},
		{"exec, the default", ExecDevice([]string{"/d"}, extdevice.Options{Timeout: extdevice.DefaultTimeout}), 0},
		{"exec, unset", ExecDevice([]string{"/d"}, extdevice.Options{}), 0},
		{"served", ServedDevice("s", nil, extdevice.Options{Timeout: time.Minute}), 0},
		{"builtin", FactoryDevice("builtin:blk", nil), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.want, recordedTimeout(tc.d))
		})
	}
}
