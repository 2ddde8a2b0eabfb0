package devimpl

import (
	"github.com/migsim/migsim/devctx/compat"
	membernet "github.com/migsim/migsim/member/net"
)

// Implementations of the virtio-net VFs (`set vf-device=net`), described by
// member/net's own compatibility description (membernet.DefaultCompat):
// model virtio-spec.org/pci/virtio-net with num-queue-pairs, mtu and
// mac-filter-size. NetDefault is what every host of a net world runs
// unless src-impl or dst-caps names another.
const (
	// NetDefault is the virtio-net reference implementation.
	NetDefault  = "net-current"
	netImplFour = "net-4pairs"
)

// netImpls are the virtio-net implementations of the implementations table (all):
// the reference device, and the same built for at most 4 pairs (a
// destination that cannot take a source with more).
func netImpls() []Impl {
	four := membernet.DefaultCompat()
	four.MaxPairs = 4
	four.Impl = "migsim-net-4pairs/1.0.0"
	return []Impl{netImplOf(NetDefault, membernet.DefaultCompat()), netImplOf(netImplFour, four)}
}

// netImplOf turns a membernet.Compat into an Impl: its capabilities'
// parameters (whose Init values are what a source runs with; the pairs
// follow the scenario's queues) and the parts manifest of its description.
func netImplOf(name string, c membernet.Compat) Impl {
	caps := c.Caps().Models[0]
	return Impl{Name: name, Model: caps.Model, ID: c.Impl, Version: c.StateVersion, MinVersion: c.MinStateVersion,
		Params: caps.Params, Features: uint64(c.Features), Parts: c.Description(1, membernet.DefaultMTU, nil).Parts}
}

// netPairsOf is max_virtqueue_pairs of a member with queues queues (2N+1:
// N pairs and the control queue; 2N: N pairs).
func netPairsOf(queues int) int64 { return int64(max(queues/2, 1)) }

// netParamDefault is the value of a virtio-net parameter a source derives
// from the scenario (num-queue-pairs from queues); ok is false for others.
func netParamDefault(name string, queues int) (compat.Value, bool) {
	if name == membernet.ParamNumQueuePairs {
		return compat.IntValue(netPairsOf(queues)), true
	}
	return compat.Value{}, false
}

// isNetDerived reports whether a virtio-net parameter follows the scenario
// (netParamDefault).
func isNetDerived(name string) bool { _, ok := netParamDefault(name, 0); return ok }
