package pcie

// MSIXState is the MSI-X capability as the device model needs it.
type MSIXState struct {
	Enabled      bool
	FunctionMask bool
	// TableSize is the number of table entries (vectors).
	TableSize int
	// TableOffset and PBAOffset are where the table and the PBA sit in
	// BAR0 (BIR 0).
	TableOffset uint32
	PBAOffset   uint32
}

// MSIX returns the MSI-X capability's state; false without one.
func (c *ConfigSpace) MSIX() (MSIXState, bool) {
	o := c.lay.msix
	if o == 0 {
		return MSIXState{}, false
	}
	ctl := c.u16(o + MSIXMsgCtl)
	return MSIXState{
		Enabled:      ctl&MSIXCtlEnable != 0,
		FunctionMask: ctl&MSIXCtlFunctionMask != 0,
		TableSize:    int(ctl&MSIXCtlTableSize) + 1,
		TableOffset:  c.u32(o+MSIXTableReg) &^ 7,
		PBAOffset:    c.u32(o+MSIXPBAReg) &^ 7,
	}, true
}
