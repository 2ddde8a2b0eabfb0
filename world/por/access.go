package por

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/world/ownerview"
)

// VFAccess returns what an access of kind to a VF, at offset off of its
// BAR0 (of its configuration space for a configuration request), touches
// besides the member: what the host knows of it (VFTruth), and, for
// an access that may reset it (Initiate FLR, a write of 0 to
// device_status), its backend (VFReset). What the host knows changes
// with the accesses ownerview.ObservedAt names and, for the oracles, with
// any write while a size query is watched (ownerview.Record.ObserveWrite:
// the readback oracle excuses a longer first read after one). A watch
// starts when the hypervisor submits the query, which may be the other
// step of a pair the reduction would otherwise reorder, so every write
// declares it: a write and the query then never commute.
func VFAccess(kind pcie.TLPKind, off uint64, data []byte) uint8 {
	write := kind == pcie.MemWrite || kind == pcie.CfgWrite
	if !ownerview.ObservedAt(kind, off, data) {
		if write {
			return VFTruth
		}
		return 0
	}
	if !write {
		return VFTruth
	}
	return VFTruth | VFReset
}
