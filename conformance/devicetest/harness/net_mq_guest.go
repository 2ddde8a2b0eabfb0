package harness

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// The test guest's multiqueue side of a virtio-net device (virtio spec,
// "Network Device", "Automatic receive steering in multiqueue mode"): with
// VIRTIO_NET_F_MQ negotiated it sets up every pair's queues and chooses
// how many it uses with VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET, as Linux's
// virtnet_set_queues (drivers/net/virtio_net.c) does once its interface
// is up.

// SetPairs sends VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET with virtqueue_pairs n
// (struct virtio_net_ctrl_mq_pairs_set, le16). It is a set-up step: a
// command whose buffer is not used or whose ack is not VIRTIO_NET_OK ends
// the test, naming no requirement.
func (gu *Guest) SetPairs(n uint16) {
	c := gu.Rig.Check
	defer c.setUp(StepCtrl, "the control command that sets the queue pairs in use (MQ_VQ_PAIRS_SET)")()
	ack, used := gu.command(spec.NetMQVQPairsSet, devctx.NetMQPairs{Pairs: n}.Encode())
	switch {
	case !used:
		c.Errorf("", "%s: controlq's used index did not move on: the device did not use the command's buffer", spec.NetMQVQPairsSet)
	case ack != spec.NetAckOK:
		c.Errorf("", "%s virtqueue_pairs %d: ack %s, want 0 (VIRTIO_NET_OK)", spec.NetMQVQPairsSet, n, ackName(ack))
	default:
		return
	}
	panic(stopCheck{})
}
