package net

import (
	"encoding/binary"
	"fmt"
	"strings"

	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/spec"
)

// Offsets in struct virtio_net_config (virtio spec, "Network Device",
// "Device configuration layout"). The device exposes the fields up to mtu:
// it offers neither SPEED_DUPLEX nor RSS nor HASH_REPORT.
const (
	cfgMAC      = 0
	cfgStatus   = 6
	cfgMaxPairs = 8
	cfgMTU      = 10
	configLen   = 12
)

// ReadConfig returns virtio_net_config as the driver reads it: mac (the
// provisioned one or the one MAC_ADDR_SET chose), status, max_virtqueue_pairs
// (1 to 0x8000) and mtu (the link's, 68 to 65535; NET-DEV-01).
func (d *device) ReadConfig() []byte {
	c := make([]byte, configLen)
	copy(c[cfgMAC:], d.cvq.mac[:])
	binary.LittleEndian.PutUint16(c[cfgStatus:], d.status)
	binary.LittleEndian.PutUint16(c[cfgMaxPairs:], d.maxPairs)
	binary.LittleEndian.PutUint16(c[cfgMTU:], d.port.link.MTU())
	return c
}

// CheckConfigWrite refuses every write: the network device's
// configuration is read-only for the driver (only the legacy interface let
// it write mac).
func (d *device) CheckConfigWrite(off uint64, data []byte, _ spec.Features) (string, error) {
	return "", fmt.Errorf("device config write of %d bytes at %#x ignored (virtio_net_config is read-only)", len(data), off)
}

// WriteConfig is never called: CheckConfigWrite accepts nothing.
func (d *device) WriteConfig(uint64, []byte) {}

// shownStatus is the status the host side asks for: the port's link state
// and an announce taken in, on top of an announce still shown.
func (d *device) shownStatus() uint16 {
	s := d.status &^ spec.NetStatusLinkUp
	if d.port.linkUp {
		s |= spec.NetStatusLinkUp
	}
	if d.announceWanted {
		s |= spec.NetStatusAnnounce
	}
	return s
}

// HostChange reports a status change (link state, announce) and the
// receive queues that have a held frame to take (the pairs in use only).
func (d *device) HostChange() member.HostChange {
	hc := member.HostChange{Queues: d.rxWork()}
	if s := d.shownStatus(); s != d.status {
		hc.Config = true
		hc.What = fmt.Sprintf("status change to %s", statusString(s))
	} else {
		hc.What = fmt.Sprintf("status unchanged (%s)", statusString(s))
	}
	if len(d.port.fifo) > 0 {
		hc.What += fmt.Sprintf(", %d frames held", len(d.port.fifo))
	}
	return hc
}

// ApplyHostChange shows the status the host side asks for.
func (d *device) ApplyHostChange() string {
	s := d.shownStatus()
	note := fmt.Sprintf("status %s -> %s", statusString(d.status), statusString(s))
	d.status, d.announceWanted = s, false
	return note
}

// rxWork lists the receive queues of the pairs in use that a held frame
// goes to, ascending.
func (d *device) rxWork() []uint16 {
	if len(d.port.fifo) == 0 {
		return nil
	}
	want := make([]bool, max(d.cvq.pairs, 1))
	for _, f := range d.port.fifo {
		want[d.pairOf(f.Data)] = true
	}
	var qs []uint16
	for p := range uint16(len(want)) {
		if want[p] {
			qs = append(qs, 2*p)
		}
	}
	return qs
}

// statusString renders VIRTIO_NET_S_* bits: "LINK_UP|ANNOUNCE", "0".
func statusString(s uint16) string {
	var parts []string
	if s&spec.NetStatusLinkUp != 0 {
		parts = append(parts, "LINK_UP")
	}
	if s&spec.NetStatusAnnounce != 0 {
		parts = append(parts, "ANNOUNCE")
	}
	if rest := s &^ (spec.NetStatusLinkUp | spec.NetStatusAnnounce); rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", rest))
	}
	if len(parts) == 0 {
		return "0"
	}
	return strings.Join(parts, "|")
}
