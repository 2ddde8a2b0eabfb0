package virtq

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/pcie"
)

// ring accesses go through a port as one requester. buf, when not nil, is
// a scratch buffer of DescSize bytes the port reads and writes through, so
// that a run of accesses costs one allocation (a buffer handed to a
// pcie.MemoryPort escapes); pcie.MemoryPort implementations do not keep
// it.
type port struct {
	mem pcie.MemoryPort
	rid pcie.RID
	buf []byte
}

// Scratch is the buffer a device ring's accesses go through (the Via
// methods of DeviceRing): a buffer handed to a pcie.MemoryPort escapes, so
// one made per call is an allocation. A device keeps one next to its ring
// state, by value: every access writes the bytes it then reads, and every
// method that takes a Scratch clears it before it returns, so it holds
// nothing between calls and a state hash that walks it sees zeros. A
// copy of the state copies the array, so two states never share one. One
// Scratch serves one call at a time.
type Scratch [DescSize]byte

// scratchPort returns a port for mem and rid with a fresh scratch buffer.
func scratchPort(mem pcie.MemoryPort, rid pcie.RID) port {
	return port{mem, rid, make([]byte, DescSize)}
}

// via returns a port for mem and rid through s, or through a fresh buffer
// when s is nil.
func via(mem pcie.MemoryPort, rid pcie.RID, s *Scratch) port {
	if s == nil {
		return scratchPort(mem, rid)
	}
	return port{mem, rid, s[:]}
}

// done clears s (nil: nothing to clear) after a Via method used it.
func (s *Scratch) done() {
	if s != nil {
		*s = Scratch{}
	}
}

// scratch returns n bytes (n ≤ DescSize) to read into or write from.
func (p port) scratch(n int) []byte {
	if p.buf != nil {
		return p.buf[:n]
	}
	return make([]byte, n)
}

func (p port) read16(addr uint64, what string) (uint16, error) {
	b := p.scratch(2)
	if err := p.mem.ReadMem(p.rid, addr, b); err != nil {
		return 0, fmt.Errorf("virtq: read %s at %#x: %w", what, addr, err)
	}
	return binary.LittleEndian.Uint16(b), nil
}

func (p port) write16(addr uint64, v uint16, what string) error {
	b := p.scratch(2)
	binary.LittleEndian.PutUint16(b, v)
	if err := p.mem.WriteMem(p.rid, addr, b); err != nil {
		return fmt.Errorf("virtq: write %s at %#x: %w", what, addr, err)
	}
	return nil
}

func (p port) readDesc(addr uint64) (Desc, error) {
	b := p.scratch(DescSize)
	if err := p.mem.ReadMem(p.rid, addr, b); err != nil {
		return Desc{}, fmt.Errorf("virtq: read descriptor at %#x: %w", addr, err)
	}
	return DecodeDesc(b)
}
