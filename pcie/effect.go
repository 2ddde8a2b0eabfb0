package pcie

import (
	"fmt"
	"strings"
)

// EffectFlags says which behaviour a configuration write (or a reset)
// triggered. Several flags can be set by one write.
type EffectFlags uint16

// Effect flags.
const (
	// FLRInitiated: 1 was written to Device Control bit 15.
	FLRInitiated EffectFlags = 1 << iota
	// VFEnableChanged: SR-IOV VF Enable changed; see WriteEffect.VFEnabled.
	VFEnableChanged
	// NumVFsChanged: SR-IOV NumVFs changed; see WriteEffect.NumVFs.
	NumVFsChanged
	// NumVFsIgnored: NumVFs was written while VF Enable was 1; the write to
	// NumVFs was dropped.
	NumVFsIgnored
	// VFMemorySpaceChanged: SR-IOV Control VF MSE changed.
	VFMemorySpaceChanged
	// BusMasterChanged: Command bit 2 changed; see WriteEffect.BusMaster.
	BusMasterChanged
	// MemorySpaceChanged: Command bit 1 changed.
	MemorySpaceChanged
	// MSIXEnableChanged: MSI-X Enable changed; see WriteEffect.MSIXEnabled.
	MSIXEnableChanged
	// MSIXMaskChanged: MSI-X Function Mask changed.
	MSIXMaskChanged
	// PowerStateChanged: PMCSR PowerState changed; see
	// WriteEffect.PowerState.
	PowerStateChanged
	// PowerStateIgnored: an unsupported power state (D1, D2) was written;
	// the state did not change.
	PowerStateIgnored
)

var effectNames = []string{
	"FLR_INITIATED", "VF_ENABLE_CHANGED", "NUM_VFS_CHANGED", "NUM_VFS_IGNORED",
	"VF_MSE_CHANGED", "BUS_MASTER_CHANGED", "MEMORY_SPACE_CHANGED",
	"MSIX_ENABLE_CHANGED", "MSIX_MASK_CHANGED", "POWER_STATE_CHANGED",
	"POWER_STATE_IGNORED",
}

// String returns the set flags joined by '|' in bit order, or NONE.
func (f EffectFlags) String() string {
	if f == 0 {
		return "NONE"
	}
	var parts []string
	for i, n := range effectNames {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if rest := f &^ (1<<len(effectNames) - 1); rest != 0 {
		parts = append(parts, fmt.Sprintf("%#x", uint16(rest)))
	}
	return strings.Join(parts, "|")
}

// WriteEffect is what a configuration write or a reset did that the device
// model must react to. Flags says what happened; the value fields always
// hold the state after the write, whether or not it changed.
type WriteEffect struct {
	Flags EffectFlags

	BusMaster   bool
	MemorySpace bool
	MSIXEnabled bool
	MSIXMasked  bool
	PowerState  PowerState
	// VFEnabled and NumVFs are the SR-IOV Control VF Enable bit and NumVFs
	// (false and 0 for a function without SR-IOV).
	VFEnabled bool
	NumVFs    uint16
}

// Has reports whether every flag of f is set.
func (e WriteEffect) Has(f EffectFlags) bool { return e.Flags&f == f }
