package pcie

// ResetFunction is the register side of a Function Level Reset: every
// register returns to its power-on value. On a PF that includes SR-IOV
// Control, so VF Enable clears and every VF disappears (SR-IOV 1.1 §2.2.3,
// PCIe r5.0 §9.2.2.3; docs/pcie.md, "Rules"); the returned WriteEffect then
// has VFEnableChanged. Which registers PCIe §6.6.2 lets an FLR preserve
// (sticky bits) migsim has not verified, so it resets all of them.
//
// pcie does not decide when this happens: Write reports FLRInitiated and the
// device model resets the function and arms a timer of FLRDuration.
func (c *ConfigSpace) ResetFunction() WriteEffect { return c.Reset() }

// FLRCapable reports Device Capabilities bit 28 of the PCI Express
// capability.
func (c *ConfigSpace) FLRCapable() bool {
	p := c.lay.pcie
	return p != 0 && c.u32(p+PCIeDevCap)&DevCapFLR != 0
}

// FLRDuration is how long, in virtual nanoseconds, an FLR takes before the
// function answers again: FLRDurationNs (100 ms, PCIe r4.0 §6.6.2). There is
// no clock here; the device model arms a timer for it.
func FLRDuration() uint64 { return FLRDurationNs }

// FLRDoneAt returns when an FLR started at virtual time startNs completes,
// saturating at the largest time instead of wrapping.
func FLRDoneAt(startNs uint64) uint64 {
	if startNs > ^uint64(0)-FLRDurationNs {
		return ^uint64(0)
	}
	return startNs + FLRDurationNs
}

// SetTransactionsPending sets or clears Device Status bit 5 (Transactions
// Pending), which the device model drives while it has requests in flight.
// It is a no-op without a PCI Express capability.
func (c *ConfigSpace) SetTransactionsPending(pending bool) {
	p := c.lay.pcie
	if p == 0 {
		return
	}
	if pending {
		c.set(p+PCIeDevSta, c.at(p+PCIeDevSta)|byte(DevStaTransPending))
	} else {
		c.set(p+PCIeDevSta, c.at(p+PCIeDevSta)&^byte(DevStaTransPending))
	}
}
