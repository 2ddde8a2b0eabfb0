// Package virtq owns split-virtqueue layout and ring arithmetic: the
// descriptor table, the available and used rings, chained descriptors, the
// driver side that posts buffers and the device side that takes and returns
// them. Every access goes through a pcie.MemoryPort, so an observer sees each
// one. The member devices and the admin virtqueue both use it.
package virtq
