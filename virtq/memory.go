package virtq

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/migsim/migsim/pcie"
)

// PageSize is the allocation unit of GuestMemory.
const PageSize = 4096

// GuestMemory is a sparse, deterministic guest physical memory: pages are
// allocated on the first write and reads of untouched memory return zeros.
// It implements pcie.MemoryPort (the requester is not checked). It is not
// safe for concurrent use.
type GuestMemory struct {
	pages map[uint64]*[PageSize]byte
	// sum is the state hash (StateHash), kept as memory is written: the
	// sum over every non-zero 8-byte word of a hash of its address and
	// value.
	sum uint64
}

// NewGuestMemory returns an empty memory.
func NewGuestMemory() *GuestMemory {
	return &GuestMemory{pages: make(map[uint64]*[PageSize]byte)}
}

func checkRange(addr uint64, n int, op string) error {
	if n > 0 && addr+uint64(n)-1 < addr {
		return fmt.Errorf("virtq: %s of %d bytes at %#x wraps the address space", op, n, addr)
	}
	return nil
}

// ReadMem fills buf from addr.
func (m *GuestMemory) ReadMem(_ pcie.RID, addr uint64, buf []byte) error {
	if err := checkRange(addr, len(buf), "read"); err != nil {
		return err
	}
	for done := 0; done < len(buf); {
		a := addr + uint64(done)
		off := a % PageSize
		k := min(len(buf)-done, int(PageSize-off))
		if p := m.pages[a-off]; p != nil {
			copy(buf[done:done+k], p[off:])
		} else {
			clear(buf[done : done+k])
		}
		done += k
	}
	return nil
}

// WriteMem writes data at addr, allocating pages as needed.
func (m *GuestMemory) WriteMem(_ pcie.RID, addr uint64, data []byte) error {
	if err := checkRange(addr, len(data), "write"); err != nil {
		return err
	}
	for done := 0; done < len(data); {
		a := addr + uint64(done)
		off := a % PageSize
		k := min(len(data)-done, int(PageSize-off))
		p := m.pages[a-off]
		if p == nil {
			p = new([PageSize]byte)
			m.pages[a-off] = p
		}
		m.sum -= wordsHash(a-off, p, int(off), k)
		copy(p[off:], data[done:done+k])
		m.sum += wordsHash(a-off, p, int(off), k)
		done += k
	}
	return nil
}

// Clone returns a deep copy: the hypervisor copies guest memory to the
// destination at switchover.
func (m *GuestMemory) Clone() *GuestMemory {
	c := NewGuestMemory()
	for a, p := range m.pages {
		cp := *p
		c.pages[a] = &cp
	}
	c.sum = m.sum
	return c
}

// Pages returns the base addresses of the allocated pages in ascending
// order.
func (m *GuestMemory) Pages() []uint64 {
	out := make([]uint64, 0, len(m.pages))
	for a := range m.pages {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Digest is an FNV-64a hash of the touched pages in address order (address,
// then contents). Pages that hold only zeros are skipped, so the digest
// depends on the contents alone, not on which zero pages were written.
func (m *GuestMemory) Digest() uint64 {
	h := fnv.New64a()
	var zero [PageSize]byte
	var a8 [8]byte
	for _, a := range m.Pages() {
		p := m.pages[a]
		if *p == zero {
			continue
		}
		binary.LittleEndian.PutUint64(a8[:], a)
		h.Write(a8[:])
		h.Write(p[:])
	}
	return h.Sum64()
}

// StateHash hashes the memory's contents: every non-zero 8-byte word with
// its address, so that (like Digest) it does not depend on which zero pages
// were written. It is kept as memory is written and costs nothing to read.
func (m *GuestMemory) StateHash() uint64 {
	if m == nil {
		return 0
	}
	return m.sum
}

// wordsHash sums the hashes of the 8-byte words of page p (at address
// base) that bytes [off, off+n) fall in.
func wordsHash(base uint64, p *[PageSize]byte, off, n int) uint64 {
	var sum uint64
	for w := off &^ 7; w < off+n; w += 8 {
		if v := binary.LittleEndian.Uint64(p[w:]); v != 0 {
			h := (base + uint64(w)) ^ v*0x9e3779b97f4a7c15
			h ^= h >> 31
			h *= 0xbf58476d1ce4e5b9
			h ^= h >> 29
			h *= 0x94d049bb133111eb
			sum += h ^ h>>32
		}
	}
	return sum
}
