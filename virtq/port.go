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

// scratchPort returns a port for mem and rid with a fresh scratch buffer.
func scratchPort(mem pcie.MemoryPort, rid pcie.RID) port {
	return port{mem, rid, make([]byte, DescSize)}
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
