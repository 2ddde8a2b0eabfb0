package oracle_test

import (
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// netTraffic is a virtio-net guest that transmits and receives while the
// default flow migrates it.
const netTraffic = `scenario net-traffic
vfs 1
queues 9
set vf-device=net
set hv-await=ready
guest vcpu0 driver=net
  probe
  send n=2
  signal ready
  sleep ms=100
  send n=2 q=1
peer wire
  rx n=3
  await ready
  rx n=3 flow=1
`

// privateNetwork wires a destination's net device (a member outside the
// source's bus 1) to a network of its own: what it transmits never reaches
// the VF's wire, although the guest sees every transmit buffer used.
func privateNetwork(f member.Factory) member.Factory {
	return func(c member.Config) member.Device {
		if c.RID>>8 == 1 {
			return f(c)
		}
		c.Backing = membernet.NewLink(99, membernet.DefaultMTU).NewPort("private", membernet.DefaultFIFOFrames)
		return f(c)
	}
}

// plantedNet are the planted cases of the wire oracle.
var plantedNet = []plant{
	{oracle: "wire", name: "transmits into a network of its own", ed: spec.Virtio14, scn: netTraffic, netDevice: privateNetwork,
		want: "wire", msg: "vf1: the guest saw frame 3 sent (transmitq 3), the wire never carried it", reqs: []string{"DP-DEV-09"}},
	{oracle: "wire", name: "clean: traffic across the default flow", ed: spec.Draft2023, scn: netTraffic},
	{oracle: "wire", name: "clean: traffic across the default flow", ed: spec.Virtio14, scn: netTraffic},
}

func init() { planted = append(planted, plantedNet...) }
