package devicetest

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// eager wraps a reference device and runs each queue step (fetch, execute,
// complete) it asks for at once, inside the event that asked: a device
// that serves a request whole when it is kicked or fetched, as the device
// protocol allows ("A device may split its work differently"). It signals
// the used buffer while it runs, before any stop.
type eager struct{ member.Device }

func (d eager) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	for i := 0; i < 64; i++ {
		var later []member.Step
		var now *member.Step
		for _, s := range fx.Steps {
			if now == nil && (s.Kind == member.StepFetch || s.Kind == member.StepExecute || s.Kind == member.StepComplete) {
				s := s
				now = &s
				continue
			}
			later = append(later, s)
		}
		if now == nil {
			break
		}
		more := d.Device.Handle(member.Event{Kind: member.EvStep, Step: *now})
		fx.Steps = append(later, more.Steps...)
		fx.Interrupts = append(fx.Interrupts, more.Interrupts...)
		fx.Completions = append(fx.Completions, more.Completions...)
		fx.Timers = append(fx.Timers, more.Timers...)
		fx.Notes = append(fx.Notes, more.Notes...)
	}
	return fx
}

// signalsAtStop is an eager device that also sends an MSI-X message in its
// answer to DEV_MODE_SET stopped, which a stopping device may not.
type signalsAtStop struct{ eager }

func (d signalsAtStop) Handle(ev member.Event) member.Effects {
	fx := d.eager.Handle(ev)
	if ev.Kind == member.EvAdmin && ev.Admin.Opcode == harness.ModeSetOp(spec.Virtio14) && bytes.Equal(ev.Admin.Data, harness.ModeData(spec.Virtio14, spec.ModeStop)) {
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Vector: 1, Addr: 0xfee00004, Data: 65})
	}
	return fx
}

// TestTakenAtStopLetsARunningDeviceSignal: a virtio-1.4 device that
// completes its requests (or transmits its frames) and signals them while
// it runs, before DEV_MODE_SET stopped arrives, passes DP-DEV-09: only the
// MSI-X messages of the stop itself count against it, and one sent there
// still fails it.
func TestTakenAtStopLetsARunningDeviceSignal(t *testing.T) {
	for _, tc := range []struct {
		name    string
		run     func(*harness.Check)
		f       member.Factory
		devType string
		says    string
	}{
		{"blk", takenAtStop, func(c member.Config) member.Device { return eager{blk.New(c)} }, extdevice.TypeBlk, ""},
		{"net", netTakenAtStop, func(c member.Config) member.Device { return eager{membernet.New(c)} }, extdevice.TypeNet, ""},
		{"blk-signals-at-stop", takenAtStop, func(c member.Config) member.Device { return signalsAtStop{eager{blk.New(c)}} }, extdevice.TypeBlk,
			"MSI-X messages while DEV_MODE_SET stopped was answered: got 1, want 0"},
		{"net-signals-at-stop", netTakenAtStop, func(c member.Config) member.Device { return signalsAtStop{eager{membernet.New(c)}} }, extdevice.TypeNet,
			"MSI-X messages while DEV_MODE_SET stopped was answered: got 1, want 0"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res := Run(Test{id: "DP-DEV-09", name: "taken", run: tc.run}, spec.Virtio14, spec.DefaultRules(spec.Virtio14), tc.f, tc.devType)
			assert.Nil(t, res.Fatal)
			if tc.says == "" {
				assert.Empty(t, res.Failures, "an eager device completes before the stop and holds nothing")
				return
			}
			var msgs []string
			for _, fl := range res.Failures {
				msgs = append(msgs, fl.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.says)
		})
	}
}
