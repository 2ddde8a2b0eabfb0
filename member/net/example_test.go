package net_test

import (
	"fmt"

	"github.com/migsim/migsim/member"
	netdev "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Example shows a source and a destination member on two ports of one
// link, as the two worlds of a migration have them: both show the
// provisioned mac, and a frame that reaches the stopped source is dropped
// and counted on the link (rx-while-stopped=drop, the default).
func Example() {
	const bar0 = 0xfe000000
	link := netdev.NewLink(42, 1500)
	srcPort, dstPort := link.NewPort("src", 64), link.NewPort("dst", 64)
	src := netdev.New(member.Config{VF: 1, BAR0: bar0, Backing: srcPort})
	dst := netdev.New(member.Config{VF: 1, BAR0: bar0, Backing: dstPort})
	mac := func(d member.Device) string {
		fx := d.Handle(member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.MemRead, Addr: bar0 + pcie.BAR0DeviceCfg, Len: 6}})
		return fmt.Sprintf("% x", fx.ReadData)
	}
	fmt.Println(mac(src) == mac(dst), link.MAC())

	src.Handle(member.Event{Kind: member.EvAdmin, Admin: member.AdminRequest{Opcode: uint16(spec.OpDevModeSet),
		Data: []byte{spec.DevModeFlagStopped}}})
	srcPort.Arrive(link.Frame(link.MAC(), 1, -1, 64))
	fx := src.Handle(member.Event{Kind: member.EvBackend})
	fmt.Println(fx.Notes[0])
	fmt.Println(link.Drops())
	// Output:
	// true 52:54:00:95:6e:eb
	// rx: 0 of 1 frames held, 1 dropped (stopped)
	// [{src rx 1 stopped}]
}
