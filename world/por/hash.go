package por

import (
	"slices"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
)

// BoolBits packs bs into the low bits of a word, the first lowest.
func BoolBits(bs ...bool) uint64 {
	var v uint64
	for i, b := range bs {
		if b {
			v |= 1 << i
		}
	}
	return v
}

// EventHash hashes a device event.
func EventHash(ev member.Event) uint64 {
	v := deephash.Mix(uint64(ev.Kind), uint64(ev.Timer))
	v = deephash.Mix(v, uint64(ev.Step.Kind)|uint64(ev.Step.Queue)<<8)
	v = deephash.Mix(v, ev.Step.Tag)
	v = TLPHash(v, ev.TLP)
	a := ev.Admin
	v = deephash.Mix(deephash.Mix(deephash.Mix(v, a.Tag), uint64(a.Opcode)), uint64(a.ResultCap)<<32|uint64(a.ObjectID))
	return deephash.Bytes(v, a.Data)
}

// TLPHash mixes a TLP into v.
func TLPHash(v uint64, t pcie.TLP) uint64 {
	v = deephash.Mix(v, uint64(t.Kind)|uint64(t.Requester)<<8|uint64(t.Completer)<<24)
	v = deephash.Mix(deephash.Mix(v, t.Addr), uint64(t.Len))
	return deephash.Bytes(v, t.Data)
}

// IRQsHash hashes the interrupts pending for a guest, in order.
func IRQsHash(irqs []uint16) uint64 {
	v := deephash.Mix(0, uint64(len(irqs)))
	for _, x := range irqs {
		v = deephash.Mix(v, uint64(x))
	}
	return v
}

// SignalsHash hashes the names of the signals set, sorted.
func SignalsHash(signals map[string]bool) uint64 {
	var names []string
	for n, set := range signals {
		if set {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	v := uint64(len(names))
	for _, n := range names {
		v = deephash.String(v, n)
	}
	return v
}
