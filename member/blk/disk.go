package blk

import (
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"slices"
)

// SectorSize is the virtio-blk sector size.
const SectorSize = 512

// Disk is an in-memory disk shared by the source and destination worlds:
// sparse 512-byte sectors (unwritten sectors read as zeros), a capacity in
// sectors and a serial for GET_ID. The writeback cache mode is device
// configuration, not disk state. A Disk is not safe for concurrent use.
type Disk struct {
	capacity uint64
	serial   string
	sectors  map[uint64]*[SectorSize]byte
	// flushes counts FLUSH requests served.
	flushes uint64
}

// NewDisk returns an empty disk of capacity sectors with the given serial
// (GET_ID returns its first 20 bytes).
func NewDisk(capacity uint64, serial string) *Disk {
	return &Disk{capacity: capacity, serial: serial, sectors: map[uint64]*[SectorSize]byte{}}
}

// Capacity is the size in 512-byte sectors.
func (d *Disk) Capacity() uint64 { return d.capacity }

// Serial is the disk's id string.
func (d *Disk) Serial() string { return d.serial }

// Flushes is the number of FLUSH requests served.
func (d *Disk) Flushes() uint64 { return d.flushes }

// Resize changes the capacity. Sectors beyond the new end keep their data
// but cannot be reached until the disk grows again.
func (d *Disk) Resize(capacity uint64) { d.capacity = capacity }

// checkRange checks that n bytes from sector fit in the disk.
func (d *Disk) checkRange(sector uint64, n int) error {
	if n%SectorSize != 0 {
		return fmt.Errorf("blk: disk: %d bytes at sector %d: not a multiple of %d", n, sector, SectorSize)
	}
	count := uint64(n / SectorSize)
	if sector > d.capacity || count > d.capacity-sector {
		return fmt.Errorf("blk: disk: sectors %d..%d past capacity %d", sector, sector+count, d.capacity)
	}
	return nil
}

// Read returns n bytes (a multiple of 512) from sector.
func (d *Disk) Read(sector uint64, n int) ([]byte, error) {
	if err := d.checkRange(sector, n); err != nil {
		return nil, err
	}
	out := make([]byte, n)
	for i := 0; i < n/SectorSize; i++ {
		if s := d.sectors[sector+uint64(i)]; s != nil {
			copy(out[i*SectorSize:], s[:])
		}
	}
	return out, nil
}

// Write stores data (a multiple of 512 bytes) from sector.
func (d *Disk) Write(sector uint64, data []byte) error {
	if err := d.checkRange(sector, len(data)); err != nil {
		return err
	}
	for i := 0; i < len(data)/SectorSize; i++ {
		s := d.sectors[sector+uint64(i)]
		if s == nil {
			s = new([SectorSize]byte)
			d.sectors[sector+uint64(i)] = s
		}
		copy(s[:], data[i*SectorSize:])
	}
	return nil
}

// Flush counts a cache flush (the in-memory disk has no cache to write).
func (d *Disk) Flush() { d.flushes++ }

// Digest is an FNV-64a hash of the capacity and of every non-zero sector in
// sector order.
func (d *Disk) Digest() uint64 {
	h := fnv.New64a()
	var b [8]byte
	binary.LittleEndian.PutUint64(b[:], d.capacity)
	h.Write(b[:])
	keys := make([]uint64, 0, len(d.sectors))
	for k := range d.sectors {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var zero [SectorSize]byte
	for _, k := range keys {
		if *d.sectors[k] == zero {
			continue
		}
		binary.LittleEndian.PutUint64(b[:], k)
		h.Write(b[:])
		h.Write(d.sectors[k][:])
	}
	return h.Sum64()
}
