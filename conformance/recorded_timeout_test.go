package conformance

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/engine/schedfile"
	"github.com/migsim/migsim/spec"
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
		// The pool runs a negative deadline as the default; a file holds
		// at most schedfile.MaxDeviceTimeout.
		{"exec, negative", ExecDevice([]string{"/d"}, extdevice.Options{Timeout: -time.Second}), 0},
		{"exec, the file's bound", ExecDevice([]string{"/d"}, extdevice.Options{Timeout: schedfile.MaxDeviceTimeout}), schedfile.MaxDeviceTimeout},
		{"exec, over the file's bound", ExecDevice([]string{"/d"}, extdevice.Options{Timeout: time.Hour}), schedfile.MaxDeviceTimeout},
		{"served", ServedDevice("s", nil, extdevice.Options{Timeout: time.Minute}), 0},
		{"builtin", FactoryDevice("builtin:blk", nil), 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := recordedTimeout(tc.d)
			assert.Equal(t, tc.want, got)
			// What a counterexample records reads back: a schedule file
			// with that deadline passes the readers' checks.
			sc := recordedSchedule(t, got)
			b, err := sc.Marshal()
			require.NoError(t, err)
			_, err = schedfile.Parse(b)
			assert.NoError(t, err, "a counterexample recording device_timeout %v", got)
		})
	}
}

// recordedSchedule is a counterexample of an exec device, as the kit
// writes one (a run of smoke-migrate under draft-2023), recording the
// request deadline d.
func recordedSchedule(t *testing.T, d time.Duration) *schedfile.Schedule {
	t.Helper()
	s, err := catalog.CatalogScenario("smoke-migrate")
	require.NoError(t, err)
	tg, err := catalog.NewTarget(s, spec.Draft2023, nil, nil)
	require.NoError(t, err)
	seed := engine.ScheduleSeed(1, 0)
	f, err := tg.Factory(seed)
	require.NoError(t, err)
	res, err := engine.Run(f, seed, engine.NewRandom(rand.New(rand.NewPCG(seed, 7))), engine.RunConfig{})
	require.NoError(t, err)
	sc := tg.Schedule(engine.StrategyRandom, 1, 0, res)
	sc.Device, sc.DeviceTimeout = schedfile.DeviceExecPrefix+"/d", d
	return sc
}
