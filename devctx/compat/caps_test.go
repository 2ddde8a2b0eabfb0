package compat

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestCompatCaps_Validate: capabilities built in code are held to the
// rules a destination description is (docs/compat.md, "Description
// files"), each violation named.
func TestCompatCaps_Validate(t *testing.T) {
	nq := func(mod func(p *ParamCaps)) DeviceCaps {
		p := compatNumQueues(AllowRange(1, 4))
		if mod != nil {
			mod(&p)
		}
		return compatCaps(compatNet, 1, 3, p)
	}
	cases := []struct {
		name string
		caps DeviceCaps
		want string // "" valid
	}{
		{"valid", nq(nil), ""},
		{"off allowed", nq(func(p *ParamCaps) { p.Off = compatVal(IntValue(1)) }), ""},
		{"any value allowed", nq(func(p *ParamCaps) { p.Allowed = nil; p.Init = compatVal(IntValue(99)) }), ""},
		{"init not allowed", nq(func(p *ParamCaps) { p.Init = compatVal(IntValue(9)) }),
			"devctx: caps: model " + compatNet + ": param 0: num-queues: init value 9 is not allowed (allowed 1-4)"},
		{"off not allowed", nq(func(p *ParamCaps) { p.Off = compatVal(IntValue(0)) }),
			"devctx: caps: model " + compatNet + ": param 0: num-queues: off value 0 is not allowed (allowed 1-4)"},
		{"off of another type", nq(func(p *ParamCaps) { p.Off = compatVal(BoolValue(false)) }),
			"devctx: caps: model " + compatNet + ": param 0: num-queues: off value false: not a int"},
		{"empty range", func() DeviceCaps { c := nq(nil); c.Models[0].MinVersion = 4; return c }(),
			"devctx: caps: model " + compatNet + ": state versions 4-3: empty range"},
		{"model twice", func() DeviceCaps { c := nq(nil); c.Models = append(c.Models, c.Models[0]); return c }(),
			"devctx: caps: model 1 (" + compatNet + "): duplicate"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.caps.Validate()
			if c.want == "" {
				assert.NoError(t, err)
				return
			}
			assert.EqualError(t, err, c.want)
		})
	}
}
