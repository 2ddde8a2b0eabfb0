package oracle

import (
	"fmt"
	"slices"
	"strings"

	guestnet "github.com/migsim/migsim/guest/net"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/world/observe"
)

// Wire is the wire oracle: in a world of virtio-net VFs, the network saw
// what the guest did. It runs at the end of the run.
var Wire observe.FinishOracle = wire{}

type wire struct{}

var wireInfo = observe.OracleInfo{
	Name: "wire",
	Doc:  "virtio-net: every frame the guest transmitted reached the wire once, received frames reached the guest at most once and in order, none vanished uncounted",
	Reqs: []string{"DP-DEV-09", "DRAFT-CTX-09"},
	Observes: "the network of each net VF (the frames the wire put on the VF's ports, the frames put on the wire, " +
		"the frames written into receive buffers, the drops with their reasons, what was still pending on a port) " +
		"and the transmit completions in the guest's log",
}

func (wire) Info() observe.OracleInfo { return wireInfo }

// CheckFinish judges each VF's network: a guest frame on the wire twice
// (resent by a destination) or a completed transmit never on it; a
// received frame written into a receive buffer twice, or before an earlier
// frame of its flow; a frame that arrived on a port and was neither
// delivered, dropped with a reason, nor still pending.
func (wire) CheckFinish(p *observe.FinishPass) {
	var log []string // read only when a VF has a network to judge
	for i, v := range p.Wire() {
		if i == 0 {
			log = p.GuestLog()
		}
		if msg := judgeWire(v, log); msg != "" {
			p.Report(append([]string{}, v.Guests...), "vf%d: %s", v.VF, msg)
			return
		}
	}
}

func judgeWire(v observe.WireView, log []string) string {
	onWire := map[uint64][]string{}
	for _, t := range v.Transmitted {
		if seq, _, ok := guestnet.ParseFrame(t.Frame.Data); ok {
			onWire[seq] = append(onWire[seq], t.Port)
		}
	}
	for _, t := range v.Transmitted {
		seq, _, ok := guestnet.ParseFrame(t.Frame.Data)
		if ok && len(onWire[seq]) > 1 {
			return fmt.Sprintf("frame %d the guest transmitted reached the wire %d times (from %s)", seq,
				len(onWire[seq]), strings.Join(onWire[seq], ", "))
		}
	}
	for _, g := range v.Guests {
		for _, l := range log {
			var q int
			var seq uint64
			if _, err := fmt.Sscanf(l, g+": tx q%d seq=%d: sent", &q, &seq); err != nil {
				continue
			}
			if len(onWire[seq]) == 0 {
				return fmt.Sprintf("the guest saw frame %d sent (transmitq %d), the wire never carried it", seq, q)
			}
		}
	}
	flowOf := map[uint64]uint32{}
	made := map[string]int{}
	for _, f := range v.Made {
		flowOf[f.Seq] = f.Flow
		made[f.Port]++
	}
	seen := map[uint64]string{}
	last := map[uint32]uint64{}
	delivered := map[string]int{}
	for _, r := range v.Delivered {
		if at, ok := seen[r.Seq]; ok {
			return fmt.Sprintf("received frame %d was written into a receive buffer twice (by %s, then %s)", r.Seq, at, r.Port)
		}
		seen[r.Seq] = r.Port
		delivered[r.Port]++
		flow := flowOf[r.Seq]
		if l, ok := last[flow]; ok && r.Seq < l {
			return fmt.Sprintf("received frame %d of flow %d reached the guest after frame %d", r.Seq, flow, l)
		}
		last[flow] = r.Seq
	}
	dropped := map[string]int{}
	for _, d := range v.Drops {
		if d.Dir == membernet.DirRx {
			dropped[d.Port]++
		}
	}
	for _, port := range sortedKeys(made) {
		if got := delivered[port] + dropped[port] + v.Pending[port]; got < made[port] {
			return fmt.Sprintf("%d frames arrived on %s and %d vanished: %d delivered, %d dropped, %d pending",
				made[port], port, made[port]-got, delivered[port], dropped[port], v.Pending[port])
		}
	}
	return ""
}

func sortedKeys(m map[string]int) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
