// Package pcie owns the PCI Express side of the simulated machine:
// configuration space with its capability chain (ConfigSpace, NewPFConfig,
// NewVFConfig, VFTemplate), the PCI Power Management capability, the PCIe
// capability with Function Level Reset (Device Capabilities bit 28, Device
// Control bit 15), MSI-X, the SR-IOV extended capability (VF Enable, NumVFs,
// First VF Offset, VF Stride) and routing-ID arithmetic (VFRID, VFNumber),
// BAR0 layout and the virtio PCI vendor capabilities (FindVirtioCap), the TLP
// vocabulary that crosses the bus (configuration and memory reads and
// writes, MSI-X messages, completions) and FLR timing (100 ms of virtual
// time).
//
// pcie holds no virtio semantics: a configuration write with behaviour is
// reported as a WriteEffect, and what it means to a virtio device is decided
// in member and owner. It never reads a clock. docs/pcie.md describes the
// layout and the rules.
package pcie
