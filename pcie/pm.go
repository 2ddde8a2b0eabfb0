package pcie

// PCI Power Management capability registers (offsets from the capability)
// and bits.
const (
	PMCapReg     = 0x02 // Power Management Capabilities (PMC)
	PMCtrlStatus = 0x04 // PMCSR

	// PMCSRPowerStateMask selects PowerState, bits 1:0.
	PMCSRPowerStateMask = 0x3
	// PMCSRNoSoftReset is bit 3: going D3hot → D0 keeps the function's
	// internal state (read-only 1 in migsim).
	PMCSRNoSoftReset uint16 = 1 << 3
	// PMCSRPMEEnable is bit 8, PME_En.
	PMCSRPMEEnable uint16 = 1 << 8
	// PMCSRPMEStatus is bit 15, PME_Status (write 1 to clear).
	PMCSRPMEStatus uint16 = 1 << 15

	// pmcValue: version 3 (PCI PM 1.2), PME from D0 and D3hot, no D1/D2.
	pmcValue uint16 = 0x0003 | 1<<11 | 1<<14
)

// PowerState is the PMCSR PowerState field (2 bits: every value is named).
// Its String method is generated: D0, D1, D2, D3hot.
type PowerState uint8

//go:generate go tool stringer -type=PowerState -linecomment

// Power states. migsim functions support D0 and D3hot only.
const (
	D0 PowerState = iota
	D1
	D2
	D3Hot // D3hot
)

// PowerState returns the function's current power state (D0 when it has no
// PM capability).
func (c *ConfigSpace) PowerState() PowerState { return c.snapshot().power }

// SetPMEStatus sets PME_Status, as the device does when it signals a PME.
// It is a no-op without a PM capability.
func (c *ConfigSpace) SetPMEStatus() {
	if p := c.lay.pm; p != 0 {
		c.set(p+PMCtrlStatus+1, c.at(p+PMCtrlStatus+1)|byte(PMCSRPMEStatus>>8))
	}
}
