package devicetest

import (
	"github.com/migsim/migsim/spec"
)

// FLR: what it does to the context and to admin replies in flight.

// afterFLR runs an FLR to its end on g.
func (g *rig) afterFLR() {
	g.tmrs = nil
	g.flr()
	if len(g.tmrs) == 0 {
		g.c.fatalf("an FLR asks for no timer (the 100 ms of an FLR end with one)")
	}
	g.fire()
	g.run()
}

// flrResets: after an FLR the state read back is a new device's.
func flrResets(c *check) {
	g, _ := c.live()
	g.afterFLR()
	c.expectSame(g.state(), c.freshState(g.disk), "the state read after an FLR, against a new device's")
	if c.ed == spec.Draft2023 {
		expectEq(c, g.modeGet(), spec.ModeActive, "DEV_MODE_GET after an FLR")
	}
}

// heldDuringFLR: DEV_MODE_SET sent during an FLR is answered once the FLR
// is over, with the mode applied to the FLR-completed member.
func heldDuringFLR(to spec.Mode) func(*check) {
	return func(c *check) {
		g, _ := c.live()
		g.tmrs = nil
		g.flr()
		tag := g.send(modeSetOp(c.ed), modeData(c.ed, to), 0)
		r, early := g.completion(tag)
		if early {
			c.errorf("", "DEV_MODE_SET %s answered during the FLR, want the reply held until it is over", c.ed.ModeName(to))
		}
		g.fire()
		g.run()
		if !early {
			var ok bool
			if r, ok = g.completion(tag); !ok {
				c.fatalf("DEV_MODE_SET %s sent during an FLR never answered after it", c.ed.ModeName(to))
			}
		}
		what := "DEV_MODE_SET answered after the FLR"
		if early {
			what = "DEV_MODE_SET answered during the FLR"
		}
		expectEq(c, r.Status, spec.StatusOK, what)
		fresh := c.newRig(g.disk, nil)
		fresh.mustMode(to)
		c.expectSame(g.state(), fresh.state(), "the state after the held DEV_MODE_SET, against a new device set to the same mode")
	}
}

func flrTests() []Test {
	return []Test{
		{id: "DRAFT-FLR-01", name: "flr-resets-context", run: flrResets},
		{id: "DP-DEV-14", name: "flr-restores-defaults", run: flrResets},
		{id: "DRAFT-SYNC-01", name: "freeze-after-flr", run: heldDuringFLR(spec.ModeFreeze)},
		{id: "DP-DEV-12", name: "reply-held-during-flr", run: heldDuringFLR(spec.ModeStop)},
	}
}
