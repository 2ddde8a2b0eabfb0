package net

import (
	"bytes"
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// Parts returns the VIRTIO_NET_DEV_PART_CVQ_CFG_PART parts (virtio spec,
// "Network Device", "Device parts"; NET-PART-01..03): one per command the
// device offers a feature for, in the order of the spec's selector table,
// each holding what that command set in its command-specific-data layout —
// the six receive modes, the MAC table, the MAC address, the whole VLAN
// table, the announce ack and the queue pairs. They are emitted whether or
// not the driver negotiated the feature (then they hold the reset values),
// so a device's parts do not change shape with the driver. ANNOUNCE_ACK is
// OPTIONAL and emitted only while no announce is shown: it says the guest
// acknowledged the last one. RSS_CONFIG and HASH_CONFIG are not offered.
func (d *device) Parts() []devctx.Part {
	sels := spec.NetCVQPartSelectors()
	out := make([]devctx.Part, 0, len(sels))
	for _, c := range sels {
		need, offered := commandFeature(c)
		if !offered || !d.features.Has(need) {
			continue
		}
		p := devctx.NewNetCVQPart(c, d.cvq.value(c))
		if c == spec.NetAnnounceAck {
			if d.status&spec.NetStatusAnnounce != 0 {
				continue
			}
			p.Flags = spec.PartFlagOptional
		}
		out = append(out, p)
	}
	return out
}

// ApplyPart applies a VIRTIO_NET_DEV_PART_CVQ_CFG_PART as its command
// would have (the VLAN part sets the whole table), with the driver features
// negotiated: ok is false for another part type and for a selector the
// device does not carry (RSS_CONFIG, HASH_CONFIG, a command whose feature
// it does not offer), which the core ignores when OPTIONAL and refuses
// otherwise (DP-DEV-07). Refused: reserved selector bytes (NET-PART-01), a
// value that does not fit the command's layout (DP-DEV-05, NET-PART-02),
// more pairs than max_virtqueue_pairs, and a value other than the reset
// one for a command the driver did not negotiate. ANNOUNCE_ACK is checked
// and not applied: clearing the announce bit is the destination's default,
// and doing it at resume would cancel an announce the destination host
// asked for while the device was stopped.
func (d *device) ApplyPart(p devctx.Part, negotiated spec.Features) (bool, error) {
	if p.Type != spec.PartNetCVQCfg {
		return false, nil
	}
	sel := p.NetCVQ()
	if !sel.ReservedZero() {
		return true, fmt.Errorf("member: %s: reserved selector bytes %#x not zero", sel.Cmd(), sel.Reserved[:])
	}
	c := sel.Cmd()
	need, offered := commandFeature(c)
	if !spec.IsNetCVQPartSelector(c) || !offered || !d.features.Has(need) {
		return false, nil
	}
	v, err := devctx.DecodeNetCVQValue(c, p.Value)
	if err != nil {
		return true, err
	}
	if c == spec.NetAnnounceAck {
		return true, nil
	}
	if !negotiated.Has(need) {
		def := defaultCVQ(d.port.link.MAC())
		if !bytes.Equal(v.Encode(), def.value(c).Encode()) {
			return true, fmt.Errorf("member: %s: %s not negotiated, so only its reset value %x fits, not %x",
				c, spec.NetFeatureName(need), def.value(c).Encode(), v.Encode())
		}
		return true, nil
	}
	if err := d.cvq.set(c, v, d.maxPairs); err != nil {
		return true, fmt.Errorf("member: %s: %w", c, err)
	}
	return true, nil
}

// Fields returns the draft-2023 fields of the device (docs/context-format.md,
// "virtio-net fields"): DEV_CFG (virtio_net_config as the driver reads it,
// so status and a pending announce travel), NET_CVQ (the parts Parts
// returns) and NET_INFLIGHT (what was executed and not completed).
//
// With reexec=all (the draft's "in-flight descriptors are re-executed" as
// written) the device records no execution: NET_INFLIGHT travels empty and
// the destination executes every device-owned request again.
func (d *device) Fields() []devctx.Field {
	inflight := d.inflight
	if d.rules.Reexec == spec.ReexecAll {
		inflight = nil
	}
	return []devctx.Field{devctx.DevCfgField(d.ReadConfig()), devctx.NetCVQField(d.Parts()),
		devctx.NetInflightList{Entries: inflight}.Field()}
}

// ApplyField applies DEV_CFG, NET_CVQ or NET_INFLIGHT; ok is false for
// another type. DEV_CFG's max_virtqueue_pairs and mtu must be the device's
// (the guest saw them; NET-DEV-01); mac and status are applied. NET_CVQ
// replaces the control-queue state (parts as ApplyPart; the mac stays as
// DEV_CFG set it unless MAC_ADDR_SET is there). NET_INFLIGHT replaces the
// in-flight marks.
func (d *device) ApplyField(f devctx.Field, negotiated spec.Features) (bool, error) {
	switch f.Type {
	case spec.FieldDevCfg:
		return true, d.applyDevCfg(f.Value)
	case spec.FieldNetCVQ:
		parts, err := devctx.DecodeNetCVQField(f.Value)
		if err != nil {
			return true, err
		}
		mac := d.cvq.mac
		d.cvq = defaultCVQ(mac)
		for i, p := range parts {
			ok, err := d.ApplyPart(p, negotiated)
			if err != nil {
				return true, fmt.Errorf("member: NET_CVQ part %d: %w", i, err)
			}
			if !ok && !p.Optional() {
				return true, fmt.Errorf("member: NET_CVQ part %d: %s not carried by this device", i, p.NetCVQ().Cmd())
			}
		}
		return true, nil
	case spec.FieldNetInflight:
		l, err := devctx.DecodeNetInflightList(f.Value)
		if err != nil {
			return true, err
		}
		for i, e := range l.Entries {
			if e.Queue > 2*d.maxPairs {
				return true, fmt.Errorf("member: NET_INFLIGHT entry %d: q%d, device has %d queues", i, e.Queue, 2*d.maxPairs+1)
			}
		}
		d.inflight = l.Entries
		return true, nil
	}
	return false, nil
}

// applyDevCfg takes mac and status from a virtio_net_config image.
func (d *device) applyDevCfg(v []byte) error {
	if len(v) != configLen {
		return fmt.Errorf("member: DEV_CFG: length %d, want %d", len(v), configLen)
	}
	if p := binary.LittleEndian.Uint16(v[cfgMaxPairs:]); p != d.maxPairs {
		return fmt.Errorf("member: DEV_CFG: max_virtqueue_pairs %d, device has %d", p, d.maxPairs)
	}
	if m := binary.LittleEndian.Uint16(v[cfgMTU:]); m != d.port.link.MTU() {
		return fmt.Errorf("member: DEV_CFG: mtu %d, device has %d", m, d.port.link.MTU())
	}
	st := binary.LittleEndian.Uint16(v[cfgStatus:])
	if st&^(spec.NetStatusLinkUp|spec.NetStatusAnnounce) != 0 {
		return fmt.Errorf("member: DEV_CFG: status %#x has undefined bits", st)
	}
	copy(d.cvq.mac[:], v[cfgMAC:])
	d.status = st
	return nil
}
