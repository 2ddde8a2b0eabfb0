package owner

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

const (
	opLQ  = uint16(spec.OpListQuery)
	opLU  = uint16(spec.OpListUse)
	opDMS = uint16(spec.OpDevModeSet)
)

// TestADM_DEV_01_ValidationOrder checks GROUP > OPCODE > MEMBER with the
// exact qualifiers, in both editions.
func TestADM_DEV_01_ValidationOrder(t *testing.T) {
	tests := []struct {
		name   string
		ed     spec.Edition
		c      adminq.Command
		status spec.Status
		qual   spec.Qualifier
	}{
		{"bad group beats bad opcode and member", spec.Virtio14, cmd(0x7fff, 7, 99), spec.StatusEINVAL, spec.QInvalidGroup},
		{"bad opcode beats bad member", spec.Virtio14, cmd(0x12, spec.GroupSRIOV, 99), spec.StatusEINVAL, spec.QInvalidOpcode},
		{"bad member", spec.Virtio14, cmd(opDMS, spec.GroupSRIOV, 99, 1), spec.StatusEINVAL, spec.QInvalidMember},
		{"member 0 of SR-IOV", spec.Virtio14, cmd(opDMS, spec.GroupSRIOV, 0, 1), spec.StatusEINVAL, spec.QInvalidMember},
		{"legacy opcode not supported", spec.Virtio14, cmd(uint16(spec.OpLegacyCommonCfgRead), spec.GroupSRIOV, 1), spec.StatusEINVAL, spec.QInvalidOpcode},
		{"CAP-DEV-02 cap command on SR-IOV", spec.Virtio14, cmd(uint16(spec.OpCapIDListQuery), spec.GroupSRIOV, 1), spec.StatusEINVAL, spec.QInvalidOpcode},
		{"Self member must be 0", spec.Virtio14, cmd(uint16(spec.OpCapIDListQuery), spec.GroupSelf, 1), spec.StatusEINVAL, spec.QInvalidMember},
		{"parts command on Self", spec.Virtio14, cmd(opDMS, spec.GroupSelf, 0, 1), spec.StatusEINVAL, spec.QInvalidOpcode},
		{"valid DEV_MODE_SET", spec.Virtio14, cmd(opDMS, spec.GroupSRIOV, 2, 1), spec.StatusOK, spec.QOK},
		{"draft bad opcode", spec.Draft2023, cmd(0xe, spec.GroupSRIOV, 1), spec.StatusEINVAL, spec.QInvalidOpcode},
		{"draft bad member", spec.Draft2023, cmd(uint16(spec.DraftOpDevModeGet), spec.GroupSRIOV, 9), spec.StatusEINVAL, spec.QInvalidMember},
		{"draft bad group", spec.Draft2023, cmd(uint16(spec.DraftOpDevModeGet), 2, 9), spec.StatusEINVAL, spec.QInvalidGroup},
		{"draft valid MODE_GET", spec.Draft2023, cmd(uint16(spec.DraftOpDevModeGet), spec.GroupSRIOV, 1), spec.StatusOK, spec.QOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := probed(t, tt.ed, 4)
			r := w.raw(t, tt.c, 8)
			assert.Equal(t, tt.status, r.Status)
			assert.Equal(t, tt.qual, r.Qualifier)
		})
	}
}

// withListBeforeVFEnable sets the PF's list-before-vf-enable knob.
func withListBeforeVFEnable(v spec.ListBeforeVFEnable) worldOpt {
	return func(c *Config, _ *pcie.PFOptions) { c.ListBeforeVFEnable = v }
}

// TestADM_DEV_10_SRIOVGroupNeedsVFEnable checks INVALID_GROUP while VF
// Enable = 0 (before enabling and after clearing it), with the knob at
// ADM-DEV-10's letter.
func TestADM_DEV_10_SRIOVGroupNeedsVFEnable(t *testing.T) {
	w := probed(t, spec.Virtio14, 0, withListBeforeVFEnable(spec.ListBeforeVFEnableInvalidGroup))
	r := w.raw(t, cmd(opLQ, spec.GroupSRIOV, 0), 8)
	assert.Equal(t, spec.StatusEINVAL, r.Status)
	assert.Equal(t, spec.QInvalidGroup, r.Qualifier)

	require.NoError(t, w.drv.EnableVFs(2))
	require.NoError(t, w.drv.InitAdmin(), "the list and capability commands once the group exists")
	r = w.raw(t, cmd(opDMS, spec.GroupSRIOV, 2, 1), 0)
	assert.Equal(t, spec.StatusOK, r.Status)
	r = w.raw(t, cmd(opDMS, spec.GroupSRIOV, 3, 1), 0)
	assert.Equal(t, spec.QInvalidMember, r.Qualifier, "member outside 1..NumVFs")

	require.NoError(t, w.drv.EnableVFs(0))
	assert.Equal(t, 2, w.host.Removed)
	_, exists := w.pf.Member(2)
	assert.False(t, exists, "members are removed with VF Enable")
	r = w.raw(t, cmd(opDMS, spec.GroupSRIOV, 2, 1), 0)
	assert.Equal(t, spec.QInvalidGroup, r.Qualifier)
}

// TestADM_DEV_06_InUseListAfterReset checks that after a reset only
// LIST_QUERY and LIST_USE are in use, and that LIST_USE replaces the list.
func TestADM_DEV_06_InUseListAfterReset(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	require.NoError(t, w.drv.SetMode(1, true), "in use after the driver's LIST_USE")
	require.NoError(t, w.drv.probeTransport(), "probe resets the owner")
	r := w.raw(t, cmd(opDMS, spec.GroupSRIOV, 1, 0), 0)
	assert.Equal(t, spec.StatusEINVAL, r.Status)
	assert.Equal(t, spec.QInvalidOpcode, r.Qualifier, "DEV_MODE_SET is not in use after reset")
	r = w.raw(t, cmd(opLQ, spec.GroupSRIOV, 0), 8)
	assert.Equal(t, spec.StatusOK, r.Status, "LIST_QUERY is always allowed")

	r = w.raw(t, cmd(opLU, spec.GroupSRIOV, 0, le64(bit(opDMS))...), 0)
	require.Equal(t, spec.StatusOK, r.Status)
	assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opDMS, spec.GroupSRIOV, 1, 0), 0).Status)
	r = w.raw(t, cmd(uint16(spec.OpResourceObjCreate), spec.GroupSRIOV, 1), 0)
	assert.Equal(t, spec.QInvalidOpcode, r.Qualifier, "LIST_USE replaced the list")
}

// TestADM_DEV_07_NotInUseIsInvalidOpcode checks a supported command left
// out of LIST_USE.
func TestADM_DEV_07_NotInUseIsInvalidOpcode(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	require.Zero(t, w.drv.Supported()&bit(uint16(spec.OpResourceObjQuery)), "Linux's mask leaves QUERY out")
	r := w.raw(t, cmd(uint16(spec.OpResourceObjQuery), spec.GroupSRIOV, 1, make([]byte, 8)...), 16)
	assert.Equal(t, spec.StatusEINVAL, r.Status)
	assert.Equal(t, spec.QInvalidOpcode, r.Qualifier)
	_, err := w.drv.Exec(cmd(uint16(spec.OpResourceObjQuery), spec.GroupSRIOV, 1), 16)
	assert.ErrorIs(t, err, ErrNotSupported, "the driver refuses it first, as Linux (EOPNOTSUPP)")
}

// TestADM_DEV_08_SupportedListNeverShrinks checks LIST_QUERY across resets
// and that a list used before is accepted again.
func TestADM_DEV_08_SupportedListNeverShrinks(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	before := w.raw(t, cmd(opLQ, spec.GroupSRIOV, 0), 8).Data
	used := w.drv.Supported()
	require.NoError(t, w.drv.Probe())
	after := w.raw(t, cmd(opLQ, spec.GroupSRIOV, 0), 8).Data
	assert.Equal(t, before, after)
	assert.Equal(t, uint64(0x3ff83), binary.LittleEndian.Uint64(after), "0,1, the cap commands and 0xa..0x11")
	assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opLU, spec.GroupSRIOV, 0, le64(used)...), 0).Status)
	self := w.raw(t, cmd(opLQ, spec.GroupSelf, 0), 8).Data
	assert.Equal(t, uint64(0x383), binary.LittleEndian.Uint64(self), "ADM-DEV-05: Self reports its own set")
}

// TestADM_DEV_09_ListUseInvalidField checks unsupported bits and broken
// dependencies, and that a failed LIST_USE changes nothing.
func TestADM_DEV_09_ListUseInvalidField(t *testing.T) {
	tests := []struct {
		name string
		list []byte
	}{
		{"unsupported legacy bit", le64(1 << 2)},
		{"bit beyond the set", le64(1 << 40)},
		{"second word non-zero", append(le64(bit(opDMS)), 1, 0, 0, 0, 0, 0, 0, 0)},
		{"parts without create/destroy", le64(bit(uint16(spec.OpDevPartsGet)))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := probed(t, spec.Virtio14, 2)
			before := w.snapshot()
			r := w.raw(t, cmd(opLU, spec.GroupSRIOV, 0, tt.list...), 0)
			assert.Equal(t, spec.StatusEINVAL, r.Status)
			assert.Equal(t, spec.QInvalidField, r.Qualifier)
			assert.Equal(t, before, w.snapshot(), "ADM-DEV-03: no side effect")
		})
	}
}

// TestAVQ_DEV_01_ShortAndLongBuffers checks that short input reads as zero,
// long input is ignored and Linux's 25-byte DEV_MODE_SET is accepted.
func TestAVQ_DEV_01_ShortAndLongBuffers(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opDMS, spec.GroupSRIOV, 1, 1), 0).Status, "25-byte command")
	assert.Equal(t, spec.ModeStop, w.fakes[1].mode)
	assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opDMS, spec.GroupSRIOV, 1), 0).Status, "missing flags read as 0")
	assert.Equal(t, spec.ModeActive, w.fakes[1].mode)
	long := make([]byte, 64)
	long[0] = 1
	assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opDMS, spec.GroupSRIOV, 1, long...), 0).Status, "long input")
	r := w.raw(t, cmd(opLQ, spec.GroupSRIOV, 0), 3)
	assert.Equal(t, spec.StatusOK, r.Status)
	assert.Len(t, r.Data, 3, "result clipped to the buffer")
	r = w.raw(t, cmd(opLQ, spec.GroupSRIOV, 0), 256)
	assert.Len(t, r.Data, 8, "only the defined structure is written")
}

// TestAVQ_DEV_02_NoFailureOnLength checks that a command with a header
// shorter than 24 bytes is still answered (missing bytes zero).
func TestAVQ_DEV_02_NoFailureOnLength(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	r := w.raw(t, cmd(uint16(spec.OpDeviceCapGet), spec.GroupSelf, 0), 8)
	assert.Equal(t, spec.StatusOK, r.Status, "DEVICE_CAP_GET without data: id reads as 0")
	assert.Equal(t, []byte{DefaultPartsLimit, DefaultPartsLimit}, r.Data, "the 2-byte structure, no padding")
}

// TestEnableVFsCreatesNoMember checks that enabling VFs allocates nothing
// per VF: members appear when first addressed.
func TestEnableVFsCreatesNoMember(t *testing.T) {
	w := probed(t, spec.Virtio14, testMemVFs)
	assert.Zero(t, w.pf.members.len())
	require.NoError(t, w.drv.SetMode(testMemVFs, true))
	assert.Equal(t, 1, w.pf.members.len())
	_, ok := w.pf.Member(testMemVFs)
	assert.True(t, ok)
	assert.NotEmpty(t, w.host.Interrupts, "admin completions raise the PF's MSI-X vector")
	assert.Equal(t, testPFRID, w.host.Interrupts[0].Source)
}
