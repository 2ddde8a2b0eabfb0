package pcie

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestValuesSparse checks when a function's register values are copied out
// of the shared layout: never for reads or writes that change nothing, the
// PCI-compatible half for a Command write, a chunk of the extended space
// only for a write that changes a byte there (a PF's SR-IOV capability; a VF has no
// writable extended bit), and never again after Reset.
func TestValuesSparse(t *testing.T) {
	tests := []struct {
		name            string
		c               func(t *testing.T) *ConfigSpace
		off, size       int
		val             uint32
		wantStd, wantEx bool
	}{
		{"VF read-only Vendor ID", testVF, RegVendorID, 2, 0x1234, false, false},
		{"VF Command to its power-on value", testVF, RegCommand, 2, 0, false, false},
		{"VF Command Bus Master", testVF, RegCommand, 2, uint32(CmdBusMaster), true, false},
		{"VF extended space", testVF, 0x100, 4, 0xffffffff, false, false},
		{"PF NumVFs", testPF, SRIOVCapOffset + SRIOVNumVFs, 2, 4, false, true},
		{"PF MSI-X Enable", testPF, MSIXCapOffset + MSIXMsgCtl, 2, uint32(MSIXCtlEnable), true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.c(t)
			for off := 0; off < ConfigSpaceSize; off += 4 {
				_, err := c.Read(off, 4)
				require.NoError(t, err)
			}
			assert.Nil(t, c.v.std, "reads copy nothing")
			assert.Nil(t, c.v.ext, "reads copy nothing")
			_, err := c.Write(tt.off, tt.size, tt.val)
			require.NoError(t, err)
			assert.Equal(t, tt.wantStd, c.v.std != nil, "PCI-compatible half copied")
			assert.Equal(t, tt.wantEx, c.v.ext != nil, "extended space copied")
			if tt.wantEx {
				copied := 0
				for _, k := range c.v.ext {
					if k != nil {
						copied++
					}
				}
				assert.Equal(t, 1, copied, "only the written 256-byte chunk is copied")
			}
			c.Reset()
			assert.Equal(t, values{}, c.v, "reset returns to the layout's values")
		})
	}
}

// TestValuesStateHash checks that the state hash follows the values, not
// which of them were ever copied out of the layout.
func TestValuesStateHash(t *testing.T) {
	c := testPF(t)
	fresh := c.StateHash()
	numVFs := SRIOVCapOffset + SRIOVNumVFs
	mustWrite(t, c, numVFs, 2, 4)
	changed := c.StateHash()
	assert.NotEqual(t, fresh, changed)
	mustWrite(t, c, numVFs, 2, 0)
	assert.NotNil(t, c.v.ext)
	assert.Equal(t, fresh, c.StateHash(), "written back to its power-on value")
	mustWrite(t, c, numVFs, 2, 4)
	assert.Equal(t, changed, c.StateHash())
}

// TestValuesReadBack checks that a function reads the layout's power-on
// values until written, its own values after, and that functions of one
// template do not share them.
func TestValuesReadBack(t *testing.T) {
	tmpl, err := NewVFTemplate(VFOptions{MSIXVectors: 2})
	require.NoError(t, err)
	a, b := tmpl.New(0x0101), tmpl.New(0x0102)
	for off := 0; off < ConfigSpaceSize; off++ {
		va, err := a.Read(off, 1)
		require.NoError(t, err)
		require.Equal(t, uint32(tmpl.lay.init[off]), va, "offset %#x", off)
	}
	mustWrite(t, a, RegCommand, 2, uint32(CmdBusMaster))
	mustWrite(t, a, RegInterruptLine, 1, 0x0b)
	assert.Equal(t, uint32(CmdBusMaster), mustRead(t, a, RegCommand, 2))
	assert.Equal(t, uint32(0x0b), mustRead(t, a, RegInterruptLine, 1))
	assert.Equal(t, uint32(0), mustRead(t, b, RegCommand, 2), "another VF of the template is untouched")
	assert.Equal(t, uint32(0), mustRead(t, b, RegInterruptLine, 1))
	assert.Equal(t, uint32(0), uint32(tmpl.lay.init[RegCommand]), "the layout is untouched")
}

// TestSharedVFTemplate checks that equal options (whatever the RID) give one
// template, different options another, and bad options an error.
func TestSharedVFTemplate(t *testing.T) {
	a, err := SharedVFTemplate(VFOptions{RID: 0x0101, MSIXVectors: 3})
	require.NoError(t, err)
	b, err := SharedVFTemplate(VFOptions{RID: 0x0202, MSIXVectors: 3})
	require.NoError(t, err)
	c, err := SharedVFTemplate(VFOptions{MSIXVectors: 4})
	require.NoError(t, err)
	assert.Same(t, a, b)
	assert.NotSame(t, a, c)
	assert.Same(t, a.New(0x0101).lay, b.New(0x0102).lay, "VFs share one layout")
	_, err = SharedVFTemplate(VFOptions{MSIXVectors: 0})
	assert.ErrorIs(t, err, ErrBadOptions)
}

// TestValuesRegisters checks that 16- and 32-bit register reads agree with
// the bytes at every offset, across the 256-byte chunks of the values
// (written or not) and the layout.
func TestValuesRegisters(t *testing.T) {
	c := testPF(t)
	mustWrite(t, c, SRIOVCapOffset+SRIOVNumVFs, 2, 4)
	mustWrite(t, c, RegCommand, 2, uint32(CmdBusMaster))
	for o := 0; o+4 <= ConfigSpaceSize; o++ {
		want16 := uint16(c.at(o)) | uint16(c.at(o+1))<<8
		want32 := uint32(want16) | uint32(c.at(o+2))<<16 | uint32(c.at(o+3))<<24
		require.Equal(t, want16, c.u16(o), "u16 at %#x", o)
		require.Equal(t, want32, c.u32(o), "u32 at %#x", o)
	}
	st, ok := c.SRIOV()
	require.True(t, ok)
	assert.Equal(t, uint16(4), st.NumVFs)
}

// TestStateHashCache checks that the hash StateHash keeps is the one it
// would compute afresh after every kind of change: writes anywhere in the
// space (standard and extended, W1C bits), writes of the value already
// there, an FLR's transaction-pending bit and a reset.
func TestStateHashCache(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, build := range []struct {
		name string
		new  func(*testing.T) *ConfigSpace
	}{{"pf", testPF}, {"vf", testVF}} {
		t.Run(build.name, func(t *testing.T) {
			c := build.new(t)
			for i := range 2000 {
				switch k := rng.IntN(20); {
				case k == 0:
					c.Reset()
				case k == 1:
					c.SetTransactionsPending(rng.IntN(2) == 0)
				case k == 2:
					c.SetPMEStatus()
				default:
					size := []int{1, 2, 4}[rng.IntN(3)]
					off := rng.IntN(ConfigSpaceSize/size) * size
					if k < 10 {
						off = rng.IntN(stdSize/size) * size // the registers drivers write most
					}
					_, _ = c.Write(off, size, rng.Uint32()) // one the space refuses is checked too

				}
				require.Equal(t, c.computeHash(), c.StateHash(), "change %d", i)
			}
		})
	}
}
