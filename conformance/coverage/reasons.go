package coverage

import "fmt"

// Why the kit exercises no unit for a requirement. TestCoverageReasons
// keeps this table exact: every requirement nothing covers has a reason,
// and no covered requirement keeps one.

// Reasons shared by several requirements.
const (
	whyNet    = "virtio-net; no catalog row exercises it (member/net's tests check the reference virtio-net)"
	whyDriver = "binds the driver (owner driver or guest), not the device under test"
	whyOwner  = "binds the owner (the PF, its admin queue, SR-IOV group), not the member device under test"
	whyMay    = "a MAY: it permits a behaviour, nothing can fail it"
)

// DriverWhy is why a report judges no requirement that binds the driver:
// units, the number of units that exercise it, run it with migsim's own
// owner driver, hypervisor and guest, not with the device under test.
func DriverWhy(units int) string {
	if units == 0 {
		return whyDriver
	}
	if units == 1 {
		return whyDriver + ": the unit that exercises it judges migsim's reference drivers"
	}
	return fmt.Sprintf("%s: the %d units that exercise it judge migsim's reference drivers", whyDriver, units)
}

var notCovered = map[string]string{
	"ADM-DEV-01": whyOwner,
	"ADM-DEV-05": whyOwner,
	"ADM-DEV-06": whyOwner,
	"ADM-DEV-07": whyOwner,
	"ADM-DEV-08": whyOwner,
	"ADM-DEV-09": whyMay,
	"AVQ-DEV-02": whyOwner,
	"AVQ-DEV-04": whyOwner,
	"PCI-DEV-01": whyOwner,
	"PCI-DEV-06": "no row expects it and no device test targets it; the oracle msix-target judges every MSI-X message of " +
		"every row by its address and data, and an external device's vector outside its table or VIRTIO_MSI_NO_VECTOR is a " +
		"device fault of the unit it happens in (docs/device-protocol.md)",
	"CAP-DEV-01": whyOwner,
	"CAP-DEV-03": whyOwner,
	"CAP-DEV-04": whyOwner,
	"RES-DEV-02": whyOwner,
	"RES-DEV-03": whyOwner,
	"DP-DEV-07":  whyMay,
	"ADM-DRV-01": whyDriver,
	"ADM-DRV-02": whyDriver,
	"ADM-DRV-03": whyDriver,
	"ADM-DRV-04": whyDriver,
	"AVQ-DRV-01": whyDriver,
	"AVQ-DRV-02": whyDriver,
	"AVQ-DRV-03": whyDriver,
	"AVQ-DRV-04": whyDriver,
	"PCI-DRV-01": whyDriver,
	"DP-DRV-01":  whyDriver,
	"DP-DRV-02":  whyDriver,
	"DP-DRV-04":  whyDriver,
	"SUS-DRV-01": whyDriver,
}
