// Package msixunits holds the conformance kit's device tests of the MSI-X
// capability's Message Control, which package devicetest registers.
package msixunits

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/conformance/devicetest/harness"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// MSI-X Enable and Function Mask, the MSI-X capability's Message Control
// (PCI Express Base, "MSI-X Capability and Table Structure"): while
// Enable is 0 a function sends no MSI-X message, and a VF, having no INTx,
// drops the signal; while Function Mask is 1 every vector is masked,
// whatever its own Mask bit, so a notification sets the vector's pending
// bit and clearing Function Mask sends it. An FLR clears both.

// msixEvent is an event that makes a running device interrupt: do sends
// the n-th one and returns the vector its message is for (the guest's).
type msixEvent struct {
	name, what string
	do         func(g *harness.Rig, gu *harness.Guest, n int) int
}

var msixEvents = []msixEvent{
	{"completion", "the completion of the guest's work", func(g *harness.Rig, gu *harness.Guest, n int) int {
		gu.PostWork(n)
		gu.Kick(gu.WorkQueue())
		return gu.WorkQueue() + 1
	}},
	// A disk resize (2048 sectors, then 4096), the link going down then up.
	{"config-change", "a host-side configuration change", func(g *harness.Rig, _ *harness.Guest, n int) int {
		if g.Check.Net {
			g.Port.SetLinkUp(n%2 == 0)
		} else {
			g.Disk.Resize(2048 * uint64(n))
		}
		g.Handle(member.Event{Kind: member.EvBackend})
		return 0
	}},
}

// msixControlled is one run of an event under Message Control: a live
// device, with every vector programmed and unmasked, sees the event while
// MSI-X is disabled (fnMask false) or the function masked (fnMask true).
func msixControlled(ev msixEvent, fnMask bool) func(*harness.Check) {
	return func(c *harness.Check) {
		g, gu := c.Live()
		if ev.name == "config-change" && c.Net && g.Offered()&(1<<spec.FeatureNetStatus) == 0 {
			c.Skipf("the device offers no VIRTIO_NET_F_STATUS: a link change is no configuration change")
		}
		g.MSIXCtl(fnMask, fnMask) // disabled, or enabled and masked
		state := map[bool]string{false: "MSI-X Enable is 0", true: "Function Mask is 1"}[fnMask]
		g.Quiet()
		v := ev.do(g, gu, 1)
		g.Run()
		harness.ExpectEq(c, len(g.IRQs), 0, fmt.Sprintf("MSI-X messages after %s while %s", ev.what, state))
		if fnMask {
			harness.ExpectEq(c, g.Pending(v), true, fmt.Sprintf("vector %d's pending bit, read through BAR0, after %s while %s", v, ev.what, state))
		}
		g.Quiet()
		g.MSIXCtl(true, false)
		g.Run()
		if fnMask {
			c.Expect(len(g.IRQs) == 1 && g.MessagesTo(v) == 1, "MSI-X messages when Function Mask clears: %d, %d of them with vector %d's "+
				"address and data, want exactly that one", len(g.IRQs), g.MessagesTo(v), v)
			harness.ExpectEq(c, g.Pending(v), false, fmt.Sprintf("vector %d's pending bit once Function Mask cleared", v))
			return
		}
		harness.ExpectEq(c, len(g.IRQs), 0, fmt.Sprintf("MSI-X messages when MSI-X Enable is set again after %s while it was 0 (dropped, not held)", ev.what))
		g.Quiet()
		ev.do(g, gu, 2)
		g.Run()
		harness.ExpectEq(c, g.MessagesTo(v), 1, fmt.Sprintf("MSI-X messages for vector %d after %s once MSI-X Enable is set again", v, ev.what))
	}
}

// flrClearsMSIXControl: the guest sets Function Mask besides Enable; after
// an FLR Message Control, read through configuration space, has both 0.
func flrClearsMSIXControl(c *harness.Check) {
	g, _ := c.Live()
	ctl := func() uint16 { return uint16(le64(g.CfgRead(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, 2))) }
	both := pcie.MSIXCtlEnable | pcie.MSIXCtlFunctionMask
	g.MSIXCtl(true, true)
	if ctl()&both != both {
		c.SetUpFatalf("Message Control as the test guest wrote it", "MSI-X Message Control reads %#x after the guest set Enable and Function Mask", ctl())
	}
	g.AfterFLR()
	harness.ExpectHex(c, uint64(ctl()&both), 0, "MSI-X Enable and Function Mask (Message Control) after an FLR")
}

// msixQuietDuringFLR: with flr-vs-mode=complete-anyway a mode change is
// answered while an FLR runs, so a member may resume before its FLR ends.
// A configuration change held while it was stopped must not go out then
// (a function in an FLR sends nothing; the host has seen MSI-X Enable
// reset since it started the FLR), nor once the FLR has ended (the FLR
// clears what was held with the rest of the function's state).
func msixQuietDuringFLR(c *harness.Check) {
	g, gu := c.Live()
	if c.Net && g.Offered()&(1<<spec.FeatureNetStatus) == 0 {
		c.Skipf("the device offers no VIRTIO_NET_F_STATUS: a link change is no configuration change")
	}
	ev := msixEvents[1]
	g.MustMode(spec.ModeStop)
	g.Quiet()
	ev.do(g, gu, 1)
	g.Run()
	g.Timers = nil
	g.FLR()
	g.MustMode(spec.ModeActive)
	g.Run()
	harness.ExpectEq(c, len(g.IRQs), 0, "MSI-X messages after "+ev.what+" held in Stop, with the device resumed while its FLR runs (flr-vs-mode=complete-anyway)")
	g.Quiet()
	g.Fire()
	g.Run()
	harness.ExpectEq(c, len(g.IRQs), 0, "MSI-X messages once that FLR has ended")
}

// Unit is one device test of this package, as package devicetest
// registers it in its table: the requirement it checks and the others it
// exercises, its case name, the knob values it runs with (a device that
// does not implement them skips it), and what it does.
type Unit struct {
	ID    string
	Also  []string
	Name  string
	Knobs []string
	Run   func(c *harness.Check)
}

// Units are the MSI-X Message Control device tests: an FLR clears it, a
// function sends nothing during its FLR, and each event that interrupts is
// dropped while MSI-X Enable is 0 and held while Function Mask is 1.
func Units() []Unit {
	out := []Unit{{ID: "PCI-DEV-07", Name: "flr-clears-msix-control", Run: flrClearsMSIXControl},
		{ID: "PCI-DEV-07", Also: []string{"PCI-DEV-05"}, Name: "no-msix-during-flr", Knobs: []string{"flr-vs-mode=complete-anyway"}, Run: msixQuietDuringFLR}}
	for _, ev := range msixEvents {
		out = append(out, Unit{ID: "PCI-DEV-07", Name: "msix-disabled-drops-" + ev.name, Run: msixControlled(ev, false)},
			Unit{ID: "PCI-DEV-07", Name: "function-mask-holds-" + ev.name, Run: msixControlled(ev, true)})
	}
	return out
}

// le64 reads up to 8 little-endian bytes of b as a number.
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(append(b, make([]byte, 8)...)) }
