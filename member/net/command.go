package net

import (
	"encoding/binary"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// command applies one control command with the negotiated features f and
// returns its ack (virtio spec, "Control Virtqueue"). A command the device
// does not offer, whose feature is not negotiated, or whose data does not
// fit its layout gets VIRTIO_NET_ERR and changes nothing. What a command
// sets is set here, at execute, before its buffer is used (NET-DEV-06,
// NET-DEV-09, NET-DEV-10).
func (d *device) command(c spec.NetCVQCommand, data []byte, f spec.Features) uint8 {
	need, offered := commandFeature(c)
	if !offered || !f.Has(need) {
		return spec.NetAckErr
	}
	switch c {
	case spec.NetVLANAdd, spec.NetVLANDel:
		if len(data) != 2 {
			return spec.NetAckErr
		}
		id := binary.LittleEndian.Uint16(data)
		if id >= devctx.NetVLANMax {
			return spec.NetAckErr
		}
		d.cvq.setVLAN(id, c == spec.NetVLANAdd)
		return spec.NetAckOK
	case spec.NetAnnounceAck:
		if len(data) != 0 {
			return spec.NetAckErr
		}
		d.status &^= spec.NetStatusAnnounce
		return spec.NetAckOK
	}
	v, err := devctx.DecodeNetCVQValue(c, data)
	if err != nil {
		return spec.NetAckErr
	}
	next := d.cvq
	if err := next.set(c, v, d.maxPairs); err != nil {
		return spec.NetAckErr
	}
	d.cvq = next
	return spec.NetAckOK
}
