// Package mutants is a library of realistic device bugs: member devices
// that wrap any other (the reference virtio-blk, normally) and break one
// rule of the device-migration text the way a real implementation might,
// each with a name and a one-line description. They are built with the
// public member API only (member.Device, member.Event and member.Effects):
// a wrapper sees every event the world delivers, may answer it, change
// what the inner device answers, or send the inner device events of its
// own (a private mode change, a read of its own MSI-X table) whose
// effects the owner never sees. A bug in the device's own DMA path builds
// the inner device with a memory port of its own (Mutant.Build).
//
// The catalog must catch every one of them: TestMutantsCaught runs each
// against the catalog rows that should catch it and generates the table
// of docs/conformance.md (which oracle catches it, on which row, after how
// many schedules). The conformance kit offers them as named builtins.
package mutants
