// Package compat owns migration compatibility (docs/compat.md): the
// compatibility header ("MGSC") that wraps every saved state, device
// descriptions and destination capabilities with their JSON form, and the
// decision procedure — CheckCompatible before the source leaves running,
// CheckLoad before anything is applied at the destination — with typed
// mismatch codes and the error contract.
package compat
