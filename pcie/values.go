package pcie

import "encoding/binary"

// stdSize is the size of the PCI-compatible part of configuration space;
// extended capabilities follow it.
const stdSize = 256

// extChunks is how many stdSize-byte chunks the extended space holds.
const extChunks = (ConfigSpaceSize - stdSize) / stdSize

// values holds one function's register values sparsely, against its
// layout's power-on values: the PCI-compatible 256 bytes and each 256-byte
// chunk of the extended space are copied out of the layout the first time a
// write changes one of their bytes. A function nobody wrote to costs two
// nil pointers; a VF a driver set up (Command, MSI-X Enable) costs 256
// bytes, since a VF's extended space has no writable bit; a PF whose SR-IOV
// capability was written costs 256 bytes more, and a table of 15 pointers.
type values struct {
	std *[stdSize]byte
	ext *[extChunks]*[stdSize]byte
}

// at returns the byte at o (0 ≤ o < ConfigSpaceSize).
func (c *ConfigSpace) at(o int) byte {
	if o < stdSize {
		if c.v.std != nil {
			return c.v.std[o]
		}
	} else if c.v.ext != nil {
		if k := c.v.ext[o/stdSize-1]; k != nil {
			return k[o%stdSize]
		}
	}
	return c.lay.init[o]
}

// set stores b at o, copying the chunk it falls in out of the layout if
// this is the first change there, and keeps EnabledVFs.
func (c *ConfigSpace) set(o int, b byte) {
	if c.at(o) == b {
		return
	}
	c.hashed = false
	c.store(o, b)
	if s := c.lay.sriov; s != 0 && o >= s+SRIOVControl && o <= s+SRIOVNumVFs+1 {
		c.vfs = c.decodeEnabledVFs()
	}
}

// store is set's write of the value.
func (c *ConfigSpace) store(o int, b byte) {
	if o < stdSize {
		if c.v.std == nil {
			c.v.std = new([stdSize]byte)
			copy(c.v.std[:], c.lay.init[:stdSize])
		}
		c.v.std[o] = b
		return
	}
	if c.v.ext == nil {
		c.v.ext = new([extChunks]*[stdSize]byte)
	}
	i := o/stdSize - 1
	k := c.v.ext[i]
	if k == nil {
		k = new([stdSize]byte)
		copy(k[:], c.lay.init[o&^(stdSize-1):])
		c.v.ext[i] = k
	}
	k[o%stdSize] = b
}

// extValues copies the extended space's values into buf.
func (c *ConfigSpace) extValues(buf *[ConfigSpaceSize - stdSize]byte) {
	copy(buf[:], c.lay.init[stdSize:])
	if c.v.ext == nil {
		return
	}
	for i, k := range c.v.ext {
		if k != nil {
			copy(buf[i*stdSize:], k[:])
		}
	}
}

// span returns the values of bytes [o, o+n) (0 ≤ o, o+n ≤
// ConfigSpaceSize) when they lie in one 256-byte chunk, as every naturally
// aligned register does, and nil otherwise. The slice is read-only.
func (c *ConfigSpace) span(o, n int) []byte {
	if n <= 0 || o/stdSize != (o+n-1)/stdSize {
		return nil
	}
	var k *[stdSize]byte
	if o < stdSize {
		k = c.v.std
	} else if c.v.ext != nil {
		k = c.v.ext[o/stdSize-1]
	}
	if k == nil {
		return c.lay.init[o : o+n]
	}
	return k[o%stdSize : o%stdSize+n]
}

// u16 and u32 read little-endian registers.
func (c *ConfigSpace) u16(o int) uint16 {
	if b := c.span(o, 2); b != nil {
		return binary.LittleEndian.Uint16(b)
	}
	return uint16(c.at(o)) | uint16(c.at(o+1))<<8
}

func (c *ConfigSpace) u32(o int) uint32 {
	if b := c.span(o, 4); b != nil {
		return binary.LittleEndian.Uint32(b)
	}
	return uint32(c.u16(o)) | uint32(c.u16(o+2))<<16
}
