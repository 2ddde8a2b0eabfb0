package pcie

// stdSize is the size of the PCI-compatible part of configuration space;
// extended capabilities follow it.
const stdSize = 256

// values holds one function's register values sparsely, against its
// layout's power-on values: the PCI-compatible 256 bytes and the extended
// space are each copied out of the layout the first time a write changes
// one of their bytes. A function nobody wrote to costs two nil pointers; a
// VF a driver set up (Command, MSI-X Enable) costs 256 bytes, since a VF's
// extended space has no writable bit.
type values struct {
	std *[stdSize]byte
	ext *[ConfigSpaceSize - stdSize]byte
}

// at returns the byte at o (0 ≤ o < ConfigSpaceSize).
func (c *ConfigSpace) at(o int) byte {
	if o < stdSize {
		if c.v.std != nil {
			return c.v.std[o]
		}
	} else if c.v.ext != nil {
		return c.v.ext[o-stdSize]
	}
	return c.lay.init[o]
}

// set stores b at o, copying the half it falls in out of the layout if this
// is the first change there.
func (c *ConfigSpace) set(o int, b byte) {
	if c.at(o) == b {
		return
	}
	if o < stdSize {
		if c.v.std == nil {
			c.v.std = new([stdSize]byte)
			copy(c.v.std[:], c.lay.init[:stdSize])
		}
		c.v.std[o] = b
		return
	}
	if c.v.ext == nil {
		c.v.ext = new([ConfigSpaceSize - stdSize]byte)
		copy(c.v.ext[:], c.lay.init[stdSize:])
	}
	c.v.ext[o-stdSize] = b
}

// u16 and u32 read little-endian registers.
func (c *ConfigSpace) u16(o int) uint16 { return uint16(c.at(o)) | uint16(c.at(o+1))<<8 }
func (c *ConfigSpace) u32(o int) uint32 { return uint32(c.u16(o)) | uint32(c.u16(o+2))<<16 }
