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
	// enabled and fnMasked are MSI-X Enable and Function Mask of the
	// capability's Message Control as configuration writes left them (a
	// function resets them to 0).
	enabled, fnMasked bool
	// afterFLR is set when an FLR reset the table as the host knows it and
	// no table write came since.
	afterFLR bool
}

// msixEntry is one entry as written: Message Address, Message Data and the
// Mask bit of Vector Control.
type msixEntry struct {
	addr   uint64
	data   uint32
	masked bool
}

// MSIXTarget says how a message's address and data stand to the member's
// MSI-X table and MSI-X capability as the host and the guest wrote them.
type MSIXTarget struct {
	// Entry is the first entry written with that address and data, the
	// first unmasked one when there are several; -1 for none.
	Entry int
	// Masked is set when every such entry is masked: the function may
	// only set the entry's pending bit (PCI-DEV-04).
	Masked bool
	// Disabled is set while MSI-X Enable is 0, as configuration writes
	// left it (0 until one sets it, and after an FLR): the function may
	// send no MSI-X message (PCI-DEV-07). FunctionMasked is set while
	// Function Mask is 1: every vector is masked (PCI-DEV-07).
	Disabled, FunctionMasked bool
	// AfterFLR is set when an FLR reset the table as the host knows it
	// and no table write came since (PCI-DEV-05).
	AfterFLR bool
}

// Found reports whether an entry carries the message's address and data.
func (t MSIXTarget) Found() bool { return t.Entry >= 0 }

// ObserveMSIXWrite records a memory write to offset off of member vf's
// BAR0 when it falls in the MSI-X table: an aligned DWORD or QWORD inside
// one entry, as PCI Express requires of table accesses (member.MSIXTable
// drops any other, and so does the record). An FLR clears what it holds
// once the host knows the FLR over (msixFLR).
func (r *Record) ObserveMSIXWrite(vf int, off uint64, data []byte) {
	if off < pcie.BAR0MSIXTable || off >= pcie.BAR0MSIXPBA {
		return
	}
	off -= pcie.BAR0MSIXTable
	in := off % pcie.MSIXEntrySize
	if off%4 != 0 || (len(data) != 4 && len(data) != 8) || in+uint64(len(data)) > pcie.MSIXEntrySize {
		return
	}
	t := r.msixOf(vf)
	t.afterFLR = false
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

// msixOf returns the record of member vf's table and capability, creating
// it as after reset.
func (r *Record) msixOf(vf int) *msixTable {
	if r.msix == nil {
		r.msix = map[int]*msixTable{}
	}
	t, ok := r.msix[vf]
	if !ok {
		t = &msixTable{}
		r.msix[vf] = t
	}
	return t
}

// observeMSIXControl records a configuration write to member vf that
// covers the high byte of its MSI-X capability's Message Control (a VF's
// capability sits at pcie.MSIXCapOffset, as the hypervisor's copy of
// configuration space assumes): MSI-X Enable (bit 15) and Function Mask
// (bit 14), the register's only writable bits. A write during an FLR is
// recorded and undone with the rest when the FLR ends (msixFLR), as the
// function undoes it.
func (r *Record) observeMSIXControl(vf int, tlp pcie.TLP) {
	b, ok := ByteAt(tlp.Addr, tlp.Data, pcie.MSIXCapOffset+pcie.MSIXMsgCtl+1)
	if !ok {
		return
	}
	t := r.msixOf(vf)
	t.enabled, t.fnMasked = b&byte(pcie.MSIXCtlEnable>>8) != 0, b&byte(pcie.MSIXCtlFunctionMask>>8) != 0
}

// msixFLR resets the record of member vf's table and capability as an FLR
// resets the function (PCI-DEV-05): MSI-X Enable and Function Mask 0,
// every entry masked (none written: the address and data need not
// survive). The record calls it when the host knows the FLR over: 100 ms
// after Initiate FLR, or, when flr-vs-mode=defer-flr deferred it, at the
// completed move to Active that carries it out. Until then the function
// may or may not have reset yet, so the entries written before keep
// judging its messages.
func (r *Record) msixFLR(vf int) {
	if _, ok := r.msix[vf]; ok {
		r.msix[vf] = &msixTable{afterFLR: true}
	}
}

// MSIXTargetOf finds a message with address addr and data data among the
// entries of member vf's table as written (ObserveMSIXWrite), and says
// how MSI-X Enable and Function Mask stood (observeMSIXControl). An entry
// nobody wrote the address of (0) is nobody's target.
func (r *Record) MSIXTargetOf(vf int, addr uint64, data uint32) MSIXTarget {
	out := MSIXTarget{Entry: -1, Disabled: true}
	t, ok := r.msix[vf]
	if !ok {
		return out
	}
	out.Disabled, out.FunctionMasked, out.AfterFLR = !t.enabled, t.fnMasked, t.afterFLR
	if addr == 0 {
		return out
	}
	for i, e := range t.entries {
		if e.addr != addr || e.data != data {
			continue
		}
		if !e.masked {
			out.Entry, out.Masked = i, false
			return out
		}
		if out.Entry < 0 {
			out.Entry, out.Masked = i, true
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
		t := r.msix[vf]
		h = deephash.Mix(h, uint64(vf)<<3|uint64(boolBit(t.enabled))<<2|uint64(boolBit(t.fnMasked))<<1|uint64(boolBit(t.afterFLR)))
		for _, e := range t.entries {
			h = deephash.Mix(deephash.Mix(deephash.Mix(h, e.addr), uint64(e.data)), uint64(boolBit(e.masked)))
		}
	}
	return h
}
