package vocab

import "github.com/migsim/migsim/scenario"

// wireVFArg is the vf= of the wire's operations.
var wireVFArg = scenario.ArgSpec{Name: "vf", Kind: scenario.ArgVF, Default: "1", Doc: "the VF whose network it is"}

// WireVerbs are the network's operations a peer runs in a world of
// virtio-net VFs (docs/net.md, "The wire in scenarios"): frames arriving,
// link changes and announce requests, on the port of the host the VM's copy
// of the VF runs on now (the network learns the new location at
// switchover).
var WireVerbs = scenario.VerbTable{
	{Name: "rx", Args: []scenario.ArgSpec{wireVFArg,
		{Name: "n", Kind: scenario.ArgInt, Min: 1, Max: 256, Default: "1", Doc: "frames"},
		{Name: "flow", Kind: scenario.ArgInt, Min: 0, Max: 1 << 16, Default: "0", Doc: "the flow (steering, order)"},
		{Name: "size", Kind: scenario.ArgInt, Min: 60, Max: 1518, Default: "64", Doc: "bytes of each frame"},
		{Name: "vlan", Kind: scenario.ArgInt, Min: -1, Max: 4095, Default: "-1", Doc: "802.1Q tag (-1: untagged)"},
		{Name: "to", Kind: scenario.ArgWord, Values: []string{"vm", "bcast", "table", "other"}, Default: "vm",
			Doc: "destination: the VM's provisioned mac, broadcast, the first unicast address of the guest's mac-table, or an address the VM never set"}},
		Doc: "frames with sequence numbers arrive on the VF's port; the device takes them in at once"},
	{Name: "link", Args: []scenario.ArgSpec{wireVFArg,
		{Name: "STATE", Positional: true, Kind: scenario.ArgWord, Values: []string{"up", "down"}, Required: true}},
		Doc: "the VF's link goes up or down (VIRTIO_NET_S_LINK_UP)"},
	{Name: "announce", Args: []scenario.ArgSpec{wireVFArg},
		Doc: "the host asks the VF's guest to announce itself (VIRTIO_NET_S_ANNOUNCE)"},
}
