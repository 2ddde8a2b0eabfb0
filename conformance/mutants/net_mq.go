package mutants

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// restoresMaxPairs is a virtio-net device whose restore takes the queue
// pairs in use as max_virtqueue_pairs, whatever the source's state says:
// the MQ VQ_PAIRS_SET part of a DEV_PARTS_SET (virtio-1.4) or of the
// NET_CVQ field of a DEV_CTX_WRITE (draft-2023) is applied as the maximum
// (docs/net.md). After the resume it steers frames to every pair, beyond
// those the driver chose with VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET (virtio
// spec, "Automatic receive steering in multiqueue mode"), and reads back
// the maximum. A device with one pair shows nothing.
var restoresMaxPairs = Mutant{
	Name: "restores-max-pairs",
	Doc: "virtio-net: restores the queue pairs in use as max_virtqueue_pairs, whatever the MQ VQ_PAIRS_SET part " +
		"(virtio-1.4) or the NET_CVQ field (draft-2023) written to it says",
	Editions: bothEditions,
	Device:   DeviceNet,
	Wrap: func(c member.Config, d member.Device) member.Device {
		if _, ok := c.Backing.(*membernet.Port); !ok {
			return d
		}
		most := devctx.NetMQPairs{Pairs: maxPairs(c)}.Encode()
		toMost := func(p devctx.Part) devctx.Part {
			if p.Type == spec.PartNetCVQCfg && p.NetCVQ().Cmd() == spec.NetMQVQPairsSet {
				p.Value = most
			}
			return p
		}
		return &requestRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest) []byte {
			switch {
			case c.Edition == spec.Virtio14 && req.Opcode == uint16(spec.OpDevPartsSet):
				return rewritePartsSet(req.Data, toMost)
			case c.Edition == spec.Draft2023 && req.Opcode == uint16(spec.DraftOpDevCtxWrite):
				return rewriteContext(req.Data, func(f devctx.Field) devctx.Field {
					if f.Type != spec.FieldNetCVQ {
						return f
					}
					ps, err := devctx.DecodeNetCVQField(f.Value)
					if err != nil {
						return f
					}
					for i := range ps {
						ps[i] = toMost(ps[i])
					}
					return devctx.NetCVQField(ps)
				})
			}
			return req.Data
		}}
	},
}

// maxPairs is max_virtqueue_pairs of the virtio-net member c builds
// (membernet.New): NumQueues 0 gives membernet.DefaultMaxPairs, any other
// count NumQueues/2 pairs, at least one.
func maxPairs(c member.Config) uint16 {
	if c.NumQueues == 0 {
		return membernet.DefaultMaxPairs
	}
	return max(c.NumQueues/2, 1)
}
