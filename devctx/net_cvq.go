package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// NetCVQSelector is struct virtio_net_dev_part_cvq_selector, the
// device_type_raw selector of a VIRTIO_NET_DEV_PART_CVQ_CFG_PART (virtio
// spec, "Network Device", "Device parts"): u8 class; u8 command;
// u8 reserved[6]. Reserved is kept as decoded so a selector re-encodes byte
// for byte; the spec sets it to zero (NET-PART-01).
type NetCVQSelector struct {
	Class    spec.NetCtrlClass
	Command  uint8
	Reserved [6]byte
}

// Cmd returns the control-virtqueue command the selector names.
func (s NetCVQSelector) Cmd() spec.NetCVQCommand {
	return spec.NetCVQCommand{Class: s.Class, Command: s.Command}
}

// Raw returns the 8 selector bytes.
func (s NetCVQSelector) Raw() [8]byte {
	var r [8]byte
	r[0], r[1] = uint8(s.Class), s.Command
	copy(r[2:], s.Reserved[:])
	return r
}

// ReservedZero reports whether the reserved bytes are zero.
func (s NetCVQSelector) ReservedZero() bool { return s.Reserved == [6]byte{} }

// DecodeNetCVQSelector reads the selector from the raw header bytes.
func DecodeNetCVQSelector(raw [8]byte) NetCVQSelector {
	s := NetCVQSelector{Class: spec.NetCtrlClass(raw[0]), Command: raw[1]}
	copy(s.Reserved[:], raw[2:])
	return s
}

// NetCVQ returns the part's selector read as a
// virtio_net_dev_part_cvq_selector (meaningful for NET_CVQ_CFG parts).
func (p Part) NetCVQ() NetCVQSelector { return DecodeNetCVQSelector(p.Selector) }

// NewNetCVQPart returns a VIRTIO_NET_DEV_PART_CVQ_CFG_PART (0x200) for
// command c with value v (the command's command-specific-data layout).
func NewNetCVQPart(c spec.NetCVQCommand, v NetCVQValue) Part {
	return Part{Type: spec.PartNetCVQCfg, Selector: NetCVQSelector{Class: c.Class, Command: c.Command}.Raw(),
		Value: v.Encode()}
}

// NetCVQValue is the value of a VIRTIO_NET_DEV_PART_CVQ_CFG_PART: the
// command-specific-data of the control-virtqueue command its selector names
// (virtio spec, "Control Virtqueue"). Every implementation re-encodes what
// DecodeNetCVQValue read byte for byte.
type NetCVQValue interface {
	// Encode returns the value bytes.
	Encode() []byte
	// Attrs renders the value as named attributes.
	Attrs() []Attr
}

// DecodeNetCVQValue decodes the value of the part for command c. A command
// that is no part selector (NET-PART-03) is an ErrSelector error; a value
// whose length does not fit the layout an ErrLength or ErrTruncated one; a
// value the layout forbids (an on/off byte of 2, virtqueue_pairs 0, a VLAN
// id of 4096 or a repeated one) an ErrValue one. Nothing is allocated
// beyond what the input holds.
func DecodeNetCVQValue(c spec.NetCVQCommand, b []byte) (NetCVQValue, error) {
	v, err := decodeNetCVQValueAt(c, b, 0)
	if err != nil {
		return nil, &pkgError{err}
	}
	return v, nil
}

// decodeNetCVQValueAt decodes the value of command c that starts at byte
// at of what holds it. The error is an *OffsetError ("NET_CVQ_CFG <command>
// value") at, with the offsets inside counted from the same origin.
func decodeNetCVQValueAt(c spec.NetCVQCommand, b []byte, at int) (NetCVQValue, error) {
	v, err := decodeNetCVQValue(c, b)
	if err != nil {
		return nil, Rebase(&OffsetError{What: fmt.Sprintf("NET_CVQ_CFG %s value", c), Err: err}, at)
	}
	return v, nil
}

func decodeNetCVQValue(c spec.NetCVQCommand, b []byte) (NetCVQValue, error) {
	switch {
	case c.Class == spec.NetCtrlRx && spec.IsNetCVQPartSelector(c):
		return decodeNetRxMode(b)
	case c == spec.NetMACTableSet:
		return decodeNetMACTable(b)
	case c == spec.NetMACAddrSet:
		if len(b) != 6 {
			return nil, fmt.Errorf("%w %d, want 6 (u8 mac[6])", ErrLength, len(b))
		}
		var m NetMACAddr
		copy(m.MAC[:], b)
		return m, nil
	case c == spec.NetVLANAdd:
		return decodeNetVLANTable(b)
	case c == spec.NetAnnounceAck:
		if len(b) != 0 {
			return nil, fmt.Errorf("%w %d, want 0 (ANNOUNCE_ACK has no data)", ErrLength, len(b))
		}
		return NetAnnounceAck{}, nil
	case c == spec.NetMQVQPairsSet:
		return decodeNetMQPairs(b)
	case c == spec.NetMQRSSConfig:
		return decodeNetRSSConfig(b)
	case c == spec.NetMQHashConfig:
		return decodeNetHashConfig(b)
	}
	return nil, fmt.Errorf("%w: not a VIRTIO_NET_DEV_PART_CVQ_CFG_PART selector", ErrSelector)
}

// MAC is a 6-byte Ethernet address.
type MAC [6]byte

// String renders the address as 52:54:00:12:34:56.
func (m MAC) String() string {
	return fmt.Sprintf("%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5])
}

// NetRxMode is the value of the VIRTIO_NET_CTRL_RX commands (virtio spec,
// "Packet Receive Filtering"): one byte, 0 off, 1 on (for the NO* commands
// 1 suppresses).
type NetRxMode struct{ On bool }

// Encode returns the one byte.
func (v NetRxMode) Encode() []byte {
	if v.On {
		return []byte{1}
	}
	return []byte{0}
}

// Attrs renders the byte.
func (v NetRxMode) Attrs() []Attr {
	if v.On {
		return []Attr{{"value", "1 (on)"}}
	}
	return []Attr{{"value", "0 (off)"}}
}

func decodeNetRxMode(b []byte) (NetRxMode, error) {
	if len(b) != 1 {
		return NetRxMode{}, fmt.Errorf("%w %d, want 1 (u8 on/off)", ErrLength, len(b))
	}
	if b[0] > 1 {
		return NetRxMode{}, fmt.Errorf("%w: %d, want 0 (off) or 1 (on)", ErrValue, b[0])
	}
	return NetRxMode{On: b[0] == 1}, nil
}

// NetMACTable is the value of VIRTIO_NET_CTRL_MAC_TABLE_SET (virtio spec,
// "Setting MAC Address Filtering"): two struct virtio_net_ctrl_mac
// {le32 entries; u8 macs[entries][6]} back to back, unicast then multicast.
type NetMACTable struct {
	Unicast, Multicast []MAC
}

// Encode returns the two tables.
func (v NetMACTable) Encode() []byte {
	b := make([]byte, 0, 8+6*(len(v.Unicast)+len(v.Multicast)))
	for _, t := range [][]MAC{v.Unicast, v.Multicast} {
		b = binary.LittleEndian.AppendUint32(b, uint32(len(t)))
		for _, m := range t {
			b = append(b, m[:]...)
		}
	}
	return b
}

// Attrs renders the entry counts and the addresses.
func (v NetMACTable) Attrs() []Attr {
	return []Attr{{"unicast_entries", fmt.Sprint(len(v.Unicast))}, {"unicast", macList(v.Unicast)},
		{"multicast_entries", fmt.Sprint(len(v.Multicast))}, {"multicast", macList(v.Multicast)}}
}

func macList(ms []MAC) string {
	if len(ms) == 0 {
		return "-"
	}
	s := ""
	for i, m := range ms {
		if i > 0 {
			s += ","
		}
		s += m.String()
	}
	return s
}

func decodeNetMACTable(b []byte) (NetMACTable, error) {
	var v NetMACTable
	off := 0
	for i, name := range []string{"unicast", "multicast"} {
		if len(b)-off < 4 {
			return NetMACTable{}, &OffsetError{What: name + " entries", Offset: off,
				Err: fmt.Errorf("%w: need 4 bytes, have %d", ErrTruncated, len(b)-off)}
		}
		n := binary.LittleEndian.Uint32(b[off:])
		off += 4
		if uint64(n)*6 > uint64(len(b)-off) {
			return NetMACTable{}, &OffsetError{What: name + " entries", Offset: off - 4,
				Err: fmt.Errorf("%w: %d entries need %d bytes, have %d", ErrTruncated, n, uint64(n)*6, len(b)-off)}
		}
		t := make([]MAC, n)
		for j := range t {
			copy(t[j][:], b[off:off+6])
			off += 6
		}
		if i == 0 {
			v.Unicast = t
		} else {
			v.Multicast = t
		}
	}
	if off != len(b) {
		return NetMACTable{}, fmt.Errorf("%w %d, want %d (the two tables end there)", ErrLength, len(b), off)
	}
	return v, nil
}

// NetMACAddr is the value of VIRTIO_NET_CTRL_MAC_ADDR_SET: the 6-byte MAC
// address.
type NetMACAddr struct{ MAC MAC }

// Encode returns the address.
func (v NetMACAddr) Encode() []byte { return append([]byte(nil), v.MAC[:]...) }

// Attrs renders the address.
func (v NetMACAddr) Attrs() []Attr { return []Attr{{"mac", v.MAC.String()}} }

// NetVLANMax bounds a VLAN id: 12 bits (IEEE 802.1Q).
const NetVLANMax = 1 << 12

// NetVLANTable is the value of the VIRTIO_NET_CTRL_VLAN_ADD part: the whole
// VLAN filter table (virtio spec, "Device parts"). VLAN_ADD's
// command-specific-data is one le16 VLAN id ("VLAN Filtering"); migsim
// reads "the whole table in that format" as le16 ids back to back, each
// below 4096, none repeated, in the order given (a device writes them
// ascending). An empty table has length 0.
type NetVLANTable struct{ IDs []uint16 }

// Encode returns the ids as le16.
func (v NetVLANTable) Encode() []byte {
	b := make([]byte, 0, 2*len(v.IDs))
	for _, id := range v.IDs {
		b = binary.LittleEndian.AppendUint16(b, id)
	}
	return b
}

// Attrs renders the ids.
func (v NetVLANTable) Attrs() []Attr {
	s := "-"
	for i, id := range v.IDs {
		if i == 0 {
			s = ""
		} else {
			s += ","
		}
		s += fmt.Sprint(id)
	}
	return []Attr{{"entries", fmt.Sprint(len(v.IDs))}, {"vlans", s}}
}

func decodeNetVLANTable(b []byte) (NetVLANTable, error) {
	if len(b)%2 != 0 {
		return NetVLANTable{}, fmt.Errorf("%w %d, want a multiple of 2 (le16 VLAN ids)", ErrLength, len(b))
	}
	var seen [NetVLANMax / 64]uint64
	v := NetVLANTable{IDs: make([]uint16, len(b)/2)}
	for i := range v.IDs {
		id := binary.LittleEndian.Uint16(b[2*i:])
		if id >= NetVLANMax {
			return NetVLANTable{}, &OffsetError{What: fmt.Sprintf("VLAN id %d", id), Offset: 2 * i,
				Err: fmt.Errorf("%w: want below %d", ErrValue, NetVLANMax)}
		}
		if seen[id/64]&(1<<(id%64)) != 0 {
			return NetVLANTable{}, &OffsetError{What: fmt.Sprintf("VLAN id %d", id), Offset: 2 * i,
				Err: fmt.Errorf("%w: repeated", ErrValue)}
		}
		seen[id/64] |= 1 << (id % 64)
		v.IDs[i] = id
	}
	return v, nil
}

// NetAnnounceAck is the value of the VIRTIO_NET_CTRL_ANNOUNCE_ACK part:
// the command has no data (virtio spec, "Gratuitous Packet Sending").
type NetAnnounceAck struct{}

// Encode returns no bytes.
func (NetAnnounceAck) Encode() []byte { return []byte{} }

// Attrs says there is no data.
func (NetAnnounceAck) Attrs() []Attr { return []Attr{{"data", "none"}} }

// NetMQPairs is the value of VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET: struct
// virtio_net_ctrl_mq_pairs_set {le16 virtqueue_pairs} (virtio spec,
// "Automatic receive steering in multiqueue mode"), 1 to 0x8000.
type NetMQPairs struct{ Pairs uint16 }

// Encode returns the le16.
func (v NetMQPairs) Encode() []byte { return binary.LittleEndian.AppendUint16(nil, v.Pairs) }

// Attrs renders virtqueue_pairs.
func (v NetMQPairs) Attrs() []Attr { return []Attr{{"virtqueue_pairs", fmt.Sprint(v.Pairs)}} }

func decodeNetMQPairs(b []byte) (NetMQPairs, error) {
	if len(b) != 2 {
		return NetMQPairs{}, fmt.Errorf("%w %d, want 2 (le16 virtqueue_pairs)", ErrLength, len(b))
	}
	p := binary.LittleEndian.Uint16(b)
	if p < spec.NetMQPairsMin || p > spec.NetMQPairsMax {
		return NetMQPairs{}, fmt.Errorf("%w: virtqueue_pairs %d, want %d to %#x", ErrValue, p, spec.NetMQPairsMin, spec.NetMQPairsMax)
	}
	return NetMQPairs{Pairs: p}, nil
}

// describe renders the selector: "class 1 command 0 (VIRTIO_NET_CTRL_MAC_TABLE_SET)",
// "class 1 command 4" for a command migsim does not name, with
// " reserved 0x…" when the reserved bytes are not zero.
func (s NetCVQSelector) describe() string {
	d := fmt.Sprintf("class %d command %d", uint8(s.Class), s.Command)
	if c := s.Cmd(); c.Known() {
		d += " (" + c.String() + ")"
	}
	if !s.ReservedZero() {
		d += fmt.Sprintf(" reserved %#x", s.Reserved[:])
	}
	return d
}
