package pcie

import "encoding/binary"

// StateHash hashes everything that decides how the function's
// configuration space reads and takes writes: its layout (power-on values,
// write masks, capabilities), its routing ID and its register values. Two
// spaces with equal values hash alike whether or not their values were
// ever copied out of the layout. The layout's share is computed once, the
// whole once per change of a value.
func (c *ConfigSpace) StateHash() uint64 {
	if !c.hashed {
		c.hash, c.hashed = c.computeHash(), true
	}
	return c.hash
}

func (c *ConfigSpace) computeHash() uint64 {
	l := c.lay
	l.hashOnce.Do(l.computeHashes)
	h := mix(l.hash, uint64(c.rid))
	if c.v.std != nil {
		h = mix(h, hashBytes(c.v.std[:]))
	} else {
		h = mix(h, l.stdHash)
	}
	if c.v.ext != nil {
		var ext [ConfigSpaceSize - stdSize]byte
		c.extValues(&ext)
		h = mix(h, hashBytes(ext[:]))
	} else {
		h = mix(h, l.extHash)
	}
	return h
}

func (l *layout) computeHashes() {
	l.stdHash, l.extHash = hashBytes(l.init[:stdSize]), hashBytes(l.init[stdSize:])
	h := mix(mix(hashBytes(l.init[:]), hashBytes(l.wmask[:])), hashBytes(l.w1c[:]))
	vf := uint64(0)
	if l.vf {
		vf = 1
	}
	h = mix(h, vf)
	for _, o := range []int{l.pm, l.pcie, l.msix, l.sriov} {
		h = mix(h, uint64(o))
	}
	l.hash = h
}

// mix folds v into h (a SplitMix64-style finaliser).
func mix(h, v uint64) uint64 {
	h ^= v
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 31
	h *= 0x94d049bb133111eb
	return h ^ h>>29
}

// hashBytes hashes b, eight bytes at a time.
func hashBytes(b []byte) uint64 {
	h := mix(0x9e3779b97f4a7c15, uint64(len(b)))
	for len(b) >= 8 {
		h ^= binary.LittleEndian.Uint64(b)
		h *= 0xbf58476d1ce4e5b9
		h ^= h >> 31
		b = b[8:]
	}
	for _, x := range b {
		h = mix(h, uint64(x))
	}
	return mix(h, 0)
}
