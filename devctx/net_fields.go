package devctx

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/spec"
)

// NetCVQField returns the draft-2023 NET_CVQ field (spec.FieldNetCVQ,
// simulator-assigned; docs/context-format.md, "virtio-net fields"): the
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART parts, encoded as DEV_PARTS_GET returns
// them. Every part must be of type 0x200.
func NetCVQField(parts []Part) Field { return Field{Type: spec.FieldNetCVQ, Value: EncodeParts(parts)} }

// DecodeNetCVQField reads a NET_CVQ value: a run of parts, each of type
// VIRTIO_NET_DEV_PART_CVQ_CFG_PART with a selector the spec lists and a
// value that decodes (DecodeNetCVQValue), no selector twice. Errors are
// *PartError values (offsets from the start of the value) behind "devctx:
// NET_CVQ value".
func DecodeNetCVQField(b []byte) ([]Part, error) {
	ps, err := DecodeParts(b, DecodeOptions{})
	if err != nil {
		return nil, netCVQFieldError(err)
	}
	off := 0
	for i, p := range ps.List {
		if err := checkNetCVQPart(p, off); err != nil {
			return nil, netCVQFieldError(&PartError{Offset: off, Index: i, Type: p.Type, HasType: true, Err: err})
		}
		off += spec.PartHeaderSize + len(p.Value)
	}
	return ps.List, nil
}

// netCVQFieldError wraps an error of the run in a NET_CVQ value.
func netCVQFieldError(err error) error {
	return valueError("NET_CVQ value", 0, err)
}

// checkNetCVQPart checks one part of a NET_CVQ value at offset off (the
// reserved selector bytes and the uniqueness of the selector DecodeParts
// has checked).
func checkNetCVQPart(p Part, off int) error {
	if p.Type != spec.PartNetCVQCfg {
		return fmt.Errorf("%w: type %s, want %s", ErrValue, p.Type, spec.PartNetCVQCfg)
	}
	_, err := decodeNetCVQValueAt(p.NetCVQ().Cmd(), p.Value, off+spec.PartHeaderSize)
	return err
}

// NetInflightSize is the size of one NET_INFLIGHT entry.
const NetInflightSize = 16

// NetInflight is one NET_INFLIGHT entry (simulator-assigned): le16 queue;
// le16 head; le32 written; u8 ack; u8 reserved[7]. It names a request the
// device executed and has not completed — a frame it put on the wire, a
// frame it wrote into a receive buffer (written = the used length), a
// control command it applied (ack = the byte it will write) — so that a
// destination that takes the request over from VQ_SPLIT_DEV_OWN_DESC
// completes it instead of doing it again.
type NetInflight struct {
	Queue   uint16
	Head    uint16
	Written uint32
	Ack     uint8
}

// NetInflightList is the NET_INFLIGHT field (spec.FieldNetInflight), in the
// order the device executed the requests.
type NetInflightList struct{ Entries []NetInflight }

// Encode returns the entry list.
func (l NetInflightList) Encode() []byte {
	b := newEntryList(len(l.Entries), NetInflightSize)
	for i, e := range l.Entries {
		w := b[entryListHeader+i*NetInflightSize:]
		binary.LittleEndian.PutUint16(w[0:], e.Queue)
		binary.LittleEndian.PutUint16(w[2:], e.Head)
		binary.LittleEndian.PutUint32(w[4:], e.Written)
		w[8] = e.Ack
	}
	return b
}

// Field returns the value as a NET_INFLIGHT field.
func (l NetInflightList) Field() Field { return Field{Type: spec.FieldNetInflight, Value: l.Encode()} }

// DecodeNetInflightList reads a NET_INFLIGHT value; an ack other than 0
// (VIRTIO_NET_OK) or 1 (VIRTIO_NET_ERR) is an ErrValue error, a queue and
// head given twice an ErrDuplicate one.
func DecodeNetInflightList(b []byte) (NetInflightList, error) {
	var l NetInflightList
	var seen seenSet // queue<<16 | head → entry
	err := decodeEntries("NET_INFLIGHT", b, NetInflightSize, func(i int, w []byte) error {
		e := NetInflight{Queue: binary.LittleEndian.Uint16(w[0:]), Head: binary.LittleEndian.Uint16(w[2:]),
			Written: binary.LittleEndian.Uint32(w[4:]), Ack: w[8]}
		if e.Ack > spec.NetAckErr {
			return fmt.Errorf("%w: ack %d, want 0 or 1", ErrValue, e.Ack)
		}
		if err := uniqueEntry(&seen, uint32(e.Queue)<<16|uint32(e.Head), i,
			fmt.Sprintf("q%d head %d", e.Queue, e.Head)); err != nil {
			return err
		}
		l.Entries = append(l.Entries, e)
		return nil
	})
	if err != nil {
		return NetInflightList{}, err
	}
	return l, nil
}
