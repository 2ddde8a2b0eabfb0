// Package guest owns what every guest driver shares: Bus, one vCPU's view
// of the machine (configuration and memory TLPs, interrupts, sleeping,
// guest memory), and the guest's conventions for requester IDs and MSI-X
// messages. The drivers themselves are in subpackages (guest/blk).
//
// A guest driver never blocks on its own: every Bus call is one visible
// operation that the world turns into a scheduler step.
package guest
