package conformance_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/catalog"
	"github.com/migsim/migsim/conformance"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/spec"
)

// TestScheduleTargetRefusesABrokenHandshake: the target a counterexample
// replays on with an external device (migsim replay, trace, report and
// conform --replay) runs the handshake the kit runs first, and a program
// that breaks it there — one that writes after its hello, or does not end
// with status 0 at the end of its input — is an error of the handshake
// before anything runs, as it is for conform (exit 2), not a protocol
// error of the run (exit 1) found once the run had started it again.
func TestScheduleTargetRefusesABrokenHandshake(t *testing.T) {
	hostile := hostileDevice(t)
	sc, err := catalog.ReadScheduleFile("../catalog/testdata/regress/flr-during-freeze_draft-2023_flr-vs-mode=complete-anyway.json")
	require.NoError(t, err)
	for _, tc := range []struct{ mode, want string }{
		{"badexit", "end of input: the device ended without status 0 at the end of its input"},
		{"banner", `end of input: the device wrote "hostile: starting up\n" on stdout after its last reply`},
		{"hello-twice", `end of input: the device wrote "{\"id\":1,\"op\":\"hello\"`},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			d := conformance.ExecDevice([]string{hostile, tc.mode}, extdevice.Options{Timeout: 2 * time.Second})
			_, done, err := conformance.ScheduleTarget(context.Background(), d, sc)
			require.Error(t, err)
			assert.Nil(t, done)
			assert.Contains(t, err.Error(), tc.want)
			var xe *extdevice.Error
			require.ErrorAs(t, err, &xe)
			assert.True(t, xe.Handshake, "nothing ran: an error of the handshake")
		})
	}
	d := conformance.ExecDevice([]string{extblk(t)}, extdevice.Options{Timeout: 5 * time.Second})
	tg, done, err := conformance.ScheduleTarget(context.Background(), d, sc)
	require.NoError(t, err, "a device that keeps the protocol")
	assert.NotNil(t, tg.Member)
	require.NoError(t, done())
}

// TestDeviceDyingInARowIsAProtocolError: a device that exits in the
// middle of a catalog row fails that row with the protocol error (check
// device protocol, what ended it), not with the consequence the row's
// explorations see next — each run after it ends at once where the runs
// before it went on, which alone would read as a device that is not
// deterministic.
func TestDeviceDyingInARowIsAProtocolError(t *testing.T) {
	hostile := hostileDevice(t)
	d := conformance.ExecDevice([]string{hostile, "dies"}, extdevice.Options{Timeout: 2 * time.Second, Procs: 1})
	rep, err := conformance.Check(d, conformance.Short(), conformance.Parts(false, true), conformance.Scenarios("smoke-migrate"),
		conformance.Editions(spec.Draft2023), conformance.ReplayDir(t.TempDir()))
	require.NoError(t, err)
	assert.Contains(t, rep.Stopped, "the device broke the protocol in smoke-migrate/draft-2023")
	u, ok := rep.Unit("smoke-migrate/draft-2023")
	require.True(t, ok)
	require.Equal(t, "fail", u.Verdict)
	require.NotEmpty(t, u.Failures)
	for _, fl := range u.Failures {
		assert.Equal(t, "device protocol", fl.Check, fl.Message)
		assert.NotContains(t, fl.Message, "not deterministic")
	}
	assert.Contains(t, u.Failures[0].Message, "the device broke the protocol: ")
	assert.Contains(t, u.Failures[0].Message, "hostile: dying")
}
