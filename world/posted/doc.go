// Package posted is the bus's writes in flight (setting posted-writes,
// docs/scenarios.md "The bus"). A guest's MMIO write is a posted Memory
// Write: the vCPU does not wait for it. By default the world delivers it
// within the vCPU's step; with posted-writes=in-flight it travels as a TLP
// on a lane of the bus and is delivered by a step of its own, so the halt
// of the vCPUs, a mode change or another actor can come between the write
// and its arrival.
//
// Ordering follows the PCIe rules for transactions without Relaxed
// Ordering (PCI Express Base, "Transaction Ordering Rules"): a posted
// request does not pass an earlier posted request, and a read (or any
// non-posted request) does not pass an earlier posted request. A lane is
// one requester's path to the functions of one host (an owner and its VFs
// share one link), so posted writes on a lane are delivered in issue order
// and any later request of the same requester on that host pushes them
// ahead of itself: they are delivered, in order, before it.
//
// Who counts as the same requester is the setting's choice:
//   - in-flight: the requester ID. The guest's vCPUs and the hypervisor
//     are both the root complex (requester 0000), so the hypervisor's own
//     admin doorbell to the owner pushes every guest write issued before it
//     to that host: PCIe ordering delivers them before the device can fetch
//     the command.
//   - in-flight-unordered: each vCPU alone; the hypervisor's traffic does
//     not order with it (an owner driver behind another requester, such as a
//     management controller, or ID-based ordering between requesters). Only
//     the vCPU's own later requests push its writes.
//
// Footprints of the steps (partial-order reduction): a guest MMIO write
// appends to its lane, and any later request of its requester may push it
// ahead of itself to the function it addresses, so its step declares
// writing everything; while any write is in flight, every step does, lane
// steps included (Bus.Steps). The world's footprint guard fails a step that
// leaves a write in flight without that declaration.
//
// The package keeps the lanes and their writes, says which lanes a request
// pushes, and gives the lanes' steps and their part of the state hash. The
// world delivers the writes, and judges a write that lands on a device the
// hypervisor has quiesced.
package posted
