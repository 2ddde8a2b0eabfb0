package virtq

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/pcie"
)

// Buffer is one buffer a driver posts: readable buffers come first in a
// chain, then writable ones.
type Buffer struct {
	Addr     uint64
	Len      uint32
	Writable bool
}

// DriverRing is the driver side of a split virtqueue: it lays the queue out
// in memory, posts chains of buffers, publishes the avail index and harvests
// used entries. The guest driver and the owner's admin queue driver use it.
type DriverRing struct {
	Layout
	mem pcie.MemoryPort
	rid pcie.RID
	// buf is the scratch buffer of every access the driver makes.
	buf [DescSize]byte
	// free is a stack of free descriptor indices.
	free []uint16
	// links[i] chains the descriptors posted together: links[head].n is
	// the length of the chain posted at head (0 when none is), and
	// links[i].next the descriptor after i in its chain.
	links []link
	// availIdx is the driver's shadow avail idx (published by Publish).
	availIdx uint16
	// lastUsed is the next used-ring entry to harvest.
	lastUsed uint16
}

// link is a descriptor's entry in DriverRing.links.
type link struct {
	next, n uint16
}

// zeroPage is written, never modified: zeroMem writes it page by page.
var zeroPage [PageSize]byte

// zeroMem writes n zero bytes at addr.
func zeroMem(mem pcie.MemoryPort, rid pcie.RID, addr, n uint64) error {
	for n > 0 {
		k := min(n, PageSize)
		if err := mem.WriteMem(rid, addr, zeroPage[:k]); err != nil {
			return err
		}
		addr, n = addr+k, n-k
	}
	return nil
}

// NewDriverRing zeroes the queue's memory (descriptor table, avail and used
// rings) and returns a driver for it that issues its accesses as rid.
func NewDriverRing(mem pcie.MemoryPort, rid pcie.RID, l Layout) (*DriverRing, error) {
	if err := l.Validate(); err != nil {
		return nil, err
	}
	for _, part := range []struct {
		what string
		addr uint64
		size uint64
	}{
		{"descriptor table", l.Desc, DescTableSize(l.Size)},
		{"avail ring", l.Avail, AvailRingSize(l.Size)},
		{"used ring", l.Used, UsedRingSize(l.Size)},
	} {
		if err := zeroMem(mem, rid, part.addr, part.size); err != nil {
			return nil, fmt.Errorf("virtq: zero %s at %#x: %w", part.what, part.addr, err)
		}
	}
	d := &DriverRing{Layout: l, mem: mem, rid: rid, free: make([]uint16, l.Size), links: make([]link, l.Size)}
	for i := range d.free {
		d.free[i] = l.Size - 1 - uint16(i)
	}
	return d, nil
}

// port is the driver's port to its memory, through its scratch buffer.
func (d *DriverRing) port() port { return port{d.mem, d.rid, d.buf[:]} }

// NumFree is the number of free descriptors.
func (d *DriverRing) NumFree() int { return len(d.free) }

// AvailIdx is the driver's avail idx, published or not.
func (d *DriverRing) AvailIdx() uint16 { return d.availIdx }

// Outstanding is the number of chains posted and not yet harvested.
func (d *DriverRing) Outstanding() int { return int(d.availIdx - d.lastUsed) }

// Add writes a chain of bufs (readable ones first, then writable ones) into
// free descriptors and puts its head in the next avail-ring slot, without
// publishing the avail index. It returns the head.
func (d *DriverRing) Add(bufs []Buffer) (uint16, error) {
	if len(bufs) == 0 {
		return 0, fmt.Errorf("virtq: add: empty chain")
	}
	if len(bufs) > len(d.free) {
		return 0, fmt.Errorf("virtq: add: chain of %d buffers, %d descriptors free", len(bufs), len(d.free))
	}
	for i := 1; i < len(bufs); i++ {
		if bufs[i-1].Writable && !bufs[i].Writable {
			return 0, fmt.Errorf("virtq: add: buffer %d is readable after a writable one", i)
		}
	}
	// The chain takes the descriptors from the top of the free stack down.
	idx := func(i int) uint16 { return d.free[len(d.free)-1-i] }
	b := d.buf[:]
	for i, buf := range bufs {
		desc := Desc{Addr: buf.Addr, Len: buf.Len}
		if buf.Writable {
			desc.Flags |= DescFWrite
		}
		if i+1 < len(bufs) {
			desc.Flags |= DescFNext
			desc.Next = idx(i + 1)
		}
		desc.Encode(b)
		if err := d.mem.WriteMem(d.rid, d.descAddr(idx(i)), b); err != nil {
			return 0, fmt.Errorf("virtq: write descriptor %d: %w", idx(i), err)
		}
	}
	head := idx(0)
	if err := d.port().write16(d.availRingAddr(d.availIdx), head, "avail ring"); err != nil {
		return 0, err
	}
	for i := range len(bufs) - 1 {
		d.links[idx(i)].next = idx(i + 1)
	}
	d.links[head].n = uint16(len(bufs))
	d.free = d.free[:len(d.free)-len(bufs)]
	d.availIdx++
	return head, nil
}

// Publish writes the avail idx so the device can see every chain added so
// far.
func (d *DriverRing) Publish() error {
	return d.port().write16(d.availIdxAddr(), d.availIdx, "avail idx")
}

// UsedIdx reads the device's used idx from memory.
func (d *DriverRing) UsedIdx() (uint16, error) {
	return d.port().read16(d.usedIdxAddr(), "used idx")
}

// Harvest reads every used element the device published since the last
// harvest, frees their descriptors and returns them in ring order. A used
// element naming a head the driver did not post is an error.
func (d *DriverRing) Harvest() ([]Used, error) {
	idx, err := d.UsedIdx()
	if err != nil {
		return nil, err
	}
	n := idx - d.lastUsed
	if n > d.Size {
		return nil, indexError("used idx", idx, d.lastUsed, "last_used", d.Size)
	}
	var out []Used
	b := d.buf[:UsedElemSize]
	for ; d.lastUsed != idx; d.lastUsed++ {
		addr := d.usedElemAddr(d.lastUsed)
		if err := d.mem.ReadMem(d.rid, addr, b); err != nil {
			return out, fmt.Errorf("virtq: read used ring[%d] at %#x: %w", d.lastUsed%d.Size, addr, err)
		}
		u := Used{ID: binary.LittleEndian.Uint32(b[0:4]), Len: binary.LittleEndian.Uint32(b[4:8])}
		if u.ID >= uint32(d.Size) || d.links[u.ID].n == 0 {
			return out, fmt.Errorf("virtq: used ring[%d]: id %d is not an outstanding head", d.lastUsed%d.Size, u.ID)
		}
		// Free the chain's descriptors last first, so the next chain
		// takes them in the order this one did.
		n := int(d.links[u.ID].n)
		base := len(d.free)
		d.free = d.free[:base+n]
		for k, j := n-1, uint16(u.ID); k >= 0; k-- {
			d.free[base+k] = j
			j = d.links[j].next
		}
		d.links[u.ID].n = 0
		out = append(out, u)
	}
	return out, nil
}

// SetMemory points the driver at another memory. The driver's state lives
// in guest memory in a real guest; when the world copies guest memory to the
// destination at switchover, it rebinds the driver to the copy.
func (d *DriverRing) SetMemory(mem pcie.MemoryPort) { d.mem = mem }

// StateHash hashes the ring as the driver's later work depends on it: its
// layout, requester, free descriptors (a stack: their order decides which
// the next chain takes), chain links and avail and used indices. It leaves
// out the memory port (the memory is hashed where it lives) and the scratch
// buffer, which every access writes before it reads it. With it a driver's
// state hashes by reflection (internal/deephash) without walking the port.
func (d *DriverRing) StateHash() uint64 {
	h := deephash.Mix(deephash.Mix(deephash.Mix(deephash.Mix(0, d.Desc), d.Avail), d.Used), uint64(d.Size))
	h = deephash.Mix(deephash.Mix(deephash.Mix(h, uint64(d.rid)), uint64(d.availIdx)), uint64(d.lastUsed))
	h = deephash.Mix(h, uint64(len(d.free)))
	for _, f := range d.free {
		h = deephash.Mix(h, uint64(f))
	}
	h = deephash.Mix(h, uint64(len(d.links)))
	for _, l := range d.links {
		h = deephash.Mix(h, uint64(l.next)<<16|uint64(l.n))
	}
	return h
}
