package extdevice

import (
	"errors"
	"fmt"

	"github.com/migsim/migsim/internal/plural"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
)

// remoteMem is guest memory as a served device reaches it: every access is
// a nested request the kit answers.
type remoteMem struct{ s *server }

var _ pcie.MemoryPort = remoteMem{}

func (r remoteMem) ReadMem(_ pcie.RID, addr uint64, buf []byte) error {
	m := r.s.nested(&Message{Op: OpMemRead, Addr: Hex64(addr), Len: len(buf)}, OpMemData)
	if m.Error != "" {
		return errors.New(m.Error)
	}
	if len(m.Data) != len(buf) {
		return fmt.Errorf("extdevice: mem-read of %s at %#x: %s returned", plural.Count(len(buf), "byte"), addr, plural.Count(len(m.Data), "byte"))
	}
	copy(buf, m.Data)
	return nil
}

// WriteMem posts the write: like a PCIe memory write it has no
// completion, so the device does not wait (the kit applies posted writes
// in order, before it reads the device's next message).
func (r remoteMem) WriteMem(_ pcie.RID, addr uint64, data []byte) error {
	r.s.post(&Message{Op: OpMemWrite, Addr: Hex64(addr), Data: data})
	return nil
}

// remoteDisk is the kit's disk as a served virtio-blk device reaches it.
// The capacity comes with every event; reads, writes and flushes are
// nested requests.
type remoteDisk struct {
	s      *server
	serial string
}

var _ blk.Storage = (*remoteDisk)(nil)

func (d *remoteDisk) Capacity() uint64 { return d.s.capacity }
func (d *remoteDisk) Serial() string   { return d.serial }

func (d *remoteDisk) Read(sector uint64, n int) ([]byte, error) {
	m := d.s.nested(&Message{Op: OpDiskRead, Sector: sector, Len: n}, OpDiskData)
	if m.Error != "" {
		return nil, errors.New(m.Error)
	}
	if len(m.Data) != n {
		return nil, fmt.Errorf("extdevice: disk-read of %s at sector %d: %s returned", plural.Count(n, "byte"), sector, plural.Count(len(m.Data), "byte"))
	}
	return m.Data, nil
}

func (d *remoteDisk) Write(sector uint64, data []byte) error {
	m := d.s.nested(&Message{Op: OpDiskWrite, Sector: sector, Data: data}, OpDiskDone)
	if m.Error != "" {
		return errors.New(m.Error)
	}
	return nil
}

func (d *remoteDisk) Flush() { d.s.nested(&Message{Op: OpDiskFlush}, OpDiskDone) }
