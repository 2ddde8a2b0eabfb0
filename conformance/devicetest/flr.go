package devicetest

import (
	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/spec"
)

// FLR: what it does to the context and to admin replies in flight.

// flrResets: after an FLR the state read back is a new device's.
func flrResets(c *harness.Check) {
	g, _ := c.Live()
	g.AfterFLR()
	expectSameState(c, g.State(), c.FreshState(g.Disk), "the state read after an FLR, against a new device's")
	if c.Ed == spec.Draft2023 {
		harness.ExpectEq(c, g.ModeGet(), spec.ModeActive, "DEV_MODE_GET after an FLR")
	}
}

// heldDuringFLR: DEV_MODE_SET sent during an FLR is answered once the FLR
// is over, with the mode applied to the FLR-completed member.
func heldDuringFLR(to spec.Mode) func(*harness.Check) {
	return func(c *harness.Check) {
		g, _ := c.Live()
		g.Timers = nil
		g.FLR()
		tag := g.Send(harness.ModeSetOp(c.Ed), harness.ModeData(c.Ed, to), 0)
		r, early := g.Completion(tag)
		if early {
			c.Errorf("", "DEV_MODE_SET %s answered during the FLR, want the reply held until it is over", c.Ed.ModeName(to))
		}
		g.Fire()
		g.Run()
		if !early {
			var ok bool
			if r, ok = g.Completion(tag); !ok {
				c.Fatalf("DEV_MODE_SET %s sent during an FLR never answered after it", c.Ed.ModeName(to))
			}
		}
		what := "DEV_MODE_SET answered after the FLR"
		if early {
			what = "DEV_MODE_SET answered during the FLR"
		}
		harness.ExpectEq(c, r.Status, spec.StatusOK, what)
		// The mode must apply to the FLR-completed member: the reference
		// is the same device, brought up the same way, whose FLR ended
		// before the same DEV_MODE_SET. What the FLR itself resets is
		// judged by the FLR's own tests (DP-DEV-14, DRAFT-FLR-01), so a
		// device whose FLR leaves state behind is not charged here too.
		after, _ := c.Live()
		after.AfterFLR()
		after.MustMode(to)
		expectSameState(c, g.State(), after.State(), "the state after the held DEV_MODE_SET, against the same device set to that mode after its FLR ended")
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
