package guest

import "github.com/migsim/migsim/pcie"

// RID is the requester ID of the guest's CPU accesses.
const RID pcie.RID = 0x0000

// The MSI-X messages every guest driver programs: the address, and the
// data MSIXDataBase + vector, so the world can route a message back to the
// vector it signals.
const (
	MSIXAddr     = 0xfee0_0000
	MSIXDataBase = 0x40
)

// Bus is one vCPU's view of the machine, as the guest driver uses it.
// Every method except Memory is one visible operation: in the world the
// vCPU yields to the scheduler before it happens, so the scheduler decides
// what the devices and the other actors do in between.
type Bus interface {
	// CfgRead and CfgWrite access the VF's configuration space (n is 1, 2
	// or 4 bytes).
	CfgRead(off uint16, n int) uint32
	CfgWrite(off uint16, n int, v uint32)
	// MMIORead and MMIOWrite access memory space (the VF's BAR0) at an
	// absolute address. MMIOWrite keeps data (the bus and the trace hold
	// it): the caller hands it over and does not change it after.
	MMIORead(addr uint64, n int) []byte
	MMIOWrite(addr uint64, data []byte)
	// WaitIRQ blocks until an interrupt is pending for this guest and
	// returns its vector; ok is false when nothing can ever deliver one (the
	// world ends the run and the oracles judge the hang).
	WaitIRQ() (vector uint16, ok bool)
	// Sleep lets ns of virtual time pass for this vCPU.
	Sleep(ns uint64)
	// Memory is the guest's physical memory, wherever the VM runs now.
	// Guest-local memory accesses are not visible operations.
	Memory() pcie.MemoryPort
	// BAR0 is the guest-physical address of the VF's BAR0.
	BAR0() uint64
}
