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
	// last is the page at lastBase, the one accessed last (nil: none
	// yet): most accesses fall in the page before them (a ring, a buffer),
	// and a page, once in pages, stays there.
	last     *page
	lastBase uint64
	// sum is the state hash (StateHash), kept as memory is written once
	// kept is set: the sum over every non-zero 8-byte word of a hash of
	// its address and value. Until the first StateHash a write only
	// copies (runs that never hash their state, random and pct ones, then
	// never hash a word), and the first StateHash sums the contents.
	sum  uint64
	kept bool
	// free are chunks allocated together and not yet used, and next the
	// number the last allocation made: a canonical run writes about 60
	// chunks of its memories (first writes and copies of shared ones),
	// which then cost about 20 allocations instead of 60.
	free []chunk
	next int
}

// Chunk batches of a GuestMemory: the first allocation makes
// minChunkBatch chunks, each later one twice the last, up to
// maxChunkBatch (1 and 2 KB: larger batches left more unused than they
// saved).
const (
	minChunkBatch = 4
	maxChunkBatch = 8
)

// newChunk returns a zeroed chunk of m's batch.
func (m *GuestMemory) newChunk() *chunk {
	if len(m.free) == 0 {
		m.next = min(max(2*m.next, minChunkBatch), maxChunkBatch)
		m.free = make([]chunk, m.next)
	}
	c := &m.free[0]
	m.free = m.free[1:]
	return c
}

// NewGuestMemory returns an empty memory.
func NewGuestMemory() *GuestMemory {
	return &GuestMemory{pages: make(map[uint64]*page)}
}

func checkRange(addr uint64, n int, op string) error {
	if n > 0 && addr+uint64(n)-1 < addr {
		return rangeError(addr, n, op)
	}
	return nil
}

// rangeError is checkRange's error, apart so that checkRange inlines.
func rangeError(addr uint64, n int, op string) error {
	return fmt.Errorf("virtq: %s of %d bytes at %#x wraps the address space", op, n, addr)
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
	if p := m.page(a &^ (PageSize - 1)); p != nil {
		return p.chunks[a%PageSize/chunkSize]
	}
	return nil
}

// page returns the page at base, nil when none was allocated.
func (m *GuestMemory) page(base uint64) *page {
	if m.last != nil && m.lastBase == base {
		return m.last
	}
	p := m.pages[base]
	if p != nil {
		m.last, m.lastBase = p, base
	}
	return p
}

// allZero reports whether b holds only zero bytes, 32 bytes at a time:
// rings are zeroed when a driver sets them up, and a run sets up every
// queue of both hosts and of its guests.
func allZero(b []byte) bool {
	le := binary.LittleEndian
	for len(b) >= 32 {
		if le.Uint64(b)|le.Uint64(b[8:])|le.Uint64(b[16:])|le.Uint64(b[24:]) != 0 {
			return false
		}
		b = b[32:]
	}
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
		if c := m.writable(a, src); c == nil {
			continue
		} else if m.kept {
			m.sum += writeWords(a-off, c, int(off), src)
		} else {
			copy(c[off:], src)
		}
	}
	return nil
}

// writable returns the chunk holding address a, ready to be written with
// src: allocated if src is not all zeros, copied if it is shared. It
// returns nil when the chunk was never written and src is all zeros.
func (m *GuestMemory) writable(a uint64, src []byte) *chunk {
	base := a &^ (PageSize - 1)
	i := a % PageSize / chunkSize
	p := m.page(base)
	if p == nil {
		if allZero(src) {
			return nil
		}
		p = new(page)
		m.pages[base] = p
		m.last, m.lastBase = p, base
	}
	c := p.chunks[i]
	bit := uint16(1) << i
	switch {
	case c == nil && allZero(src):
		return nil
	case c == nil:
		c = m.newChunk()
		p.chunks[i] = c
	case p.shared&bit != 0:
		cp := m.newChunk()
		*cp = *c
		c = cp
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
	c := &GuestMemory{pages: make(map[uint64]*page, len(m.pages)), sum: m.sum, kept: m.kept}
	// The copies of the pages in one allocation (a clone is made at
	// every copy of a world).
	cps := make([]page, len(m.pages))
	i := 0
	for a, p := range m.pages {
		p.shared = ^uint16(0)
		cps[i] = *p
		c.pages[a] = &cps[i]
		i++
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
// were written. The first call sums the contents (FreshStateHash); from
// then on the sum is kept as memory is written, and costs nothing to read.
func (m *GuestMemory) StateHash() uint64 {
	if m == nil {
		return 0
	}
	if !m.kept {
		m.sum, m.kept = m.FreshStateHash(), true
	}
	return m.sum
}

// FreshStateHash recomputes StateHash from the memory's contents, reading
// no kept sum: the reference a fresh state hash of the world checks the
// kept sum against (world.World.FreshStateHash). The pages are visited in
// map order, which a sum does not depend on.
func (m *GuestMemory) FreshStateHash() uint64 {
	if m == nil {
		return 0
	}
	var sum uint64
	for base, p := range m.pages {
		for i, c := range p.chunks {
			if c == nil {
				continue
			}
			a := base + uint64(i*chunkSize)
			for w := 0; w < chunkSize; w += 8 {
				sum += wordHash(a+uint64(w), binary.LittleEndian.Uint64(c[w:]))
			}
		}
	}
	return sum
}

// writeWords copies src into chunk c (at address base) from offset off
// and returns what that adds to the memory's sum: for each 8-byte word
// that changed, its new hash less its old one.
func writeWords(base uint64, c *chunk, off int, src []byte) uint64 {
	var delta uint64
	end := off + len(src)
	w := off
	if off&7 != 0 || len(src) < 8 {
		// The partial word at the start (and end, if src is that short).
		w = min(off&^7+8, end)
		delta += writePartial(base, c, off&^7, off, w, src)
	}
	// The whole words, loaded and stored without the partial cases' tests;
	// four at a time are first compared at once, since most words written
	// stay as they were (about four in five of a canonical run's).
	s := src[w-off:]
	for ; w+32 <= end; w += 32 {
		cw, sw := (*[32]byte)(c[w:w+32]), (*[32]byte)(s)
		s = s[32:]
		le := binary.LittleEndian
		if (le.Uint64(cw[0:8])^le.Uint64(sw[0:8]))|(le.Uint64(cw[8:16])^le.Uint64(sw[8:16]))|
			(le.Uint64(cw[16:24])^le.Uint64(sw[16:24]))|(le.Uint64(cw[24:32])^le.Uint64(sw[24:32])) == 0 {
			continue
		}
		for i := 0; i < 32; i += 8 {
			old, v := le.Uint64(cw[i:i+8]), le.Uint64(sw[i:i+8])
			if v != old {
				le.PutUint64(cw[i:i+8], v)
				a := base + uint64(w+i)
				delta += wordHash(a, v) - wordHash(a, old)
			}
		}
	}
	for ; w+8 <= end; w += 8 {
		old := binary.LittleEndian.Uint64(c[w : w+8])
		v := binary.LittleEndian.Uint64(s[:8])
		s = s[8:]
		if v != old {
			binary.LittleEndian.PutUint64(c[w:w+8], v)
			delta += wordHash(base+uint64(w), v) - wordHash(base+uint64(w), old)
		}
	}
	if w < end {
		delta += writePartial(base, c, w, w, end, s)
	}
	return delta
}

// writePartial writes chunk c's bytes lo to hi, all in the word at w, from
// src (whose first byte goes to lo) and returns the word's change of hash.
func writePartial(base uint64, c *chunk, w, lo, hi int, src []byte) uint64 {
	old := binary.LittleEndian.Uint64(c[w:])
	copy(c[lo:hi], src[:hi-lo])
	v := binary.LittleEndian.Uint64(c[w:])
	if v == old {
		return 0
	}
	return wordHash(base+uint64(w), v) - wordHash(base+uint64(w), old)
}

// wordHash is the share of the memory's sum of the 8-byte word v at
// address a: zero for a zero word, so that zeros written anywhere change
// nothing.
func wordHash(a, v uint64) uint64 {
	if v == 0 {
		return 0
	}
	h := a ^ v*0x9e3779b97f4a7c15
	h ^= h >> 31
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 29
	h *= 0x94d049bb133111eb
	return h ^ h>>32
}
