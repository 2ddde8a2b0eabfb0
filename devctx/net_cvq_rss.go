package devctx

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
)

// NetRSSConfig is the value of VIRTIO_NET_CTRL_MQ_RSS_CONFIG: struct
// virtio_net_rss_config (virtio spec, "Receive-side scaling (RSS)",
// "Setting RSS parameters"): le32 hash_types; le16 indirection_table_mask;
// le16 unclassified_queue; le16 indirection_table[mask + 1];
// le16 max_tx_vq; u8 hash_key_length; u8 hash_key_data[hash_key_length].
// The rss_rq_id entries are kept as their raw le16 (bits 1..16 of the
// virtqueue index in bits 0..14, bit 15 reserved). migsim's device does not
// offer RSS; the codec serves decode.
type NetRSSConfig struct {
	HashTypes         uint32
	Mask              uint16
	UnclassifiedQueue uint16
	Table             []uint16
	MaxTxVQ           uint16
	Key               []byte
}

// Encode returns the structure.
func (v NetRSSConfig) Encode() []byte {
	b := binary.LittleEndian.AppendUint32(nil, v.HashTypes)
	b = binary.LittleEndian.AppendUint16(b, v.Mask)
	b = binary.LittleEndian.AppendUint16(b, v.UnclassifiedQueue)
	for _, q := range v.Table {
		b = binary.LittleEndian.AppendUint16(b, q)
	}
	b = binary.LittleEndian.AppendUint16(b, v.MaxTxVQ)
	b = append(b, uint8(len(v.Key)))
	return append(b, v.Key...)
}

// Attrs renders the fields; the table as receive virtqueue indices
// (vq_index_1_16 × 2).
func (v NetRSSConfig) Attrs() []Attr {
	t := ""
	for i, q := range v.Table {
		if i > 0 {
			t += ","
		}
		t += fmt.Sprint(int(q&0x7fff) * 2)
	}
	return []Attr{{"hash_types", fmt.Sprintf("%#x", v.HashTypes)}, {"indirection_table_mask", fmt.Sprint(v.Mask)},
		{"unclassified_queue", fmt.Sprint(int(v.UnclassifiedQueue&0x7fff) * 2)}, {"indirection_table", t},
		{"max_tx_vq", fmt.Sprint(v.MaxTxVQ)}, {"hash_key_length", fmt.Sprint(len(v.Key))},
		{"hash_key", hex.EncodeToString(v.Key)}}
}

func decodeNetRSSConfig(b []byte) (NetRSSConfig, error) {
	const head = 8 // hash_types, indirection_table_mask, unclassified_queue
	if len(b) < head {
		return NetRSSConfig{}, fmt.Errorf("%w: header needs %d bytes, have %d", ErrTruncated, head, len(b))
	}
	v := NetRSSConfig{HashTypes: binary.LittleEndian.Uint32(b), Mask: binary.LittleEndian.Uint16(b[4:]),
		UnclassifiedQueue: binary.LittleEndian.Uint16(b[6:])}
	n := int(v.Mask) + 1
	off := head
	if 2*n+3 > len(b)-off {
		return NetRSSConfig{}, &OffsetError{What: "indirection_table", Offset: off,
			Err: fmt.Errorf("%w: %d entries, max_tx_vq and hash_key_length need %d bytes, have %d", ErrTruncated, n, 2*n+3, len(b)-off)}
	}
	v.Table = make([]uint16, n)
	for i := range v.Table {
		v.Table[i] = binary.LittleEndian.Uint16(b[off:])
		off += 2
	}
	v.MaxTxVQ = binary.LittleEndian.Uint16(b[off:])
	kl := int(b[off+2])
	off += 3
	if off+kl != len(b) {
		return NetRSSConfig{}, &OffsetError{What: "hash_key_length", Offset: off - 1,
			Err: fmt.Errorf("%w %d, want %d (hash_key_length %d)", ErrLength, len(b), off+kl, kl)}
	}
	v.Key = append([]byte{}, b[off:]...)
	return v, nil
}

// NetHashConfig is the value of VIRTIO_NET_CTRL_MQ_HASH_CONFIG: struct
// virtio_net_hash_config (virtio spec, "Automatic receive steering in
// multiqueue mode", "Hash calculation"): le32 hash_types; le16 reserved[4];
// u8 hash_key_length; u8 hash_key_data[hash_key_length]. Reserved is kept
// as decoded. migsim's device does not offer HASH_REPORT; the codec serves
// decode.
type NetHashConfig struct {
	HashTypes uint32
	Reserved  [4]uint16
	Key       []byte
}

// Encode returns the structure.
func (v NetHashConfig) Encode() []byte {
	b := binary.LittleEndian.AppendUint32(nil, v.HashTypes)
	for _, r := range v.Reserved {
		b = binary.LittleEndian.AppendUint16(b, r)
	}
	b = append(b, uint8(len(v.Key)))
	return append(b, v.Key...)
}

// Attrs renders the fields (reserved only when not zero).
func (v NetHashConfig) Attrs() []Attr {
	as := []Attr{{"hash_types", fmt.Sprintf("%#x", v.HashTypes)}}
	if v.Reserved != [4]uint16{} {
		as = append(as, Attr{"reserved", fmt.Sprint(v.Reserved)})
	}
	return append(as, Attr{"hash_key_length", fmt.Sprint(len(v.Key))}, Attr{"hash_key", hex.EncodeToString(v.Key)})
}

func decodeNetHashConfig(b []byte) (NetHashConfig, error) {
	const head = 13 // hash_types, reserved[4], hash_key_length
	if len(b) < head {
		return NetHashConfig{}, fmt.Errorf("%w: header needs %d bytes, have %d", ErrTruncated, head, len(b))
	}
	v := NetHashConfig{HashTypes: binary.LittleEndian.Uint32(b)}
	for i := range v.Reserved {
		v.Reserved[i] = binary.LittleEndian.Uint16(b[4+2*i:])
	}
	kl := int(b[12])
	if head+kl != len(b) {
		return NetHashConfig{}, &OffsetError{What: "hash_key_length", Offset: head - 1,
			Err: fmt.Errorf("%w %d, want %d (hash_key_length %d)", ErrLength, len(b), head+kl, kl)}
	}
	v.Key = append([]byte{}, b[head:]...)
	return v, nil
}
