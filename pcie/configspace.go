package pcie

import (
	"encoding/binary"
	"errors"
	"fmt"
	"sync"
)

// ConfigSpaceSize is the size of a PCI Express function's configuration
// space: 256 bytes of PCI-compatible space and extended space up to 4 KiB.
const ConfigSpaceSize = 4096

// Errors callers can branch on (with errors.Is). They are always wrapped with
// the offset and size of the access or the option that was wrong.
var (
	// ErrOutOfRange is an access that reaches past the 4 KiB config space.
	ErrOutOfRange = errors.New("access past end of configuration space")
	// ErrBadSize is an access whose size is not 1, 2 or 4 bytes.
	ErrBadSize = errors.New("access size must be 1, 2 or 4")
	// ErrNumVFsTooLarge is a NumVFs write greater than TotalVFs.
	ErrNumVFsTooLarge = errors.New("NumVFs exceeds TotalVFs")
	// ErrBadOptions is a PFOptions or VFOptions value that cannot be built.
	ErrBadOptions = errors.New("bad configuration-space options")
)

// layout is what a configuration space shares with every other function
// built from the same options: the power-on values, the per-byte write masks
// and the capability offsets. All VFs of one PF share one layout, so a VF's
// own state is only the register values that differ from it (values).
type layout struct {
	init  [ConfigSpaceSize]byte // power-on values
	wmask [ConfigSpaceSize]byte // bits software may write
	w1c   [ConfigSpaceSize]byte // bits cleared by writing 1
	vf    bool

	pm, pcie, msix, sriov int // capability offsets, 0 when absent

	// hashes of the layout and of its power-on halves (ConfigSpace.StateHash),
	// computed once: a layout does not change once built.
	hashOnce               sync.Once
	hash, stdHash, extHash uint64
}

// ConfigSpace is one function's configuration space: 4 KiB of registers
// with per-byte write masks (read-only bits keep their value on writes,
// write-1-to-clear bits clear), a type-0 header, a capability list and
// extended capabilities from 0x100.
//
// ConfigSpace holds no virtio semantics. A write to a register with
// behaviour (Initiate FLR, VF Enable, NumVFs, Bus Master Enable, MSI-X
// Enable, PowerState) is reported in the returned WriteEffect for the device
// model to act on. Register values are kept sparsely against the power-on
// values the function shares with every function built from the same
// options: a function never written costs a few words. The zero value is not usable; build one with NewPFConfig,
// NewVFConfig or a VFTemplate. A ConfigSpace is not safe for concurrent use.
type ConfigSpace struct {
	v   values
	lay *layout
	// hash is StateHash's last result while hashed is set; a change of a
	// value (set, Reset) clears hashed. A PF's extended space is 3,840
	// bytes, and a state-pruned search hashes its PF after every event of
	// its host, most of which change no register.
	hash uint64
	rid  RID
	// vfs is the number of VFs that exist (EnabledVFs), kept by set and
	// Reset from the SR-IOV registers: the owner and the world ask it at
	// every member event and every view of the host's record.
	vfs    uint16
	hashed bool
}

func newConfigSpace(l *layout, rid RID) *ConfigSpace {
	c := &ConfigSpace{lay: l, rid: rid}
	c.vfs = c.decodeEnabledVFs()
	return c
}

// RID returns the routing ID the function was built for.
func (c *ConfigSpace) RID() RID { return c.rid }

// IsVF reports whether the function is an SR-IOV virtual function.
func (c *ConfigSpace) IsVF() bool { return c.lay.vf }

func checkAccess(off, size int) error {
	if size != 1 && size != 2 && size != 4 {
		return fmt.Errorf("size %d: %w", size, ErrBadSize)
	}
	if off < 0 || off+size > ConfigSpaceSize {
		return fmt.Errorf("offset %#x size %d: %w", off, size, ErrOutOfRange)
	}
	return nil
}

// Read returns the little-endian value of size bytes (1, 2 or 4) at off.
// Any offset inside the 4 KiB is accepted, aligned or not; an access that
// reaches past the end or has another size is an error.
func (c *ConfigSpace) Read(off, size int) (uint32, error) {
	if err := checkAccess(off, size); err != nil {
		return 0, fmt.Errorf("pcie: config read: %w", err)
	}
	var v uint32
	for i := size - 1; i >= 0; i-- {
		v = v<<8 | uint32(c.at(off+i))
	}
	return v, nil
}

// Write stores the low size bytes (1, 2 or 4) of val at off, little-endian,
// through the write masks: read-only bits keep their value and
// write-1-to-clear bits clear where val has a 1. The returned WriteEffect
// reports the behaviour the write triggered.
//
// Registers with rules:
//   - PCIe Device Control bit 15 (Initiate FLR): writing 1 reports
//     FLRInitiated; the bit always reads 0.
//   - SR-IOV NumVFs: a write while VF Enable is 1 is ignored and reported as
//     NumVFsIgnored; a value greater than TotalVFs is rejected with an error
//     wrapping ErrNumVFsTooLarge and nothing of the write is stored.
//   - PM PowerState: a write of D1 or D2 (not supported) keeps the old state
//     and is reported as PowerStateIgnored; the rest of the write applies.
func (c *ConfigSpace) Write(off, size int, val uint32) (WriteEffect, error) {
	if err := checkAccess(off, size); err != nil {
		return WriteEffect{}, fmt.Errorf("pcie: config write: %w", err)
	}
	before := c.snapshot()
	var nb [4]byte
	for i := 0; i < size; i++ {
		o := off + i
		b := byte(val >> (8 * i))
		m, w := c.lay.wmask[o], c.lay.w1c[o]
		nb[i] = (c.at(o)&^m | b&m) &^ (b & w)
	}
	get := func(o int) byte {
		if o >= off && o < off+size {
			return nb[o-off]
		}
		return c.at(o)
	}
	put := func(o int, b byte) {
		if o >= off && o < off+size {
			nb[o-off] = b
		}
	}
	var flags EffectFlags

	if s := c.lay.sriov; s != 0 && overlaps(off, size, s+SRIOVNumVFs, 2) {
		o := s + SRIOVNumVFs
		if before.vfEnable {
			put(o, c.at(o))
			put(o+1, c.at(o+1))
			flags |= NumVFsIgnored
		} else {
			n := uint16(get(o)) | uint16(get(o+1))<<8
			total := c.u16(s + SRIOVTotalVFs)
			if n > total {
				return WriteEffect{}, fmt.Errorf("pcie: config write at %#x size %d: SR-IOV NumVFs %d, TotalVFs %d: %w",
					off, size, n, total, ErrNumVFsTooLarge)
			}
		}
	}
	if p := c.lay.pm; p != 0 && overlaps(off, size, p+PMCtrlStatus, 1) {
		o := p + PMCtrlStatus
		if st := PowerState(get(o) & PMCSRPowerStateMask); st != D0 && st != D3Hot {
			put(o, get(o)&^PMCSRPowerStateMask|byte(before.power))
			flags |= PowerStateIgnored
		}
	}
	if p := c.lay.pcie; p != 0 && overlaps(off, size, p+PCIeDevCtl+1, 1) {
		if byte(val>>(8*(p+PCIeDevCtl+1-off)))&byte(DevCtlInitiateFLR>>8) != 0 {
			flags |= FLRInitiated
		}
	}
	for i := 0; i < size; i++ {
		c.set(off+i, nb[i])
	}
	return c.effect(before, flags), nil
}

func overlaps(off, size, reg, regSize int) bool {
	return off < reg+regSize && reg < off+size
}

// state is the part of the registers whose changes a WriteEffect reports.
type state struct {
	cmd      uint16
	msixCtl  uint16
	power    PowerState
	vfEnable bool
	vfMSE    bool
	numVFs   uint16
}

func (c *ConfigSpace) snapshot() state {
	s := state{cmd: c.u16(RegCommand)}
	if c.lay.msix != 0 {
		s.msixCtl = c.u16(c.lay.msix + MSIXMsgCtl)
	}
	if c.lay.pm != 0 {
		s.power = PowerState(c.at(c.lay.pm+PMCtrlStatus) & PMCSRPowerStateMask)
	}
	if o := c.lay.sriov; o != 0 {
		ctl := c.u16(o + SRIOVControl)
		s.vfEnable = ctl&SRIOVCtlVFEnable != 0
		s.vfMSE = ctl&SRIOVCtlVFMSE != 0
		s.numVFs = c.u16(o + SRIOVNumVFs)
	}
	return s
}

// effect compares the registers with before and reports what changed.
func (c *ConfigSpace) effect(before state, flags EffectFlags) WriteEffect {
	a := c.snapshot()
	e := WriteEffect{
		BusMaster:   a.cmd&CmdBusMaster != 0,
		MemorySpace: a.cmd&CmdMemorySpace != 0,
		MSIXEnabled: a.msixCtl&MSIXCtlEnable != 0,
		MSIXMasked:  a.msixCtl&MSIXCtlFunctionMask != 0,
		PowerState:  a.power,
		VFEnabled:   a.vfEnable,
		NumVFs:      a.numVFs,
	}
	diff := []struct {
		changed bool
		f       EffectFlags
	}{
		{(a.cmd^before.cmd)&CmdBusMaster != 0, BusMasterChanged},
		{(a.cmd^before.cmd)&CmdMemorySpace != 0, MemorySpaceChanged},
		{(a.msixCtl^before.msixCtl)&MSIXCtlEnable != 0, MSIXEnableChanged},
		{(a.msixCtl^before.msixCtl)&MSIXCtlFunctionMask != 0, MSIXMaskChanged},
		{a.power != before.power, PowerStateChanged},
		{a.vfEnable != before.vfEnable, VFEnableChanged},
		{a.vfMSE != before.vfMSE, VFMemorySpaceChanged},
		{a.numVFs != before.numVFs, NumVFsChanged},
	}
	for _, d := range diff {
		if d.changed {
			flags |= d.f
		}
	}
	e.Flags = flags
	return e
}

// Reset returns every register to its power-on value and reports what that
// changed (for a PF with VFs enabled: VFEnableChanged with VFEnabled false,
// so every VF disappears).
func (c *ConfigSpace) Reset() WriteEffect {
	before := c.snapshot()
	c.v, c.hashed = values{}, false
	c.vfs = c.decodeEnabledVFs()
	return c.effect(before, 0)
}

// BAR0 returns the address programmed into BAR0 (a 64-bit memory BAR; the
// type bits are masked off). A VF's own BARs are read-only zero: its BAR0
// address comes from the PF's SR-IOV VF BAR0 (see SRIOVState.VFBAR0Addr).
//
// Both registers lie in the standard header, one chunk of the values, so
// they are read as one little-endian word: the owner maps every MMIO access
// it takes through its BAR0.
func (c *ConfigSpace) BAR0() uint64 {
	b := c.lay.init[RegBAR0 : RegBAR0+8]
	if c.v.std != nil {
		b = c.v.std[RegBAR0 : RegBAR0+8]
	}
	return binary.LittleEndian.Uint64(b) &^ 0xF
}
