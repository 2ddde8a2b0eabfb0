package virtq

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/pcie"
)

// DeviceRing is the device side of a split virtqueue: it takes heads from
// the avail ring, walks their chains and returns them on the used ring. It
// holds only the layout and the two device-side indices, so a device can keep
// it by value, save it and rebuild it; memory is reached through the port
// passed to each call, as the device's requester ID.
type DeviceRing struct {
	Layout
	// LastAvail is the index of the next avail-ring entry to take.
	LastAvail uint16
	// UsedIdx is the used index the device publishes next.
	UsedIdx uint16
}

// AvailIdx reads the driver's avail idx (a DMA read).
func (r *DeviceRing) AvailIdx(mem pcie.MemoryPort, rid pcie.RID) (uint16, error) {
	return r.AvailIdxVia(mem, rid, nil)
}

// AvailIdxVia is AvailIdx through s (Scratch; nil: a buffer of its own).
func (r *DeviceRing) AvailIdxVia(mem pcie.MemoryPort, rid pcie.RID, s *Scratch) (uint16, error) {
	defer s.done()
	return via(mem, rid, s).read16(r.availIdxAddr(), "avail idx")
}

// ReadUsedIdx reads used idx from guest memory (a DMA read). A device resumed
// without saved indices uses it to find where it left off.
func (r *DeviceRing) ReadUsedIdx(mem pcie.MemoryPort, rid pcie.RID) (uint16, error) {
	return r.ReadUsedIdxVia(mem, rid, nil)
}

// ReadUsedIdxVia is ReadUsedIdx through s (Scratch; nil: a buffer of its
// own).
func (r *DeviceRing) ReadUsedIdxVia(mem pcie.MemoryPort, rid pcie.RID, s *Scratch) (uint16, error) {
	defer s.done()
	return via(mem, rid, s).read16(r.usedIdxAddr(), "used idx")
}

// Pop takes the next available head: it reads avail idx and, when the driver
// has posted more than the device took, reads ring[LastAvail % size] and
// advances LastAvail. ok is false when nothing is available. A head outside
// the descriptor table, or an avail idx more than size ahead, is an error.
func (r *DeviceRing) Pop(mem pcie.MemoryPort, rid pcie.RID) (head uint16, ok bool, err error) {
	return r.PopVia(mem, rid, nil)
}

// PopVia is Pop through s (Scratch; nil: a buffer of its own).
func (r *DeviceRing) PopVia(mem pcie.MemoryPort, rid pcie.RID, s *Scratch) (head uint16, ok bool, err error) {
	if err := r.Validate(); err != nil {
		return 0, false, err
	}
	defer s.done()
	p := via(mem, rid, s)
	idx, err := p.read16(r.availIdxAddr(), "avail idx")
	if err != nil {
		return 0, false, err
	}
	pending := idx - r.LastAvail
	if pending == 0 {
		return 0, false, nil
	}
	if pending > r.Size {
		return 0, false, indexError("avail idx", idx, r.LastAvail, "last_avail", r.Size)
	}
	head, err = r.headAt(p, r.LastAvail)
	if err != nil {
		return 0, false, err
	}
	r.LastAvail++
	return head, true, nil
}

// PeekDesc reads the first descriptor of the chain Pop would take next,
// without taking it, into buf (at least DescSize bytes, the caller's
// scratch: nothing is allocated). ok is false when nothing is available
// or a read or the ring's indices are not what Pop would accept.
func (r *DeviceRing) PeekDesc(mem pcie.MemoryPort, rid pcie.RID, buf []byte) (d Desc, ok bool) {
	if len(buf) < DescSize || r.Validate() != nil {
		return Desc{}, false
	}
	p := port{mem: mem, rid: rid, buf: buf}
	idx, err := p.read16(r.availIdxAddr(), "avail idx")
	if err != nil || idx == r.LastAvail || idx-r.LastAvail > r.Size {
		return Desc{}, false
	}
	head, err := r.headAt(p, r.LastAvail)
	if err != nil {
		return Desc{}, false
	}
	if err := mem.ReadMem(rid, r.descAddr(head), buf[:DescSize]); err != nil {
		return Desc{}, false
	}
	d, err = DecodeDesc(buf[:DescSize])
	return d, err == nil
}

// HeadAt reads avail ring entry i (modulo the size) and checks that it names
// a descriptor of the table.
func (r *DeviceRing) HeadAt(mem pcie.MemoryPort, rid pcie.RID, i uint16) (uint16, error) {
	return r.headAt(port{mem: mem, rid: rid}, i)
}

func (r *DeviceRing) headAt(p port, i uint16) (uint16, error) {
	addr := r.availRingAddr(i)
	b := p.scratch(2)
	if err := p.mem.ReadMem(p.rid, addr, b); err != nil {
		return 0, fmt.Errorf("virtq: read avail ring[%d] at %#x: %w", i%r.Size, addr, err)
	}
	head := binary.LittleEndian.Uint16(b)
	if head >= r.Size {
		return 0, fmt.Errorf("virtq: avail ring[%d]: head %d outside a table of %d descriptors", i%r.Size, head, r.Size)
	}
	return head, nil
}

// maxChainBytes bounds the total length of a chain: used.len is 32 bits.
const maxChainBytes = 1<<32 - 1

// Chain walks the descriptor chain that starts at head and returns its
// segments in order, following one level of indirect table. A malformed
// chain is an error naming the descriptor: a next index outside the table, a
// loop (more descriptors than the table holds), a readable segment after a
// writable one, a nested or chained indirect descriptor, an indirect table
// whose length is not a multiple of 16, or a total length above 4 GiB - 1.
func (r *DeviceRing) Chain(mem pcie.MemoryPort, rid pcie.RID, head uint16) ([]Segment, error) {
	return r.ChainVia(mem, rid, head, nil)
}

// ChainVia is Chain through s (Scratch; nil: a buffer of its own). An
// indirect table is read into a buffer of its own.
func (r *DeviceRing) ChainVia(mem pcie.MemoryPort, rid pcie.RID, head uint16, s *Scratch) ([]Segment, error) {
	// Most chains (a request's header, data and status) have at most
	// four segments.
	return r.ChainInto(mem, rid, head, s, make([]Segment, 0, 4))
}

// ChainInto is ChainVia appending the segments to segs[:0], which a caller
// allocates with what keeps them (the admin queue's entry).
func (r *DeviceRing) ChainInto(mem pcie.MemoryPort, rid pcie.RID, head uint16, s *Scratch, segs []Segment) ([]Segment, error) {
	if err := r.Validate(); err != nil {
		return nil, err
	}
	if head >= r.Size {
		return nil, fmt.Errorf("virtq: chain head %d outside a table of %d descriptors", head, r.Size)
	}
	defer s.done()
	p := via(mem, rid, s)
	w := walker{segs: segs[:0]}
	i := head
	for n := 0; ; n++ {
		if n >= int(r.Size) {
			return nil, fmt.Errorf("virtq: chain from head %d: more than %d descriptors (loop)", head, r.Size)
		}
		d, err := p.readDesc(r.descAddr(i))
		if err != nil {
			return nil, err
		}
		if d.Flags&DescFIndirect != 0 {
			if d.Flags&DescFNext != 0 {
				return nil, fmt.Errorf("virtq: descriptor %d: INDIRECT together with NEXT", i)
			}
			if err := w.indirect(p, d, i); err != nil {
				return nil, err
			}
			return w.segs, nil
		}
		if err := w.add(d, descLoc{index: i}); err != nil {
			return nil, err
		}
		if d.Flags&DescFNext == 0 {
			return w.segs, nil
		}
		if d.Next >= r.Size {
			return nil, fmt.Errorf("virtq: descriptor %d: next %d outside a table of %d descriptors", i, d.Next, r.Size)
		}
		i = d.Next
	}
}

// walker accumulates segments and checks order and total length.
type walker struct {
	segs     []Segment
	total    uint64
	writable bool
}

// descLoc names a descriptor in errors: index i of the ring's table, or
// entry index of the indirect table of ring descriptor of. It is formatted
// only when an error is built, so walking a good chain formats nothing.
type descLoc struct {
	index, of uint16
	indirect  bool
}

func (l descLoc) String() string {
	if l.indirect {
		return fmt.Sprintf("indirect descriptor %d of descriptor %d", l.index, l.of)
	}
	return fmt.Sprintf("descriptor %d", l.index)
}

func (w *walker) add(d Desc, where descLoc) error {
	wr := d.Flags&DescFWrite != 0
	if w.writable && !wr {
		return fmt.Errorf("virtq: %s: readable segment after a writable one", where)
	}
	w.writable = w.writable || wr
	w.total += uint64(d.Len)
	if w.total > maxChainBytes {
		return fmt.Errorf("virtq: %s: chain longer than %d bytes", where, uint64(maxChainBytes))
	}
	w.segs = append(w.segs, Segment{Addr: d.Addr, Len: d.Len, Writable: wr})
	return nil
}

func (w *walker) indirect(p port, d Desc, at uint16) error {
	if d.Len == 0 || d.Len%DescSize != 0 {
		return fmt.Errorf("virtq: descriptor %d: indirect table of %d bytes, want a non-zero multiple of %d", at, d.Len, DescSize)
	}
	n := d.Len / DescSize
	if n > MaxQueueSize {
		return fmt.Errorf("virtq: descriptor %d: indirect table of %d descriptors, more than %d", at, n, MaxQueueSize)
	}
	buf := make([]byte, d.Len)
	if err := p.mem.ReadMem(p.rid, d.Addr, buf); err != nil {
		return fmt.Errorf("virtq: read indirect table of descriptor %d at %#x: %w", at, d.Addr, err)
	}
	j := uint32(0)
	for k := uint32(0); ; k++ {
		if k >= n {
			return fmt.Errorf("virtq: indirect table of descriptor %d: more than %d descriptors (loop)", at, n)
		}
		e, err := DecodeDesc(buf[j*DescSize:])
		if err != nil {
			return err
		}
		where := descLoc{index: uint16(j), of: at, indirect: true}
		if e.Flags&DescFIndirect != 0 {
			return fmt.Errorf("virtq: %s: nested INDIRECT", where)
		}
		if err := w.add(e, where); err != nil {
			return err
		}
		if e.Flags&DescFNext == 0 {
			return nil
		}
		if uint32(e.Next) >= n {
			return fmt.Errorf("virtq: %s: next %d outside a table of %d descriptors", where, e.Next, n)
		}
		j = uint32(e.Next)
	}
}

// PushUsed writes the used element {head, written} at used ring[UsedIdx %
// size], then advances UsedIdx and publishes it (two DMA writes, in that
// order).
func (r *DeviceRing) PushUsed(mem pcie.MemoryPort, rid pcie.RID, head uint16, written uint32) error {
	return r.PushUsedVia(mem, rid, head, written, nil)
}

// PushUsedVia is PushUsed through s (Scratch; nil: a buffer of its own).
func (r *DeviceRing) PushUsedVia(mem pcie.MemoryPort, rid pcie.RID, head uint16, written uint32, s *Scratch) error {
	if err := r.Validate(); err != nil {
		return err
	}
	defer s.done()
	p := via(mem, rid, s)
	b := p.scratch(UsedElemSize)
	binary.LittleEndian.PutUint32(b[0:4], uint32(head))
	binary.LittleEndian.PutUint32(b[4:8], written)
	addr := r.usedElemAddr(r.UsedIdx)
	if err := mem.WriteMem(rid, addr, b); err != nil {
		return fmt.Errorf("virtq: write used ring[%d] at %#x: %w", r.UsedIdx%r.Size, addr, err)
	}
	if err := p.write16(r.usedIdxAddr(), r.UsedIdx+1, "used idx"); err != nil {
		return err
	}
	r.UsedIdx++
	return nil
}

// Scatter writes data into the writable segments in order and returns the
// number of bytes written (it stops at the end of data or of the segments).
func Scatter(mem pcie.MemoryPort, rid pcie.RID, segs []Segment, data []byte) (uint32, error) {
	var n uint32
	for i, s := range segs {
		if len(data) == 0 {
			break
		}
		if !s.Writable {
			continue
		}
		k := min(uint64(s.Len), uint64(len(data)))
		if err := mem.WriteMem(rid, s.Addr, data[:k]); err != nil {
			return n, fmt.Errorf("virtq: write segment %d at %#x: %w", i, s.Addr, err)
		}
		data = data[k:]
		n += uint32(k)
	}
	return n, nil
}

// Gather reads the readable segments in order, up to limit bytes.
func Gather(mem pcie.MemoryPort, rid pcie.RID, segs []Segment, limit int) ([]byte, error) {
	total := 0
	for _, s := range segs {
		if !s.Writable && total < limit {
			total += min(int(s.Len), limit-total)
		}
	}
	var out []byte
	if total > 0 {
		out = make([]byte, 0, total)
	}
	for i, s := range segs {
		if s.Writable || len(out) >= limit {
			continue
		}
		k := min(int(s.Len), limit-len(out))
		b := out[len(out) : len(out)+k]
		if err := mem.ReadMem(rid, s.Addr, b); err != nil {
			return nil, fmt.Errorf("virtq: read segment %d at %#x: %w", i, s.Addr, err)
		}
		out = out[:len(out)+k]
	}
	return out, nil
}
