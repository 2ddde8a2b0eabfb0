package virtq

import (
	"encoding/binary"
	"fmt"
)

// Descriptor flags (virtio 1.x §2.7.5).
const (
	DescFNext     uint16 = 1
	DescFWrite    uint16 = 2
	DescFIndirect uint16 = 4
)

// Ring flags.
const (
	// AvailFNoInterrupt is VIRTQ_AVAIL_F_NO_INTERRUPT.
	AvailFNoInterrupt uint16 = 1
	// UsedFNoNotify is VIRTQ_USED_F_NO_NOTIFY.
	UsedFNoNotify uint16 = 1
)

// Sizes and alignments of the split-ring parts (virtio 1.x §2.7).
const (
	DescSize      = 16 // struct virtq_desc
	UsedElemSize  = 8  // struct virtq_used_elem
	DescAlign     = 16
	AvailAlign    = 2
	UsedAlign     = 4
	MaxQueueSize  = 32768
	ringHeaderLen = 4 // le16 flags; le16 idx
)

// DescTableSize is the byte size of a descriptor table of size entries.
func DescTableSize(size uint16) uint64 { return uint64(size) * DescSize }

// AvailRingSize is the byte size of an avail ring of size entries, used_event
// included.
func AvailRingSize(size uint16) uint64 { return ringHeaderLen + 2*uint64(size) + 2 }

// UsedRingSize is the byte size of a used ring of size entries, avail_event
// included.
func UsedRingSize(size uint16) uint64 {
	return ringHeaderLen + UsedElemSize*uint64(size) + 2
}

// alignUp rounds v up to a multiple of a (a power of two).
func alignUp(v, a uint64) uint64 { return (v + a - 1) &^ (a - 1) }

// Layout places one split virtqueue in guest memory: its size and the guest
// physical addresses of the descriptor table (queue_desc), the avail ring
// (queue_driver) and the used ring (queue_device).
type Layout struct {
	Size  uint16
	Desc  uint64
	Avail uint64
	Used  uint64
}

// NewLayout lays a queue of size entries out contiguously from base: the
// descriptor table, then the avail ring, then the used ring, each aligned as
// the spec requires.
func NewLayout(base uint64, size uint16) Layout {
	l := Layout{Size: size, Desc: alignUp(base, DescAlign)}
	l.Avail = alignUp(l.Desc+DescTableSize(size), AvailAlign)
	l.Used = alignUp(l.Avail+AvailRingSize(size), UsedAlign)
	return l
}

// End is the first address after the used ring.
func (l Layout) End() uint64 { return l.Used + UsedRingSize(l.Size) }

// Validate checks the size (a power of two in 1..32768) and the alignment of
// each part.
func (l Layout) Validate() error {
	if l.Size == 0 || l.Size > MaxQueueSize || l.Size&(l.Size-1) != 0 {
		return fmt.Errorf("virtq: queue size %d: want a power of two in 1..%d", l.Size, MaxQueueSize)
	}
	if l.Desc%DescAlign != 0 {
		return fmt.Errorf("virtq: descriptor table at %#x: want %d-byte alignment", l.Desc, DescAlign)
	}
	if l.Avail%AvailAlign != 0 {
		return fmt.Errorf("virtq: avail ring at %#x: want %d-byte alignment", l.Avail, AvailAlign)
	}
	if l.Used%UsedAlign != 0 {
		return fmt.Errorf("virtq: used ring at %#x: want %d-byte alignment", l.Used, UsedAlign)
	}
	return nil
}

// Addresses of the ring fields.
func (l Layout) descAddr(i uint16) uint64      { return l.Desc + uint64(i)*DescSize }
func (l Layout) availIdxAddr() uint64          { return l.Avail + 2 }
func (l Layout) availRingAddr(i uint16) uint64 { return l.Avail + ringHeaderLen + 2*uint64(i%l.Size) }
func (l Layout) usedIdxAddr() uint64           { return l.Used + 2 }
func (l Layout) usedElemAddr(i uint16) uint64 {
	return l.Used + ringHeaderLen + UsedElemSize*uint64(i%l.Size)
}

// Desc is one struct virtq_desc.
type Desc struct {
	Addr  uint64
	Len   uint32
	Flags uint16
	Next  uint16
}

// Encode writes the descriptor's 16 bytes into b (which must hold 16).
func (d Desc) Encode(b []byte) {
	binary.LittleEndian.PutUint64(b[0:8], d.Addr)
	binary.LittleEndian.PutUint32(b[8:12], d.Len)
	binary.LittleEndian.PutUint16(b[12:14], d.Flags)
	binary.LittleEndian.PutUint16(b[14:16], d.Next)
}

// DecodeDesc reads a descriptor from 16 bytes.
func DecodeDesc(b []byte) (Desc, error) {
	if len(b) < DescSize {
		return Desc{}, fmt.Errorf("virtq: descriptor: %d bytes, want %d", len(b), DescSize)
	}
	return Desc{
		Addr:  binary.LittleEndian.Uint64(b[0:8]),
		Len:   binary.LittleEndian.Uint32(b[8:12]),
		Flags: binary.LittleEndian.Uint16(b[12:14]),
		Next:  binary.LittleEndian.Uint16(b[14:16]),
	}, nil
}

// Segment is one buffer of a descriptor chain as the device sees it.
type Segment struct {
	Addr     uint64
	Len      uint32
	Writable bool
}

// Used is one struct virtq_used_elem: the head of a returned chain and the
// number of bytes the device wrote into it.
type Used struct {
	ID  uint32
	Len uint32
}
