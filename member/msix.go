package member

import (
	"encoding/binary"
	"errors"

	"github.com/migsim/migsim/pcie"
)

// MSIXTable is a function's MSI-X table and Pending Bit Array in BAR0 (PCI
// Local Bus / PCIe, "MSI-X Table" and "MSI-X PBA"), shared by the member
// core and the owner's PF. Entries reset masked; Vector Control keeps only
// its Mask bit (the others are reserved and read 0). Whether a message may
// be sent (MSI-X Enable, Function Mask, the function quiesced) is the
// caller's decision.
type MSIXTable struct {
	entries []msixEntry
}

// msixEntry is one MSI-X table entry (16 bytes in BAR0).
type msixEntry struct {
	addr    uint64
	data    uint32
	masked  bool
	pending bool
}

// ErrMSIXAccess is returned for a table write that is not an aligned DWORD
// or QWORD inside one entry (PCIe requires those).
var ErrMSIXAccess = errors.New("member: MSI-X table access must be an aligned dword or qword inside one entry")

// NewMSIXTable returns n entries (clamped to 1..pcie.MaxMSIXVectors), each
// masked as after reset.
func NewMSIXTable(n int) MSIXTable {
	t := MSIXTable{entries: make([]msixEntry, min(max(n, 1), pcie.MaxMSIXVectors))}
	for i := range t.entries {
		t.entries[i].masked = true
	}
	return t
}

// Len is the number of entries.
func (t *MSIXTable) Len() int { return len(t.entries) }

// bytes returns the table as it appears in BAR0.
func (t *MSIXTable) bytes() []byte {
	out := make([]byte, len(t.entries)*pcie.MSIXEntrySize)
	for i, e := range t.entries {
		w := out[i*pcie.MSIXEntrySize:]
		binary.LittleEndian.PutUint64(w[0:], e.addr)
		binary.LittleEndian.PutUint32(w[8:], e.data)
		if e.masked {
			w[12] = 1
		}
	}
	return out
}

// Read returns n bytes of the table from offset off (zeros past its end).
func (t *MSIXTable) Read(off uint64, n int) []byte { return window(t.bytes(), off, n) }

// ReadPBA returns n bytes of the pending-bit array from offset off.
func (t *MSIXTable) ReadPBA(off uint64, n int) []byte {
	pba := make([]byte, (len(t.entries)+63)/64*8)
	for i, e := range t.entries {
		if e.pending {
			pba[i/8] |= 1 << (i % 8)
		}
	}
	return window(pba, off, n)
}

// Write writes an aligned DWORD or QWORD of entry bytes at table offset
// off. fire reports that entry v is now unmasked with its pending bit set:
// the caller sends the message (ClearPending, then Signal) or keeps it
// pending.
func (t *MSIXTable) Write(off uint64, data []byte) (v uint16, fire bool, err error) {
	i := off / pcie.MSIXEntrySize
	if i >= uint64(len(t.entries)) || off%4 != 0 || (len(data) != 4 && len(data) != 8) || off%pcie.MSIXEntrySize+uint64(len(data)) > pcie.MSIXEntrySize {
		return 0, false, ErrMSIXAccess
	}
	tb := t.bytes()
	copy(tb[off:], data)
	w := tb[i*pcie.MSIXEntrySize:]
	e := &t.entries[i]
	e.addr = binary.LittleEndian.Uint64(w[0:])
	e.data = binary.LittleEndian.Uint32(w[8:])
	e.masked = binary.LittleEndian.Uint32(w[12:])&1 != 0
	return uint16(i), !e.masked && e.pending, nil
}

// Signal sends vector v from src: the message, or, when the entry is
// masked, its pending bit set and sent false. v must be inside the table.
func (t *MSIXTable) Signal(src pcie.RID, v uint16) (msg pcie.MSIXMessage, sent bool) {
	e := &t.entries[v]
	if e.masked {
		e.pending = true
		return pcie.MSIXMessage{}, false
	}
	return pcie.MSIXMessage{Source: src, Vector: v, Addr: e.addr, Data: e.data}, true
}

// Deliverable reports whether an entry is unmasked with its pending bit
// set: a message the function owes as soon as it may send (an entry
// unmasked while the function was quiesced).
func (t *MSIXTable) Deliverable() bool {
	for v := range t.entries {
		if t.pendingUnmasked(uint16(v)) {
			return true
		}
	}
	return false
}

// SetPending sets entry v's pending bit without sending: what a vector
// signalled while the function is masked (MSI-X Function Mask) keeps.
func (t *MSIXTable) SetPending(v uint16) { t.entries[v].pending = true }

// ClearPending clears entry v's pending bit.
func (t *MSIXTable) ClearPending(v uint16) { t.entries[v].pending = false }

// pendingUnmasked reports whether entry v is unmasked with its pending bit
// set.
func (t *MSIXTable) pendingUnmasked(v uint16) bool {
	e := t.entries[v]
	return e.pending && !e.masked
}
