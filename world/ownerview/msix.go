package ownerview

import (
	"encoding/binary"
	"slices"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/pcie"
)

// msixTable is a member's MSI-X table as the host and the guest wrote it
// (PCI Express, "MSI-X Table"): what a message the member sends must carry.
// An entry nobody wrote has address 0 and is masked, as after reset. It is
// kept apart from the members' records: the member's own table, which the
// world's state hash holds, follows the same writes, so neither StateHash
// nor the views read it; JudgeHash does.
type msixTable struct {
	entries []msixEntry
}

// msixEntry is one entry as written: Message Address, Message Data and the
// Mask bit of Vector Control.
type msixEntry struct {
	addr   uint64
	data   uint32
	masked bool
}

// MSIXTarget says how a message's address and data stand to the member's
// MSI-X table as the host and the guest wrote it.
type MSIXTarget struct {
	// Entry is the first entry written with that address and data, the
	// first unmasked one when there are several; -1 for none.
	Entry int
	// Masked is set when every such entry is masked: the function may
	// only set the entry's pending bit (PCI-DEV-04).
	Masked bool
}

// Found reports whether an entry carries the message's address and data.
func (t MSIXTarget) Found() bool { return t.Entry >= 0 }

// ObserveMSIXWrite records a memory write to offset off of member vf's
// BAR0 when it falls in the MSI-X table: an aligned DWORD or QWORD inside
// one entry, as PCI Express requires of table accesses (member.MSIXTable
// drops any other, and so does the record). An FLR does not clear what it
// holds: the member's table returns to its reset state when the FLR
// completes, which the host does not see (defer-flr holds it), and a reset
// table sends nothing until it is written again, so the entries written
// before it only make the judgement more lenient.
func (r *Record) ObserveMSIXWrite(vf int, off uint64, data []byte) {
	if off < pcie.BAR0MSIXTable || off >= pcie.BAR0MSIXPBA {
		return
	}
	off -= pcie.BAR0MSIXTable
	in := off % pcie.MSIXEntrySize
	if off%4 != 0 || (len(data) != 4 && len(data) != 8) || in+uint64(len(data)) > pcie.MSIXEntrySize {
		return
	}
	if r.msix == nil {
		r.msix = map[int]*msixTable{}
	}
	t, ok := r.msix[vf]
	if !ok {
		t = &msixTable{}
		r.msix[vf] = t
	}
	i := int(off / pcie.MSIXEntrySize)
	for len(t.entries) <= i {
		t.entries = append(t.entries, msixEntry{masked: true})
	}
	e := &t.entries[i]
	var w [pcie.MSIXEntrySize]byte
	binary.LittleEndian.PutUint64(w[0:], e.addr)
	binary.LittleEndian.PutUint32(w[8:], e.data)
	if e.masked {
		w[12] = 1
	}
	copy(w[in:], data)
	e.addr, e.data = binary.LittleEndian.Uint64(w[0:]), binary.LittleEndian.Uint32(w[8:])
	e.masked = binary.LittleEndian.Uint32(w[12:])&1 != 0
}

// MSIXTargetOf finds a message with address addr and data data among the
// entries of member vf's table as written (ObserveMSIXWrite). An entry
// nobody wrote the address of (0) is nobody's target.
func (r *Record) MSIXTargetOf(vf int, addr uint64, data uint32) MSIXTarget {
	out := MSIXTarget{Entry: -1}
	t, ok := r.msix[vf]
	if !ok || addr == 0 {
		return out
	}
	for i, e := range t.entries {
		if e.addr != addr || e.data != data {
			continue
		}
		if !e.masked {
			return MSIXTarget{Entry: i}
		}
		if out.Entry < 0 {
			out = MSIXTarget{Entry: i, Masked: true}
		}
	}
	return out
}

// msixHash mixes the tables as written into h, member by member in VF
// order.
func (r *Record) msixHash(h uint64) uint64 {
	h = deephash.Mix(h, uint64(len(r.msix)))
	if len(r.msix) == 0 {
		return h
	}
	var buf [16]int // the members in VF order, on the stack for a few
	vfs := buf[:0]
	for vf := range r.msix {
		vfs = append(vfs, vf)
	}
	slices.Sort(vfs)
	for _, vf := range vfs {
		h = deephash.Mix(h, uint64(vf))
		for _, e := range r.msix[vf].entries {
			h = deephash.Mix(deephash.Mix(deephash.Mix(h, e.addr), uint64(e.data)), uint64(boolBit(e.masked)))
		}
	}
	return h
}
