package mutants

import (
	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/member"
	membernet "github.com/migsim/migsim/member/net"
	"github.com/migsim/migsim/spec"
)

// Bugs of a virtio-net device (docs/net.md). Their wrappers act only on a
// member whose backing is a virtio-net port; around any other device they
// change nothing.

var dmaRxWhileStopped = Mutant{
	Name:     "dma-rx-while-stopped",
	Doc:      "virtio-net: writes a frame that arrives while stopped into the first receive buffer (a stopped device touches no buffer)",
	Editions: bothEditions,
	Device:   DeviceNet,
	Wrap: func(c member.Config, d member.Device) member.Device {
		p, _ := c.Backing.(*membernet.Port)
		return &rxWhileStopped{Device: d, c: c, port: p}
	},
}

// rxWhileStopped follows where receiveq1's descriptor table is and, when
// frames reach its port while it is stopped, writes the first one into the
// buffer of descriptor 0 by DMA before the device it wraps takes them in.
type rxWhileStopped struct {
	member.Device
	c    member.Config
	port *membernet.Port
	qs   queueSnoop
}

func (d *rxWhileStopped) Handle(ev member.Event) member.Effects {
	d.qs.observe(d.c, ev)
	if ev.Kind == member.EvBackend && d.port != nil && d.port.Waiting() > 0 && d.Device.Status().Mode.Quiesced() {
		if desc := d.qs.desc[0]; desc != 0 {
			var e [16]byte
			if d.c.Mem.ReadMem(d.c.RID, desc, e[:]) == nil {
				addr := le64(e[:], 0)
				frame := append(make([]byte, 12), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)
				_ = d.c.Mem.WriteMem(d.c.RID, addr, frame)
			}
		}
	}
	return d.Device.Handle(ev)
}

var forgetsMACTableOnRestore = Mutant{
	Name:     "forgets-mac-table-on-restore",
	Doc:      "virtio-net: applies every part of a restore but the MAC TABLE_SET one, which it takes as empty tables",
	Editions: v14Only,
	Device:   DeviceNet,
	Wrap: func(c member.Config, d member.Device) member.Device {
		return &requestRewriter{Device: d, c: c, rewrite: func(req member.AdminRequest) []byte {
			if req.Opcode != uint16(spec.OpDevPartsSet) {
				return req.Data
			}
			return rewritePartsSet(req.Data, func(p devctx.Part) devctx.Part {
				if p.Type == spec.PartNetCVQCfg && p.NetCVQ().Cmd() == spec.NetMACTableSet {
					p.Value = devctx.NetMACTable{}.Encode()
				}
				return p
			})
		}}
	},
}

func le64(b []byte, off int) uint64 {
	var v uint64
	for i := 7; i >= 0; i-- {
		v = v<<8 | uint64(b[off+i])
	}
	return v
}
