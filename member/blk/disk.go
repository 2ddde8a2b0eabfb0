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
	// observe, when set, sees every access (SetObserver).
	observe func(write bool)
	// sum folds the hash of every non-zero sector with its number
	// (StateHash); sectorHashes holds each sector's share. They are kept
	// as sectors are written once kept is set, by the first StateHash:
	// runs that never hash their state (random and pct ones) never hash
	// a sector.
	sum          uint64
	sectorHashes map[uint64]uint64
	kept         bool
}

// SetObserver has f called before every access to the disk's contents or
// capacity: write is true for a write, a flush or a resize. The world
// checks with it that a step touching the disk declared so.
func (d *Disk) SetObserver(f func(write bool)) { d.observe = f }

func (d *Disk) seen(write bool) {
	if d.observe != nil {
		d.observe(write)
	}
}

// NewDisk returns an empty disk of capacity sectors with the given serial
// (GET_ID returns its first 20 bytes).
func NewDisk(capacity uint64, serial string) *Disk {
	return &Disk{capacity: capacity, serial: serial, sectors: map[uint64]*[SectorSize]byte{}}
}

// Capacity is the size in 512-byte sectors.
func (d *Disk) Capacity() uint64 {
	d.seen(false)
	return d.capacity
}

// Serial is the disk's id string.
func (d *Disk) Serial() string { return d.serial }

// Flushes is the number of FLUSH requests served.
func (d *Disk) Flushes() uint64 { return d.flushes }

// Resize changes the capacity. Sectors beyond the new end keep their data
// but cannot be reached until the disk grows again.
func (d *Disk) Resize(capacity uint64) {
	d.seen(true)
	d.capacity = capacity
}

// checkRange checks that n bytes from sector fit in the disk.
func (d *Disk) checkRange(sector uint64, n int) error {
	if n%SectorSize != 0 {
		return fmt.Errorf("blk: disk: %d bytes at sector %d: not a multiple of %d", n, sector, SectorSize)
	}
	count := uint64(n / SectorSize)
	if sector > d.capacity || count > d.capacity-sector {
		if end := sector + count; end >= sector {
			return fmt.Errorf("blk: disk: sectors %d..%d past capacity %d", sector, end, d.capacity)
		}
		// The end would wrap around 2^64 (a driver's sector near the
		// top of the range): say how many from where.
		return fmt.Errorf("blk: disk: %d sectors from sector %d past capacity %d", count, sector, d.capacity)
	}
	return nil
}

// Read returns n bytes (a multiple of 512) from sector.
func (d *Disk) Read(sector uint64, n int) ([]byte, error) {
	d.seen(false)
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
	d.seen(true)
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
		if d.kept {
			d.rehash(sector+uint64(i), s)
		}
	}
	return nil
}

// rehash updates the state hash after sector k changed to s.
func (d *Disk) rehash(k uint64, s *[SectorSize]byte) {
	if d.sectorHashes == nil {
		d.sectorHashes = map[uint64]uint64{}
	}
	d.sum -= d.sectorHashes[k]
	h := sectorShare(k, s)
	if h == 0 {
		delete(d.sectorHashes, k)
		return
	}
	d.sectorHashes[k] = h
	d.sum += h
}

// sectorShare is sector k's share of the disk's sum when it holds s:
// zero for a sector of zeros, odd otherwise.
func sectorShare(k uint64, s *[SectorSize]byte) uint64 {
	h := uint64(0x9e3779b97f4a7c15) ^ k*0xff51afd7ed558ccd
	zero := true
	for i := 0; i < SectorSize; i += 8 {
		v := binary.LittleEndian.Uint64(s[i:])
		zero = zero && v == 0
		h ^= v
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 31
	}
	if zero {
		return 0
	}
	return h | 1
}

// StateHash hashes everything that decides what the disk does next: its
// capacity, the flushes served and the contents of every non-zero sector.
// The first call hashes every sector; from then on the hash is kept as
// sectors are written, and costs nothing to read.
func (d *Disk) StateHash() uint64 {
	if !d.kept {
		// Map order: the sum does not depend on it.
		for k, s := range d.sectors {
			d.rehash(k, s)
		}
		d.kept = true
	}
	return (d.sum ^ d.capacity*0x9e3779b97f4a7c15) + d.flushes*0xbf58476d1ce4e5b9
}

// FreshStateHash recomputes StateHash from the sectors, reading no kept
// share: the reference a fresh state hash of the world checks the kept sum
// against (world.World.FreshStateHash). The sectors are visited in map
// order, which a sum does not depend on.
func (d *Disk) FreshStateHash() uint64 {
	var sum uint64
	for k, s := range d.sectors {
		sum += sectorShare(k, s)
	}
	return (sum ^ d.capacity*0x9e3779b97f4a7c15) + d.flushes*0xbf58476d1ce4e5b9
}

// Flush counts a cache flush (the in-memory disk has no cache to write).
func (d *Disk) Flush() {
	d.seen(true)
	d.flushes++
}

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
