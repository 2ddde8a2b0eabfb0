// Package virtq owns split-virtqueue layout and ring arithmetic: the
// descriptor table, the available and used rings, chained (and one level of
// indirect) descriptors, the driver side that posts buffers (DriverRing) and
// the device side that takes and returns them (DeviceRing). Every access goes
// through a pcie.MemoryPort, so an observer sees each one. The member devices
// and the admin virtqueue both use it.
//
// It also holds GuestMemory, a sparse deterministic guest memory with Clone
// and Digest, and Observer, a MemoryPort wrapper whose hook sees (and may
// refuse) every access, so the engine can flag DMA by a stopped device.
//
// A malformed ring or chain is always an error naming the descriptor or ring
// slot, never a panic or an endless walk.
package virtq
