package pcie

// Layout of a virtio function's BAR0 as migsim builds it. The virtio PCI
// vendor capabilities in configuration space point at these offsets.
const (
	BAR0CommonCfg    = 0x0000 // struct virtio_pci_common_cfg, 64 bytes
	BAR0ISR          = 0x1000 // 1 byte, read clears
	BAR0DeviceCfg    = 0x2000 // device-specific configuration
	BAR0DeviceCfgLen = 0x100
	BAR0Notify       = 0x3000 // notify region: queue_notify_off * NotifyMultiplier
	BAR0NotifyLen    = 0x1000
	BAR0MSIXTable    = 0x4000 // 16 bytes per entry
	BAR0MSIXPBA      = 0x5000
	BAR0Size         = 0x8000

	// NotifyMultiplier is notify_off_multiplier of the notify capability.
	NotifyMultiplier = 4
	// MSIXEntrySize is the size of one MSI-X table entry.
	MSIXEntrySize = 16
)

// FLRDurationNs is the virtual time an FLR takes: PCIe r4.0 §6.6.2 gives a
// function 100 ms, during which it may drop requests.
const FLRDurationNs uint64 = 100_000_000
