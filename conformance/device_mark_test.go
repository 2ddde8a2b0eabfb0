package conformance_test

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/engine"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// quotesDevice is an in-process device that panics, when its driver
// notifies it while stopped, with a plain string that reads like an
// external device's error: code of the simulator's process that broke,
// not an external device's failure (an extdevice.Error).
type quotesDevice struct {
	member.Device
	notify uint64
	text   string
}

func (d quotesDevice) Handle(ev member.Event) member.Effects {
	if notified(ev, d.notify) && d.Device.Status().Mode == spec.ModeStop {
		panic(d.text)
	}
	return d.Device.Handle(ev)
}

// TestDeviceError_TextIsNotTheMark: a panic whose text reads like an
// external device's fault or protocol error, but which is no
// extdevice.Error, fails its row as the simulator's panic — check
// "catalog row", oracle panic, the row's requirements charged — never as
// the device's fault or protocol error; its counterexample's finding is
// not marked, and a strict replay of the file does not show a device's
// error.
func TestDeviceError_TextIsNotTheMark(t *testing.T) {
	for _, text := range []string{
		extdevice.ErrorPrefix + "device fault: ./dev: event 12 (admin tag 3) for device 4 (vf 1): a read outside guest memory",
		extdevice.ErrorPrefix + "protocol: ./dev: event 12 (admin tag 3) for device 4 (vf 1): no reply within 5s",
	} {
		t.Run(text[:len(extdevice.ErrorPrefix)+8], func(t *testing.T) {
			f := func(c member.Config) member.Device {
				return quotesDevice{blk.New(c), c.BAR0 + pcie.BAR0Notify, text}
			}
			d := conformance.FactoryDevice("builtin:quotes-a-device", f)
			rep, err := conformance.Check(d, conformance.Short(), conformance.Parts(false, true),
				conformance.Scenarios("kick-during-stop"), conformance.Editions(spec.Draft2023), conformance.ReplayDir(t.TempDir()))
			require.NoError(t, err)
			require.True(t, rep.Failed())
			files := 0
			for _, u := range rep.Units {
				for _, fl := range u.Failures {
					assert.NotEqual(t, "device fault", fl.Check, "unit %s: %s", u.Name, fl.Message)
					assert.NotEqual(t, "device protocol", fl.Check, "unit %s: %s", u.Name, fl.Message)
					assert.Equal(t, "catalog row", fl.Check, "unit %s: %s", u.Name, fl.Message)
					assert.Equal(t, engine.OraclePanic, fl.Oracle, "unit %s", u.Name)
					assert.Contains(t, fl.Message, text, "unit %s", u.Name)
					assert.NotEmpty(t, fl.Requirements, "unit %s: the row's failure charges its requirements", u.Name)
					if fl.Schedule == "" {
						continue
					}
					files++
					filed, replayed := fileAndReplay(t, d, fl.Schedule, u.Name)
					for _, fd := range []*engine.Finding{filed, replayed} {
						assert.Empty(t, fd.DeviceError, "unit %s: the file's and the replay's findings are not marked", u.Name)
						assert.False(t, conformance.ShowsDeviceError(fd), "unit %s", u.Name)
					}
				}
			}
			assert.Positive(t, files, "a row fails with a counterexample")
		})
	}
}

// oobWhenStopped is a device that, notified by its driver while stopped,
// writes guest memory far outside the guest: served as an external
// device, a device fault, which the run without migration never meets.
type oobWhenStopped struct {
	member.Device
	c member.Config
}

func (d oobWhenStopped) Handle(ev member.Event) member.Effects {
	if notified(ev, d.c.BAR0+pcie.BAR0Notify) && d.Device.Status().Mode == spec.ModeStop {
		_ = d.c.Mem.WriteMem(d.c.RID, 1<<60, []byte{1, 2, 3, 4})
	}
	return d.Device.Handle(ev)
}

// TestDeviceError_MarkSurvives: an external device's fault (a write of
// guest memory outside the guest) reaches every path the kit takes with
// its mark: the row's failure (check "device fault"), the
// counterexample's file (its finding marked device_error "fault", after
// the row's exploration with the memo and the shrink), and the file's
// strict replay, whose finding is marked and shows the device's error.
func TestDeviceError_MarkSurvives(t *testing.T) {
	info := extdevice.Info{Name: "oob-when-stopped"}
	f := func(c member.Config) member.Device { return oobWhenStopped{blk.New(c), c} }
	d := conformance.ServedDevice("oob-when-stopped", func(r io.Reader, w io.Writer) error { return extdevice.Serve(r, w, f, info) },
		extdevice.Options{Procs: 1, Timeout: 5 * time.Second})
	rep, err := conformance.Check(d, conformance.Short(), conformance.Parts(false, true), conformance.Scenarios("kick-during-stop"),
		conformance.Editions(spec.Draft2023), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	require.True(t, rep.Failed())
	files := 0
	for _, u := range rep.Units {
		for _, fl := range u.Failures {
			assert.Equal(t, "device fault", fl.Check, "unit %s: %s", u.Name, fl.Message)
			assert.Empty(t, fl.Requirements, "unit %s", u.Name)
			if fl.Schedule == "" {
				continue
			}
			files++
			filed, replayed := fileAndReplay(t, d, fl.Schedule, u.Name)
			assert.Equal(t, engine.OraclePanic, filed.Oracle, "unit %s", u.Name)
			for _, fd := range []*engine.Finding{filed, replayed} {
				assert.Equal(t, extdevice.KindFault, fd.DeviceError, "unit %s: the file's and the replay's findings are marked", u.Name)
				assert.True(t, conformance.ShowsDeviceError(fd), "unit %s", u.Name)
			}
		}
	}
	assert.Positive(t, files, "a row fails on the device's fault with a counterexample")
}

// fileAndReplay reads a failure's counterexample file and replays it
// strictly with the device: the file's finding and the replay's.
func fileAndReplay(t *testing.T, d conformance.Device, schedule, unit string) (filed, replayed *engine.Finding) {
	t.Helper()
	sc, err := catalog.ReadScheduleFile(schedule)
	require.NoError(t, err, "unit %s", unit)
	require.NotNil(t, sc.Finding, "unit %s", unit)
	r, err := conformance.ReplayRecorded(context.Background(), d, schedule, engine.RunConfig{}, 0)
	require.NoError(t, err, "unit %s", unit)
	require.NotNil(t, r.Result.Finding, "unit %s", unit)
	return sc.Finding, r.Result.Finding
}
