package member

import (
	"encoding/binary"

	"github.com/migsim/migsim/pcie"
)

// msixEntry is one MSI-X table entry (16 bytes in BAR0).
type msixEntry struct {
	addr    uint64
	data    uint32
	ctl     uint32
	pending bool
}

// masked reports the entry's Vector Control mask bit.
func (e *msixEntry) masked() bool { return e.ctl&1 != 0 }

// newMSIXTable returns n entries, each masked as after reset.
func newMSIXTable(n int) []msixEntry {
	t := make([]msixEntry, min(max(n, 1), pcie.MaxMSIXVectors))
	for i := range t {
		t[i].ctl = 1
	}
	return t
}

// msixBytes returns the table as bytes.
func (b *Blk) msixBytes() []byte {
	out := make([]byte, len(b.msix)*pcie.MSIXEntrySize)
	for i, e := range b.msix {
		w := out[i*pcie.MSIXEntrySize:]
		binary.LittleEndian.PutUint64(w[0:], e.addr)
		binary.LittleEndian.PutUint32(w[8:], e.data)
		binary.LittleEndian.PutUint32(w[12:], e.ctl)
	}
	return out
}

func (b *Blk) msixRead(off uint64, n int) []byte { return window(b.msixBytes(), off, n) }

// msixWrite writes table bytes (dword or qword accesses inside one entry).
// Unmasking an entry with its pending bit set sends the message.
func (b *Blk) msixWrite(off uint64, data []byte, fx *Effects) {
	i := off / pcie.MSIXEntrySize
	if i >= uint64(len(b.msix)) || off%4 != 0 || (len(data) != 4 && len(data) != 8) || off%pcie.MSIXEntrySize+uint64(len(data)) > pcie.MSIXEntrySize {
		fx.note("MSI-X table write of %d bytes at %#x ignored", len(data), off)
		return
	}
	tb := b.msixBytes()
	copy(tb[off:], data)
	w := tb[i*pcie.MSIXEntrySize:]
	e := &b.msix[i]
	e.addr = binary.LittleEndian.Uint64(w[0:])
	e.data = binary.LittleEndian.Uint32(w[8:])
	e.ctl = binary.LittleEndian.Uint32(w[12:]) & 1
	if !e.masked() && e.pending {
		e.pending = false
		if b.quiesced() {
			// A pending message is an interrupt: hold it like any other.
			e.pending = true
			return
		}
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: b.cfg.RID, Vector: uint16(i), Addr: e.addr, Data: e.data})
	}
}

// pba returns the pending-bit array.
func (b *Blk) pba() []byte {
	out := make([]byte, (len(b.msix)+63)/64*8)
	for i, e := range b.msix {
		if e.pending {
			out[i/8] |= 1 << (i % 8)
		}
	}
	return out
}
