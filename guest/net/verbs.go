package net

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/migsim/migsim/guest"
	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

// Limits of the net workload's arguments.
const (
	// MaxPairs bounds a pair argument (the largest device the world builds
	// has 8 pairs).
	MaxPairs = 8
	// MaxFrames bounds the frames of one send.
	MaxFrames = 64
)

var (
	pairArg = scenario.ArgSpec{Name: "q", Kind: scenario.ArgInt, Min: 0, Max: MaxPairs - 1, Default: "0", Doc: "the queue pair"}
	waitArg = scenario.ArgSpec{Name: "wait", Kind: scenario.ArgWord, Values: []string{"yes", "no"}, Default: "yes",
		Doc: "wait for the ack (no: post, kick and go on)"}
	sendArgs = []scenario.ArgSpec{
		{Name: "n", Kind: scenario.ArgInt, Min: 1, Max: MaxFrames, Default: "1", Doc: "frames"},
		{Name: "flow", Kind: scenario.ArgInt, Min: 0, Max: 1 << 16, Default: "0", Doc: "the flow number in each frame"},
		{Name: "size", Kind: scenario.ArgInt, Min: 60, Max: 1514, Default: "64", Doc: "bytes of each frame"},
		pairArg,
	}
	rxModes = map[string]spec.NetCVQCommand{"promisc": spec.NetRxPromisc, "allmulti": spec.NetRxAllMulti,
		"alluni": spec.NetRxAllUni, "nomulti": spec.NetRxNoMulti, "nouni": spec.NetRxNoUni, "nobcast": spec.NetRxNoBcast}
)

// Verbs is the net driver's workload language (docs/scenarios.md, "Guest
// operations").
var Verbs = scenario.VerbTable{
	{Name: "probe", Args: probeArgs, Check: checkProbe, Resume: &scenario.Resume{From: "from", Until: "until", Points: probePoints},
		Doc: "initialise the device as virtnet_probe does; with MQ, set the pairs the plan has rings for"},
	{Name: "send", Args: sendArgs, Check: checkPair, Doc: "transmit frames on a pair and wait until their buffers are used"},
	{Name: "xmit", Args: sendArgs, Check: checkPair, Doc: "transmit frames and kick, without waiting"},
	{Name: "post", Args: sendArgs, Check: checkPair, Doc: "post frames without kicking"},
	{Name: "kick", Args: []scenario.ArgSpec{pairArg}, Check: checkPair, Doc: "write the doorbell of a pair's transmit queue"},
	{Name: "wait", Doc: "wait until every transmitted frame and control command completed"},
	{Name: "recv", Args: []scenario.ArgSpec{{Name: "n", Kind: scenario.ArgInt, Min: 1, Max: 1024, Required: true, Doc: "frames"}},
		Doc: "wait until n more frames were received (since the last recv) and log how many came"},
	{Name: "rx-mode", Args: []scenario.ArgSpec{
		{Name: "MODE", Positional: true, Kind: scenario.ArgWord, Values: []string{"promisc", "allmulti", "alluni", "nomulti", "nouni", "nobcast"}, Required: true},
		{Name: "STATE", Positional: true, Kind: scenario.ArgWord, Values: []string{"on", "off"}, Required: true}, waitArg},
		Doc: "VIRTIO_NET_CTRL_RX command"},
	{Name: "mac-table", Args: []scenario.ArgSpec{
		{Name: "uc", Kind: scenario.ArgInt, Min: 0, Max: 64, Default: "1", Doc: "unicast entries"},
		{Name: "mc", Kind: scenario.ArgInt, Min: 0, Max: 64, Default: "1", Doc: "multicast entries"}, waitArg},
		Doc: "VIRTIO_NET_CTRL_MAC_TABLE_SET with generated addresses"},
	{Name: "mac-addr", Args: []scenario.ArgSpec{
		{Name: "n", Kind: scenario.ArgInt, Min: 1, Max: 255, Default: "1", Doc: "the address 02:00:00:00:01:n"}, waitArg},
		Doc: "VIRTIO_NET_CTRL_MAC_ADDR_SET"},
	{Name: "vlan", Args: []scenario.ArgSpec{
		{Name: "ID", Positional: true, Kind: scenario.ArgInt, Min: 0, Max: 4095, Required: true},
		{Name: "op", Kind: scenario.ArgWord, Values: []string{"add", "del"}, Default: "add"}, waitArg},
		Doc: "VIRTIO_NET_CTRL_VLAN_ADD or _DEL"},
	{Name: "mq", Args: []scenario.ArgSpec{
		{Name: "pairs", Kind: scenario.ArgInt, Min: 1, Max: MaxPairs, Required: true}, waitArg},
		Doc: "VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET"},
	{Name: "read-config", Doc: "read virtio_net_config (generation loop) and log mac, link and max pairs"},
	{Name: "reset", Doc: "device_status <- 0, poll until it reads 0"},
}

// checkPair refuses a pair q= beyond the pairs the scenario's queues give
// the driver (checkProbe): no probe can set such a pair up, so the
// operation could only fail, whatever the device does.
func checkPair(v scenario.Values, ctx scenario.Context) string {
	if ctx.Queues == 0 {
		return ""
	}
	pairs := ctx.Queues / 2
	if int(v.Int("q")) < pairs {
		return ""
	}
	valid := fmt.Sprintf("q=0..%d", pairs-1)
	switch pairs {
	case 0:
		valid = "none"
	case 1:
		valid = "q=0"
	}
	return fmt.Sprintf("q=%d: the scenario's queues %d give the driver %s (%s)", v.Int("q"), ctx.Queues, plural.Count(pairs, "queue pair"), valid)
}

// Info registers the net driver: it binds virtio-net VFs.
var Info = guest.Info{
	Name:     "net",
	DeviceID: spec.PCIDeviceVirtioNet,
	Verbs:    Verbs,
	Doc:      "Linux-like virtio-pci network driver (virtio_pci_modern, virtio_net)",
	New:      func(bus guest.Bus, cfg guest.Config) guest.Driver { return New(bus, cfg.Plan) },
}

// Exec runs one operation of Verbs.
func (g *Driver) Exec(op scenario.Op) error {
	verbs := Verbs.Lookup(op.Verb, 0)
	if len(verbs) == 0 {
		return fmt.Errorf("unknown net operation %q (want %s)", op.Verb, strings.Join(Verbs.Names(0), ", "))
	}
	v, err := scenario.Bind(verbs[0], op, scenario.Context{Queues: len(g.plan.Rings)})
	if err != nil {
		return err
	}
	wait := v.Str("wait") != "no"
	switch op.Verb {
	case "probe":
		g.ProbePart(probePoint(v.Str("from")), probePoint(v.Str("until")))
	case "send", "xmit", "post":
		p := int(v.Int("q"))
		if g.Post(p, int(v.Int("n")), uint32(v.Int("flow")), int(v.Int("size"))) && op.Verb != "post" {
			g.Kick(p)
			if op.Verb == "send" {
				g.Wait()
			}
		}
	case "kick":
		g.Kick(int(v.Int("q")))
	case "wait":
		g.Wait()
	case "recv":
		g.Recv(int(v.Int("n")))
	case "rx-mode":
		on := byte(0)
		if v.Str("STATE") == "on" {
			on = 1
		}
		g.command(rxModes[v.Str("MODE")], []byte{on}, wait)
	case "mac-table":
		g.command(spec.NetMACTableSet, MACTable(int(v.Int("uc")), int(v.Int("mc"))), wait)
	case "mac-addr":
		g.command(spec.NetMACAddrSet, []byte{0x02, 0, 0, 0, 1, byte(v.Int("n"))}, wait)
	case "vlan":
		c := spec.NetVLANAdd
		if v.Str("op") == "del" {
			c = spec.NetVLANDel
		}
		g.command(c, binary.LittleEndian.AppendUint16(nil, uint16(v.Int("ID"))), wait)
	case "mq":
		g.SetPairs(uint16(v.Int("pairs")), wait)
	case "read-config":
		g.readConfig()
		g.logf("config: mac=%s link=%s max-pairs=%d mtu=%d", macString(g.mac), linkString(g.status), g.maxPairs, g.mtu)
	case "reset":
		g.Reset()
	}
	return nil
}
