package blk

import (
	"github.com/migsim/migsim/internal/deephash"
	"github.com/migsim/migsim/internal/slotcache"
)

// A read that returns what the guest expects holds bytes that follow from
// its sectors and the patterns the guest wrote there (fillPattern; zeros
// where it wrote none): every run of a scenario reads the same, and its
// log line's hash (dataHash, byte-serial FNV) is kept for the process,
// keyed by those sectors and patterns.

// maxHashedSectors bounds the reads whose hash is kept (a key holds a
// pattern per sector).
const maxHashedSectors = 8

// readKey is what an expected read's bytes follow from: its first sector,
// its sectors and, per sector, 0 (never written) or 0x100 | the pattern.
type readKey struct {
	sector uint64
	count  int
	pats   [maxHashedSectors]uint16
}

// readSlots is the size of the process's table of read hashes.
const readSlots = 256

// readHashes holds the hashes of expected reads built in the process.
var readHashes = slotcache.New[readKey, uint64](readSlots)

// readHash returns dataHash(buf) of a read of count sectors from sector;
// expected reports that buf holds what the guest expects (holdsExpected),
// whose hash is then taken from readHashes when it holds it.
func (g *Driver) readHash(buf []byte, sector uint64, count int, expected bool) uint64 {
	if !expected || count > maxHashedSectors || count*sectorSize != len(buf) {
		return dataHash(buf)
	}
	k := readKey{sector: sector, count: count}
	h := deephash.Mix(sector, uint64(count))
	for i := 0; i < count; i++ {
		if p, ok := g.shadow[sector+uint64(i)]; ok {
			k.pats[i] = 0x100 | uint16(p)
		}
		h = deephash.Mix(h, uint64(k.pats[i]))
	}
	slot := h % readSlots
	if v, ok := readHashes.Get(slot, k); ok {
		return v
	}
	v := dataHash(buf)
	readHashes.Put(slot, k, v)
	return v
}
