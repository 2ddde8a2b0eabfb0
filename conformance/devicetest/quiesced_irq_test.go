package devicetest

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// irqOnBackend is the reference virtio-blk but for a configuration-change
// interrupt (vector 0) it sends on every host-side change, stopped or not.
type irqOnBackend struct{ member.Device }

func (d irqOnBackend) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvBackend {
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Vector: 0, Addr: 0xfee00000})
	}
	return fx
}

// TestQuiescedInterruptNamesItsEvent: a device that interrupts while
// stopped (or in Stop) is told which of the events the test delivered the
// first interrupt followed, not only how many came.
func TestQuiescedInterruptNamesItsEvent(t *testing.T) {
	f := func(c member.Config) member.Device { return irqOnBackend{blk.New(c)} }
	for _, tc := range []struct {
		id, name string
		ed       spec.Edition
		want     string
	}{
		{"DP-DEV-11", "no-dma-no-interrupt-stopped", spec.Virtio14,
			"MSI-X messages while stopped (doorbell, stray steps, disk resize; the first: vector 0, after the disk resize): got 1, want 0"},
		{"DRAFT-STOP-01", "no-interrupt-in-stop", spec.Draft2023,
			"MSI-X messages in Stop (doorbell, stray steps, disk resize; the first: vector 0, after the disk resize): got 1, want 0"},
	} {
		t.Run(tc.id, func(t *testing.T) {
			res := Run(testNamed(t, tc.id, tc.name), tc.ed, spec.DefaultRules(tc.ed), f, extdevice.TypeBlk)
			var msgs []string
			for _, fl := range res.Failures {
				msgs = append(msgs, fl.Message)
			}
			assert.Contains(t, strings.Join(msgs, "\n"), tc.want)
		})
	}
}
