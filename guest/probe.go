package guest

import (
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// Capability IDs FindCaps looks for (PCI Local Bus spec, capability list).
const (
	capIDPCIe = 0x10
	capIDMSIX = 0x11
)

// FindCaps walks the function's capability list for the PCIe and MSI-X
// capabilities, as Linux's pci_find_capability does: every read is a
// visible configuration access. An absent capability is 0.
func FindCaps(bus Bus) (pcieCap, msixCap uint16) {
	ptr := uint16(bus.CfgRead(0x34, 1) &^ 3)
	for i := 0; ptr != 0 && i < 48; i++ {
		hdr := bus.CfgRead(ptr, 2)
		switch uint8(hdr) {
		case capIDPCIe:
			pcieCap = ptr
		case capIDMSIX:
			msixCap = ptr
		}
		ptr = uint16(hdr>>8) &^ 3
	}
	return pcieCap, msixCap
}

// ResetPolls bounds the device_status polls of ResetDevice, a millisecond
// apart: 200 ms, twice an FLR (pcie.FLRDurationNs). Linux's loop has no
// bound; this one must outlast an FLR in progress, during which the
// function answers all ones and drops the write of 0, and after which it
// reads 0: a reset written while the host FLRs the VF then waits the FLR
// out as Linux's does, instead of giving up and blaming the device.
const ResetPolls = 200

// ResetDevice writes 0 to device_status and polls until it reads 0, a
// millisecond of virtual time between polls (Linux's vp_reset in
// drivers/virtio/virtio_pci_modern.c, with msleep(1)); false when it
// never reads 0 within ResetPolls polls.
func ResetDevice(c CommonCfg) bool {
	c.W8(spec.CfgDeviceStatus, 0)
	for range ResetPolls {
		if c.R8(spec.CfgDeviceStatus) == 0 {
			return true
		}
		c.Bus.Sleep(1_000_000)
	}
	return false
}

// flrReadyWait bounds AwaitFLR's polls, as Linux's PCIE_RESET_READY_POLL_MS
// (60 s) does.
const flrReadyWait = 60_000_000_000

// AwaitFLR waits an FLR out the way Linux's pcie_flr does
// (drivers/pci/pci.c): 100 ms (pcie.FLRDurationNs), then pci_dev_wait reads
// PCI_COMMAND until it is not all ones (a function still in its FLR
// answers so), sleeping 1, 2, 4, … ms in between; false when it is not
// ready within flrReadyWait.
func AwaitFLR(b Bus) bool {
	b.Sleep(pcie.FLRDurationNs)
	for delay, waited := uint64(1_000_000), uint64(0); b.CfgRead(0x04, 4) == 0xffffffff; delay *= 2 {
		if waited > flrReadyWait {
			return false
		}
		b.Sleep(delay)
		waited += delay
	}
	return true
}
