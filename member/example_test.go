package member_test

import (
	"fmt"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/spec"
)

// dropFirstInterrupt is a device built outside package member: it wraps any
// member.Device and loses the first MSI-X message (an injected bug the
// oracles should catch). It runs through the owner and the engine
// unchanged, because it implements the same contract.
type dropFirstInterrupt struct {
	member.Device
	dropped bool
}

func (d *dropFirstInterrupt) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if !d.dropped && len(fx.Interrupts) > 0 {
		d.dropped = true
		fx.Interrupts = fx.Interrupts[1:]
		fx.Notes = append(fx.Notes, "bug: first interrupt dropped")
	}
	return fx
}

// Example_wrapperDevice shows a Factory that wraps the reference virtio-blk (blk.New).
func Example_wrapperDevice() {
	var f member.Factory = func(c member.Config) member.Device {
		return &dropFirstInterrupt{Device: blk.New(c)}
	}
	dev := f(member.Config{Edition: spec.Virtio14, VF: 1})
	fx := dev.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Tag: 1,
		Opcode: uint16(spec.OpDevModeSet), Data: []byte{spec.DevModeFlagStopped}}})
	fmt.Println(fx.Completions[0].Status, dev.Status().Mode)
	// Output: OK Stop
}
