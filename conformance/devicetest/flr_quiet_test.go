package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// flrAfterHeld is a planted bug: an FLR the host starts while the member
// is quiesced waits until the member has delivered the interrupts it held,
// at its resume, so they go out after the host started the FLR (a
// firmware that drains its held-interrupt queue before it resets).
type flrAfterHeld struct {
	member.Device
	flr *member.Event
}

func (d *flrAfterHeld) Handle(ev member.Event) member.Effects {
	t := ev.TLP
	if ev.Kind == member.EvTLP && t.Kind == pcie.CfgWrite && t.Addr == pcie.PCIeCapOffset+pcie.PCIeDevCtl &&
		len(t.Data) >= 2 && t.Data[1]&0x80 != 0 && d.Device.Status().Mode.Quiesced() && d.flr == nil {
		d.flr = &ev
		return member.Effects{}
	}
	fx := d.Device.Handle(ev)
	if d.flr != nil && ev.Kind == member.EvStep && ev.Step.Kind == member.StepDeliverHeld && !d.Device.Status().Mode.Quiesced() {
		flr := *d.flr
		d.flr = nil
		more := d.Device.Handle(flr)
		fx.Timers, fx.Steps = append(fx.Timers, more.Timers...), append(fx.Steps, more.Steps...)
	}
	return fx
}

// TestNoMSIXDuringFLR: PCI-DEV-07's no-msix-during-flr runs with
// flr-vs-mode=complete-anyway (a member resumed while its FLR runs); the
// reference virtio-blk and virtio-net pass it in both editions, and a
// device that sends its held configuration interrupt after the host
// started the FLR fails it, charged PCI-DEV-07.
func TestNoMSIXDuringFLR(t *testing.T) {
	dt := unitNamed(t, "PCI-DEV-07", "no-msix-during-flr")
	require.Equal(t, []string{"flr-vs-mode=complete-anyway"}, dt.Knobs())
	for _, ed := range spec.Editions {
		rules := spec.DefaultRules(ed)
		for _, k := range dt.Knobs() {
			name, value, _ := strings.Cut(k, "=")
			require.NoError(t, rules.Set(name, value))
		}
		for _, dev := range referenceDevices {
			ref := runCheck(dt, ed, rules, dev.f, dev.typ)
			assert.Empty(t, ref.Fails, "%s %s", ed, dev.typ)
			assert.Empty(t, ref.Skipped, "%s %s", ed, dev.typ)
			late := func(c member.Config) member.Device { return &flrAfterHeld{Device: dev.f(c)} }
			c := runCheck(dt, ed, rules, late, dev.typ)
			if assert.Len(t, c.Fails, 1, "%s %s", ed, dev.typ) {
				assert.Equal(t, []string{"PCI-DEV-07"}, c.Fails[0].Requirements)
				assert.Contains(t, c.Fails[0].Message, "MSI-X messages after a host-side configuration change held in Stop, with the device resumed while its FLR runs")
			}
		}
	}
}
