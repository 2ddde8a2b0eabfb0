package virtq

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"

	"github.com/migsim/migsim/pcie"
)

// PageSize is the unit in which GuestMemory reports its contents (Pages,
// Digest).
const PageSize = 4096

// chunkSize is the allocation unit of GuestMemory: a ring or a request
// buffer touches a few hundred bytes of a page, so a page's storage is
// allocated a chunk at a time.
const (
	chunkSize     = 256
	chunksPerPage = PageSize / chunkSize
)

// chunk is chunkSize bytes of guest memory.
type chunk = [chunkSize]byte

// page is one page of a GuestMemory: the chunks written so far (nil ones
// read as zeros). A chunk is shared by a memory and its clones until one of
// them writes it (copy on write): bit i of shared says chunk i may be read
// but must be copied before it is written.
type page struct {
	chunks [chunksPerPage]*chunk
	shared uint16
}

// GuestMemory is a sparse, deterministic guest physical memory: storage is
// allocated on the first write of a non-zero byte and reads of untouched
// memory return zeros. It implements pcie.MemoryPort (the requester is not
// checked). It is not safe for concurrent use, and neither are two
// memories that share storage (a Clone and its original).
type GuestMemory struct {
	pages map[uint64]*page
	// sum is the state hash (StateHash), kept as memory is written: the
	// sum over every non-zero 8-byte word of a hash of its address and
	// value.
	sum uint64
}

// NewGuestMemory returns an empty memory.
func NewGuestMemory() *GuestMemory {
	return &GuestMemory{pages: make(map[uint64]*page)}
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
		off := a % chunkSize
		k := min(len(buf)-done, int(chunkSize-off))
		if c := m.chunkAt(a); c != nil {
			copy(buf[done:done+k], c[off:])
		} else {
			clear(buf[done : done+k])
		}
		done += k
	}
	return nil
}

// chunkAt returns the chunk holding address a, nil when it was never
// written.
func (m *GuestMemory) chunkAt(a uint64) *chunk {
	if p := m.pages[a&^(PageSize-1)]; p != nil {
		return p.chunks[a%PageSize/chunkSize]
	}
	return nil
}

// allZero reports whether b holds only zero bytes.
func allZero(b []byte) bool {
	for _, v := range b {
		if v != 0 {
			return false
		}
	}
	return true
}

// WriteMem writes data at addr, allocating storage as needed. Zeros written
// to memory that was never written allocate nothing.
func (m *GuestMemory) WriteMem(_ pcie.RID, addr uint64, data []byte) error {
	if err := checkRange(addr, len(data), "write"); err != nil {
		return err
	}
	for done := 0; done < len(data); {
		a := addr + uint64(done)
		off := a % chunkSize
		k := min(len(data)-done, int(chunkSize-off))
		src := data[done : done+k]
		done += k
		c := m.writable(a, src)
		if c == nil {
			continue
		}
		base := a - off
		m.sum -= wordsHash(base, c, int(off), k)
		copy(c[off:], src)
		m.sum += wordsHash(base, c, int(off), k)
	}
	return nil
}

// writable returns the chunk holding address a, ready to be written with
// src: allocated if src is not all zeros, copied if it is shared. It
// returns nil when the chunk was never written and src is all zeros.
func (m *GuestMemory) writable(a uint64, src []byte) *chunk {
	base := a &^ (PageSize - 1)
	i := a % PageSize / chunkSize
	p := m.pages[base]
	if p == nil {
		if allZero(src) {
			return nil
		}
		p = new(page)
		m.pages[base] = p
	}
	c := p.chunks[i]
	bit := uint16(1) << i
	switch {
	case c == nil && allZero(src):
		return nil
	case c == nil:
		c = new(chunk)
		p.chunks[i] = c
	case p.shared&bit != 0:
		cp := *c
		c = &cp
		p.chunks[i] = c
		p.shared &^= bit
	}
	return c
}

// Clone returns a copy with the same contents that neither sees nor
// changes the original's later writes: the hypervisor copies guest memory
// to the destination at switchover. The two share their storage until one
// of them writes it, which then copies what it writes first.
func (m *GuestMemory) Clone() *GuestMemory {
	c := &GuestMemory{pages: make(map[uint64]*page, len(m.pages)), sum: m.sum}
	for a, p := range m.pages {
		p.shared = ^uint16(0)
		cp := *p
		c.pages[a] = &cp
	}
	return c
}

// Pages returns the base addresses of the allocated pages (those ever
// written with a non-zero byte) in ascending order.
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
	var zero, contents [PageSize]byte
	var a8 [8]byte
	for _, a := range m.Pages() {
		for i, c := range m.pages[a].chunks {
			if c != nil {
				copy(contents[i*chunkSize:], c[:])
			} else {
				clear(contents[i*chunkSize : (i+1)*chunkSize])
			}
		}
		if contents == zero {
			continue
		}
		binary.LittleEndian.PutUint64(a8[:], a)
		h.Write(a8[:])
		h.Write(contents[:])
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

// wordsHash sums the hashes of the 8-byte words of chunk c (at address
// base) that bytes [off, off+n) fall in.
func wordsHash(base uint64, c *chunk, off, n int) uint64 {
	var sum uint64
	for w := off &^ 7; w < off+n; w += 8 {
		if v := binary.LittleEndian.Uint64(c[w:]); v != 0 {
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
