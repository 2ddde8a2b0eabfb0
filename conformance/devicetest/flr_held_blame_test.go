package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// flrKeepsCommonConfig is a planted bug around the reference blk: its FLR
// resets the device, then the device writes back every common
// configuration write the driver made before it, so the virtio state
// (device_status, features, queues) survives the FLR.
type flrKeepsCommonConfig struct {
	member.Device
	writes []pcie.TLP
}

func (d *flrKeepsCommonConfig) Handle(ev member.Event) member.Effects {
	before := d.Device.Status()
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvTLP && ev.TLP.Kind == pcie.MemWrite && !before.FLRPending &&
		ev.TLP.Addr >= harness.RigBAR0+pcie.BAR0CommonCfg && ev.TLP.Addr < harness.RigBAR0+pcie.BAR0CommonCfg+spec.CommonCfgSize {
		d.writes = append(d.writes, ev.TLP)
	}
	if before.FLRPending && !d.Device.Status().FLRPending {
		for _, t := range d.writes {
			w := d.Device.Handle(member.Event{Kind: member.EvTLP, TLP: t})
			fx.Steps = append(fx.Steps, w.Steps...)
			fx.Interrupts = append(fx.Interrupts, w.Interrupts...)
		}
	}
	return fx
}

// TestFLRLeftoversChargedToTheFLR: a device whose FLR leaves its virtio
// state behind fails the FLR's own test (DP-DEV-14's flr-restores-defaults)
// but not DP-DEV-12's reply-held-during-flr, which holds the reply and
// applies the mode to the FLR-completed member as the requirement asks;
// the reference device passes both.
func TestFLRLeftoversChargedToTheFLR(t *testing.T) {
	planted := func(c member.Config) member.Device { return &flrKeepsCommonConfig{Device: blk.New(c)} }
	rules := spec.DefaultRules(spec.Virtio14)
	for _, tc := range []struct {
		id, name string
		fails    bool
	}{
		{"DP-DEV-14", "flr-restores-defaults", true},
		{"DP-DEV-12", "reply-held-during-flr", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dt := testNamed(t, tc.id, tc.name)
			ref := runCheck(dt, spec.Virtio14, rules, blk.New, extdevice.TypeBlk)
			assert.Empty(t, ref.Fails, "the reference device")
			assert.Positive(t, ref.Asserted)
			got := runCheck(dt, spec.Virtio14, rules, planted, extdevice.TypeBlk)
			assert.Nil(t, got.Fatal)
			if !tc.fails {
				assert.Empty(t, got.Fails, "the planted device")
				assert.Positive(t, got.Asserted)
				return
			}
			if assert.NotEmpty(t, got.Fails, "the planted device") {
				assert.Equal(t, []string{tc.id}, got.Fails[0].Requirements)
				assert.Contains(t, got.Fails[0].Message, "the state read after an FLR, against a new device's")
			}
		})
	}
}
