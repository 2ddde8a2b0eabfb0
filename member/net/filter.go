package net

import (
	"encoding/binary"
	"hash/fnv"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// Ethernet framing the device looks at.
const (
	ethHeader  = 14
	vlanTag    = 4
	etherVLAN  = 0x8100
	maxRxFrame = 65550 // the largest frame a receive path takes (65535 payload, headers)
)

var broadcast = devctx.MAC{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}

// vlanOf returns the frame's 802.1Q VLAN id, if it is tagged.
func vlanOf(b []byte) (uint16, bool) {
	if len(b) >= ethHeader+vlanTag && binary.BigEndian.Uint16(b[12:]) == etherVLAN {
		return binary.BigEndian.Uint16(b[14:]) & 0xfff, true
	}
	return 0, false
}

// maxFrame is the longest frame the device passes with VIRTIO_NET_F_MTU
// negotiated: mtu plus the Ethernet header, plus the tag of a tagged one
// (NET-DEV-02).
func (d *device) maxFrame(b []byte) int {
	n := int(d.port.link.MTU()) + ethHeader
	if _, tagged := vlanOf(b); tagged {
		n += vlanTag
	}
	return n
}

// accept applies the receive filter to a frame (virtio spec, "Packet
// Receive Filtering", "Setting MAC Address Filtering", "VLAN Filtering")
// for the negotiated features f, or says why it is dropped. Without
// CTRL_RX the driver cannot program the filter: the device takes its own
// mac, broadcast and every multicast. PROMISC takes everything; the NO*
// modes win over ALLMULTI and ALLUNI; a table longer than MACFilterSize
// takes every address of its kind.
func (d *device) accept(b []byte, f spec.Features) (bool, DropReason) {
	if len(b) < ethHeader {
		return false, DropRunt
	}
	if f.Has(spec.FeatureNetMTU) && len(b) > d.maxFrame(b) {
		return false, DropMTU
	}
	if len(b) > maxRxFrame {
		return false, DropMTU
	}
	s := &d.cvq
	ctrlRx := f.Has(spec.FeatureNetCtrlRx)
	if ctrlRx && s.mode(spec.NetRxPromisc) {
		return true, 0
	}
	if id, tagged := vlanOf(b); tagged && f.Has(spec.FeatureNetCtrlVLAN) && !s.hasVLAN(id) {
		return false, DropFiltered
	}
	var dst devctx.MAC
	copy(dst[:], b)
	extra := f.Has(spec.FeatureNetCtrlRxExtra)
	switch {
	case dst == broadcast:
		return !(extra && s.mode(spec.NetRxNoBcast)), DropFiltered
	case dst[0]&1 != 0:
		switch {
		case extra && s.mode(spec.NetRxNoMulti):
			return false, DropFiltered
		case !ctrlRx || s.mode(spec.NetRxAllMulti) || inTable(s.multi, dst):
			return true, 0
		}
		return false, DropFiltered
	}
	switch {
	case extra && s.mode(spec.NetRxNoUni):
		return false, DropFiltered
	case dst == s.mac || (extra && s.mode(spec.NetRxAllUni)) || (ctrlRx && inTable(s.uni, dst)):
		return true, 0
	}
	return false, DropFiltered
}

// inTable reports whether m matches the table, or the table is longer
// than the device matches exactly.
func inTable(t []devctx.MAC, m devctx.MAC) bool {
	if len(t) > MACFilterSize {
		return true
	}
	for _, x := range t {
		if x == m {
			return true
		}
	}
	return false
}

// flowHash is the receive steering hash of a frame: FNV-32a over the
// source address, the EtherType and, for the link's own frames, the flow
// field. Frames of one flow go to one queue (virtio spec, "Automatic
// receive steering in multiqueue mode").
func flowHash(b []byte) uint32 {
	h := fnv.New32a()
	if len(b) < ethHeader {
		h.Write(b)
		return h.Sum32()
	}
	h.Write(b[6:12])
	off := 12
	if _, tagged := vlanOf(b); tagged {
		off += vlanTag
	}
	if off+2 <= len(b) {
		h.Write(b[off : off+2])
		if binary.BigEndian.Uint16(b[off:]) == EtherTypeMigsim && off+14 <= len(b) {
			h.Write(b[off+10 : off+14])
		}
	}
	return h.Sum32()
}

// pairOf is the queue pair a held frame goes to with the pairs in use now:
// never one at or beyond virtqueue_pairs (NET-DEV-10).
func (d *device) pairOf(b []byte) uint16 { return uint16(flowHash(b) % uint32(max(d.cvq.pairs, 1))) }
