package net

import (
	"fmt"
	"math/bits"

	"github.com/migsim/migsim/devctx"
	"github.com/migsim/migsim/spec"
)

// cvqState is what the control virtqueue sets (virtio spec, "Control
// Virtqueue"): the receive modes, the MAC filtering table, the default MAC
// address, the VLAN filter table and the queue pairs in use. It is a value:
// the tables are replaced, never changed in place, so a copy is a clone.
type cvqState struct {
	// rx has bit i set when VIRTIO_NET_CTRL_RX command i is on.
	rx         uint8
	uni, multi []devctx.MAC
	mac        devctx.MAC
	vlans      [devctx.NetVLANMax / 64]uint64
	pairs      uint16
}

// defaultCVQ is the state after reset: every mode off, empty tables
// (NET-DEV-06, NET-DEV-08), the provisioned mac, one pair (NET-DEV-10).
func defaultCVQ(mac devctx.MAC) cvqState { return cvqState{mac: mac, pairs: 1} }

func (s *cvqState) mode(c spec.NetCVQCommand) bool { return s.rx&(1<<c.Command) != 0 }

func (s *cvqState) setMode(c spec.NetCVQCommand, on bool) {
	if on {
		s.rx |= 1 << c.Command
	} else {
		s.rx &^= 1 << c.Command
	}
}

func (s *cvqState) hasVLAN(id uint16) bool { return s.vlans[id/64]&(1<<(id%64)) != 0 }

func (s *cvqState) setVLAN(id uint16, on bool) {
	if on {
		s.vlans[id/64] |= 1 << (id % 64)
	} else {
		s.vlans[id/64] &^= 1 << (id % 64)
	}
}

// vlanTable lists the VLANs in the table, ascending. It visits only the
// set bits: the table is read for every context digest, and most of its
// 4096 bits are clear.
func (s *cvqState) vlanTable() []uint16 {
	var ids []uint16
	for w, word := range s.vlans {
		for word != 0 {
			ids = append(ids, uint16(w*64+bits.TrailingZeros64(word)))
			word &= word - 1
		}
	}
	return ids
}

// commandFeature is the feature a control command needs negotiated, for
// the commands the device offers at all.
func commandFeature(c spec.NetCVQCommand) (spec.Feature, bool) {
	switch c {
	case spec.NetRxPromisc, spec.NetRxAllMulti, spec.NetMACTableSet:
		return spec.FeatureNetCtrlRx, true
	case spec.NetRxAllUni, spec.NetRxNoMulti, spec.NetRxNoUni, spec.NetRxNoBcast:
		return spec.FeatureNetCtrlRxExtra, true
	case spec.NetMACAddrSet:
		return spec.FeatureNetCtrlMACAddr, true
	case spec.NetVLANAdd, spec.NetVLANDel:
		return spec.FeatureNetCtrlVLAN, true
	case spec.NetAnnounceAck:
		return spec.FeatureNetGuestAnnounce, true
	case spec.NetMQVQPairsSet:
		return spec.FeatureNetMQ, true
	}
	return 0, false
}

// value returns the state command c sets, in the layout of its
// command-specific-data (the value of its VIRTIO_NET_DEV_PART_CVQ_CFG_PART).
func (s *cvqState) value(c spec.NetCVQCommand) devctx.NetCVQValue {
	switch c {
	case spec.NetMACTableSet:
		return devctx.NetMACTable{Unicast: s.uni, Multicast: s.multi}
	case spec.NetMACAddrSet:
		return devctx.NetMACAddr{MAC: s.mac}
	case spec.NetVLANAdd:
		return devctx.NetVLANTable{IDs: s.vlanTable()}
	case spec.NetAnnounceAck:
		return devctx.NetAnnounceAck{}
	case spec.NetMQVQPairsSet:
		return devctx.NetMQPairs{Pairs: s.pairs}
	}
	return devctx.NetRxMode{On: s.mode(c)}
}

// set makes v the state command c sets: the effect of a
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART (the VLAN part replaces the whole
// table). maxPairs bounds virtqueue_pairs. ANNOUNCE_ACK sets nothing here:
// the announce bit is status, not control-queue state.
func (s *cvqState) set(c spec.NetCVQCommand, v devctx.NetCVQValue, maxPairs uint16) error {
	switch v := v.(type) {
	case devctx.NetRxMode:
		s.setMode(c, v.On)
	case devctx.NetMACTable:
		s.uni, s.multi = v.Unicast, v.Multicast
	case devctx.NetMACAddr:
		s.mac = v.MAC
	case devctx.NetVLANTable:
		s.vlans = [devctx.NetVLANMax / 64]uint64{}
		for _, id := range v.IDs {
			s.setVLAN(id, true)
		}
	case devctx.NetMQPairs:
		if v.Pairs > maxPairs {
			return fmt.Errorf("virtqueue_pairs %d above max_virtqueue_pairs %d", v.Pairs, maxPairs)
		}
		s.pairs = v.Pairs
	}
	return nil
}
