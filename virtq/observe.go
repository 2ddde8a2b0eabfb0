package virtq

import (
	"fmt"

	"github.com/migsim/migsim/pcie"
)

// Access is one memory access seen by an Observer.
type Access struct {
	Requester pcie.RID
	Addr      uint64
	Len       int
	Write     bool
}

// String renders the access for traces, e.g. "MWr 00:01.0 addr=0x1000 len=2".
func (a Access) String() string {
	k := pcie.MemRead
	if a.Write {
		k = pcie.MemWrite
	}
	return fmt.Sprintf("%s %s addr=%#x len=%d", k, a.Requester, a.Addr, a.Len)
}

// Observer wraps a MemoryPort and calls Hook before every access. A non-nil
// error from Hook refuses the access: the wrapped port is not touched and
// the error is returned to the device. A nil Hook observes nothing.
type Observer struct {
	Port pcie.MemoryPort
	Hook func(Access) error
}

// ReadMem calls Hook, then reads through the wrapped port.
func (o *Observer) ReadMem(rid pcie.RID, addr uint64, buf []byte) error {
	if o.Hook != nil {
		if err := o.Hook(Access{Requester: rid, Addr: addr, Len: len(buf)}); err != nil {
			return fmt.Errorf("virtq: read refused: %w", err)
		}
	}
	return o.Port.ReadMem(rid, addr, buf)
}

// WriteMem calls Hook, then writes through the wrapped port.
func (o *Observer) WriteMem(rid pcie.RID, addr uint64, data []byte) error {
	if o.Hook != nil {
		if err := o.Hook(Access{Requester: rid, Addr: addr, Len: len(data), Write: true}); err != nil {
			return fmt.Errorf("virtq: write refused: %w", err)
		}
	}
	return o.Port.WriteMem(rid, addr, data)
}

// Recorder is a Hook that appends every access to Accesses and refuses
// nothing.
type Recorder struct {
	Accesses []Access
}

// Hook records a and returns nil.
func (r *Recorder) Hook(a Access) error {
	r.Accesses = append(r.Accesses, a)
	return nil
}

// Reset forgets the recorded accesses.
func (r *Recorder) Reset() { r.Accesses = r.Accesses[:0] }
