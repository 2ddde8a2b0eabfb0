package hv

import (
	"encoding/binary"
	"encoding/hex"
	"strconv"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/internal/slotcache"
)

// What a port's step label ends with after the address (label).
const (
	labelNone  = iota
	labelValue // "=0x" and the value in hex
	labelData  // "=" and the bytes in hex
	// labelData8 is labelData in a portLabelKey of 8 bytes of data.
	labelData8
)

// label returns the label of a step of the port: "hv:src pf cfg-write
// 0x4=0x6", "hv:src pf mmio-write 0xd0003000=0000". Every run of a target
// has its owner drivers make the same few accesses, so a label whose data
// is at most 8 bytes is kept for the process (portLabels).
func (p *hvPort) label(verb string, addr uint64, end int, val uint64, data []byte) string {
	if end == labelData {
		if len(data) > 8 {
			return p.buildLabel(verb, addr, end, val, data)
		}
		var v [8]byte
		copy(v[:], data)
		val = binary.LittleEndian.Uint64(v[:])
		if len(data) < 8 {
			val |= uint64(len(data)) << 60
		} else {
			// All of val is data: a key of 8 bytes of data is told apart
			// by its own end.
			end = labelData8
		}
	}
	k := portLabelKey{pre: p.pre, verb: verb, addr: addr, val: val, end: int8(end)}
	slot := k.slot()
	if l, ok := portLabels.Get(slot, k); ok {
		return l
	}
	l := p.buildLabel(verb, addr, end, val, data)
	portLabels.Put(slot, k, l)
	return l
}

// buildLabel builds a label of the port in one allocation (label).
func (p *hvPort) buildLabel(verb string, addr uint64, end int, val uint64, data []byte) string {
	var b [96]byte
	l := append(b[:0], p.pre...)
	l = append(l, "pf "...)
	l = append(l, verb...)
	l = append(l, " 0x"...)
	l = strconv.AppendUint(l, addr, 16)
	switch end {
	case labelValue:
		l = strconv.AppendUint(append(l, "=0x"...), val, 16)
	case labelData, labelData8:
		l = hex.AppendEncode(append(l, '='), data)
	}
	return string(l)
}

// portLabelKey is what a kept label is made of: the port's prefix, the
// verb, the address and the end: none, a value, or (labelData) up to 7
// bytes of data in val's low bytes and their number in its top 4 bits,
// (labelData8) 8 bytes of data in val.
type portLabelKey struct {
	pre, verb string
	addr, val uint64
	end       int8
}

// portLabelSlots is how many labels portLabels keeps: a direct-mapped
// table, each key in the one slot its hash picks.
const portLabelSlots = 1024

// portLabels holds the kept labels, shared by every job of the process: a
// slot is read and replaced whole without a lock, and a label found is its
// key's, built by buildLabel.
var portLabels = slotcache.New[portLabelKey, string](portLabelSlots)

// slot is the slot of k in portLabels: its address, value, end, verb and
// prefix (the verb and prefix by their lengths and last bytes: the
// prefixes of a scenario's hosts differ there, "hv:src ", "hv:dst ").
func (k portLabelKey) slot() uint64 {
	names := uint64(len(k.pre)) | uint64(len(k.verb))<<8
	if n := len(k.pre); n > 1 {
		names |= uint64(k.pre[n-2]) << 16
	}
	h := deephash.Mix(deephash.Mix(deephash.Mix(k.addr, k.val), uint64(uint8(k.end))), names)
	return h % portLabelSlots
}
