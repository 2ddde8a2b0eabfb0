package virtq

import (
	"encoding/binary"
	"fmt"

	"github.com/migsim/migsim/pcie"
)

// ring accesses go through a port as one requester.
type port struct {
	mem pcie.MemoryPort
	rid pcie.RID
}

func (p port) read16(addr uint64, what string) (uint16, error) {
	var b [2]byte
	if err := p.mem.ReadMem(p.rid, addr, b[:]); err != nil {
		return 0, fmt.Errorf("virtq: read %s at %#x: %w", what, addr, err)
	}
	return binary.LittleEndian.Uint16(b[:]), nil
}

func (p port) write16(addr uint64, v uint16, what string) error {
	var b [2]byte
	binary.LittleEndian.PutUint16(b[:], v)
	if err := p.mem.WriteMem(p.rid, addr, b[:]); err != nil {
		return fmt.Errorf("virtq: write %s at %#x: %w", what, addr, err)
	}
	return nil
}

func (p port) readDesc(addr uint64) (Desc, error) {
	var b [DescSize]byte
	if err := p.mem.ReadMem(p.rid, addr, b[:]); err != nil {
		return Desc{}, fmt.Errorf("virtq: read descriptor at %#x: %w", addr, err)
	}
	return DecodeDesc(b[:])
}
