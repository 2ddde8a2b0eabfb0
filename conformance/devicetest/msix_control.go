package devicetest

import (
	"fmt"

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

// msixCtl writes Message Control's Enable and Function Mask.
func (g *rig) msixCtl(enable, fnMask bool) {
	var hi uint16
	if enable {
		hi |= pcie.MSIXCtlEnable
	}
	if fnMask {
		hi |= pcie.MSIXCtlFunctionMask
	}
	g.handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite, Requester: rigHost, Completer: rigRID,
		Addr: pcie.MSIXCapOffset + pcie.MSIXMsgCtl, Data: []byte{0, byte(hi >> 8)}}})
}

// msixEvent is an event that makes a running device interrupt: do sends
// the n-th one and returns the vector its message is for (the guest's).
type msixEvent struct {
	name, what string
	do         func(g *rig, gu *guest, n int) int
}

var msixEvents = []msixEvent{
	{"completion", "the completion of the guest's work", func(g *rig, gu *guest, n int) int {
		gu.postWork(n)
		gu.kick(gu.workQueue())
		return gu.workQueue() + 1
	}},
	// A disk resize (2048 sectors, then 4096), the link going down then up.
	{"config-change", "a host-side configuration change", func(g *rig, _ *guest, n int) int {
		if g.c.net {
			g.port.SetLinkUp(n%2 == 0)
		} else {
			g.disk.Resize(2048 * uint64(n))
		}
		g.handle(member.Event{Kind: member.EvBackend})
		return 0
	}},
}

// msixControlled is one run of an event under Message Control: a live
// device, with every vector programmed and unmasked, sees the event while
// MSI-X is disabled (fnMask false) or the function masked (fnMask true).
func msixControlled(ev msixEvent, fnMask bool) func(*check) {
	return func(c *check) {
		g, gu := c.live()
		if ev.name == "config-change" && c.net && g.offered()&(1<<spec.FeatureNetStatus) == 0 {
			c.skipf("the device offers no VIRTIO_NET_F_STATUS: a link change is no configuration change")
		}
		g.msixCtl(fnMask, fnMask) // disabled, or enabled and masked
		state := map[bool]string{false: "MSI-X Enable is 0", true: "Function Mask is 1"}[fnMask]
		g.quiet()
		v := ev.do(g, gu, 1)
		g.run()
		expectEq(c, len(g.irqs), 0, fmt.Sprintf("MSI-X messages after %s while %s", ev.what, state))
		if fnMask {
			expectEq(c, g.pending(v), true, fmt.Sprintf("vector %d's pending bit, read through BAR0, after %s while %s", v, ev.what, state))
		}
		g.quiet()
		g.msixCtl(true, false)
		g.run()
		if fnMask {
			c.expect(len(g.irqs) == 1 && g.messagesTo(v) == 1, "MSI-X messages when Function Mask clears: %d, %d of them with vector %d's "+
				"address and data, want exactly that one", len(g.irqs), g.messagesTo(v), v)
			expectEq(c, g.pending(v), false, fmt.Sprintf("vector %d's pending bit once Function Mask cleared", v))
			return
		}
		expectEq(c, len(g.irqs), 0, fmt.Sprintf("MSI-X messages when MSI-X Enable is set again after %s while it was 0 (dropped, not held)", ev.what))
		g.quiet()
		ev.do(g, gu, 2)
		g.run()
		expectEq(c, g.messagesTo(v), 1, fmt.Sprintf("MSI-X messages for vector %d after %s once MSI-X Enable is set again", v, ev.what))
	}
}

// flrClearsMSIXControl: the guest sets Function Mask besides Enable; after
// an FLR Message Control, read through configuration space, has both 0.
func flrClearsMSIXControl(c *check) {
	g, _ := c.live()
	ctl := func() uint16 { return uint16(le64(g.cfgRead(pcie.MSIXCapOffset+pcie.MSIXMsgCtl, 2))) }
	both := pcie.MSIXCtlEnable | pcie.MSIXCtlFunctionMask
	g.msixCtl(true, true)
	if ctl()&both != both {
		c.setUpFatalf("Message Control as the test guest wrote it", "MSI-X Message Control reads %#x after the guest set Enable and Function Mask", ctl())
	}
	g.afterFLR()
	expectHex(c, uint64(ctl()&both), 0, "MSI-X Enable and Function Mask (Message Control) after an FLR")
}

func msixControlTests() []Test {
	out := []Test{{id: "PCI-DEV-07", name: "flr-clears-msix-control", run: flrClearsMSIXControl}}
	for _, ev := range msixEvents {
		out = append(out, Test{id: "PCI-DEV-07", name: "msix-disabled-drops-" + ev.name, run: msixControlled(ev, false)},
			Test{id: "PCI-DEV-07", name: "function-mask-holds-" + ev.name, run: msixControlled(ev, true)})
	}
	return out
}
