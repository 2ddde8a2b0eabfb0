package owner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

func capSet(get, set byte) []byte { return []byte{0, 0, 0, 0, 0, 0, 0, 0, get, set} }

func createData(id uint32, ptype byte) []byte {
	d := append(objHdr(id), make([]byte, 16)...)
	d[16] = ptype
	return d
}

func status(r adminq.Result) [2]uint16 { return [2]uint16{uint16(r.Status), uint16(r.Qualifier)} }

func st(s spec.Status, q spec.Qualifier) [2]uint16 { return [2]uint16{uint16(s), uint16(q)} }

var (
	opCapSet  = uint16(spec.OpDriverCapSet)
	opCapGet  = uint16(spec.OpDeviceCapGet)
	opCreate  = uint16(spec.OpResourceObjCreate)
	opDestroy = uint16(spec.OpResourceObjDestroy)
	opQuery   = uint16(spec.OpResourceObjQuery)
	opModify  = uint16(spec.OpResourceObjModify)
	opMeta    = uint16(spec.OpDevPartsMetadataGet)
	opGet     = uint16(spec.OpDevPartsGet)
)

// TestCAP_DEV_01_DriverLimits checks that limits up to the device's are
// accepted and larger ones refused without effect, and Linux's init result.
func TestCAP_DEV_01_DriverLimits(t *testing.T) {
	w := probed(t, spec.Virtio14, 2, func(c *Config, _ *pcie.PFOptions) { c.GetLimit, c.SetLimit = 4, 2 })
	assert.Equal(t, uint8(2), w.drv.ObjectLimit(), "Linux sets both limits to min(get, set)")
	assert.True(t, w.drv.HasDevParts())
	before := w.snapshot()
	assert.Equal(t, st(spec.StatusEINVAL, spec.QInvalidField), status(w.raw(t, cmd(opCapSet, spec.GroupSelf, 0, capSet(5, 2)...), 0)))
	assert.Equal(t, before, w.snapshot())
	assert.Equal(t, st(spec.StatusOK, spec.QOK), status(w.raw(t, cmd(opCapSet, spec.GroupSelf, 0, capSet(4, 2)...), 0)))
}

// TestCAP_DEV_02_CapCommandsOnSelfOnly checks EINVAL for capability
// commands on group SR-IOV.
func TestCAP_DEV_02_CapCommandsOnSelfOnly(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	for _, op := range []uint16{7, 8, 9} {
		r := w.raw(t, cmd(op, spec.GroupSRIOV, 1), 8)
		assert.Equal(t, spec.StatusEINVAL, r.Status, "opcode %d", op)
	}
}

// TestCAP_DEV_03_UnknownCapAndBusy checks ENXIO for an unknown capability
// and EBUSY for a limit that would strand a live object.
func TestCAP_DEV_03_UnknownCapAndBusy(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	assert.Equal(t, spec.StatusENXIO, w.raw(t, cmd(opCapGet, spec.GroupSelf, 0, 1, 0, 0, 0, 0, 0, 0, 0), 8).Status)
	assert.Equal(t, spec.StatusENXIO, w.raw(t, cmd(opCapSet, spec.GroupSelf, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 1), 0).Status)
	id, err := w.drv.CreateObject(1, spec.DevPartsObjTypeGet)
	require.NoError(t, err)
	require.Equal(t, uint32(0), id)
	assert.Equal(t, spec.StatusEBUSY, w.raw(t, cmd(opCapSet, spec.GroupSelf, 0, capSet(0, 0)...), 0).Status)
	require.NoError(t, w.drv.DestroyObject(1, id))
	assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opCapSet, spec.GroupSelf, 0, capSet(0, 0)...), 0).Status)
}

// TestCAP_DEV_04_ResetClearsCapabilities checks that after a reset a limit
// never set counts as 0.
func TestCAP_DEV_04_ResetClearsCapabilities(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	require.NoError(t, w.drv.probeTransport())
	w.useAll(t)
	r := w.raw(t, cmd(opCreate, spec.GroupSRIOV, 1, createData(0, 0)...), 0)
	assert.Equal(t, spec.StatusENOSPC, r.Status)
}

// TestRES_DEV_01_ObjectErrors checks EEXIST, ENXIO, ENOSPC, EBUSY and the
// object checks of the parts commands.
func TestRES_DEV_01_ObjectErrors(t *testing.T) {
	w := probed(t, spec.Virtio14, 3, func(c *Config, _ *pcie.PFOptions) { c.GetLimit, c.SetLimit = 2, 2 })
	w.useAll(t)
	require.Equal(t, spec.StatusOK, w.raw(t, cmd(opCreate, spec.GroupSRIOV, 1, createData(1, 0)...), 0).Status)
	tests := []struct {
		name string
		c    adminq.Command
		want [2]uint16
	}{
		{"create existing id", cmd(opCreate, spec.GroupSRIOV, 1, createData(1, 1)...), st(spec.StatusEEXIST, spec.QInvalidField)},
		{"ids are unique per owner", cmd(opCreate, spec.GroupSRIOV, 2, createData(1, 0)...), st(spec.StatusEEXIST, spec.QInvalidField)},
		{"id over the limit", cmd(opCreate, spec.GroupSRIOV, 1, createData(2, 0)...), st(spec.StatusENOSPC, spec.QNoResource)},
		{"bad object type", cmd(opCreate, spec.GroupSRIOV, 1, createData(0, 2)...), st(spec.StatusEINVAL, spec.QInvalidField)},
		{"destroy missing", cmd(opDestroy, spec.GroupSRIOV, 1, objHdr(0)...), st(spec.StatusENXIO, spec.QInvalidField)},
		{"destroy another VF's", cmd(opDestroy, spec.GroupSRIOV, 2, objHdr(1)...), st(spec.StatusENXIO, spec.QInvalidField)},
		{"query missing", cmd(opQuery, spec.GroupSRIOV, 1, objHdr(0)...), st(spec.StatusENXIO, spec.QInvalidField)},
		{"metadata on another VF's", cmd(opMeta, spec.GroupSRIOV, 3, objHdr(1)...), st(spec.StatusENXIO, spec.QInvalidField)},
		{"SET on a GET object", cmd(uint16(spec.OpDevPartsSet), spec.GroupSRIOV, 1, objHdr(1)...), st(spec.StatusEINVAL, spec.QInvalidField)},
		{"GET on its own object", cmd(opGet, spec.GroupSRIOV, 1, append(objHdr(1), 1)...), st(spec.StatusOK, spec.QOK)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, status(w.raw(t, tt.c, 64)))
		})
	}
	t.Run("destroy while in use", func(t *testing.T) {
		w.host.Handle(Event{Target: 1, Ev: member.Event{Kind: member.EvTLP, TLP: pcie.TLP{Kind: pcie.CfgWrite,
			Addr: pcie.PCIeCapOffset + pcie.PCIeDevCtl, Data: []byte{0, 0x80}}}})
		w.drv.unfiltered = true
		held, err := w.drv.Submit(cmd(opGet, spec.GroupSRIOV, 1, append(objHdr(1), 1)...), 64)
		require.NoError(t, err)
		destroy, err := w.drv.Submit(cmd(opDestroy, spec.GroupSRIOV, 1, objHdr(1)...), 0)
		require.NoError(t, err)
		c, err := w.drv.Wait(destroy)
		require.NoError(t, err)
		assert.Equal(t, spec.StatusEBUSY, c.Result.Status)
		c, err = w.drv.Wait(held)
		require.NoError(t, err)
		assert.Equal(t, spec.StatusOK, c.Result.Status)
		assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opDestroy, spec.GroupSRIOV, 1, objHdr(1)...), 0).Status)
	})
}

// TestRES_DEV_02_RecreateQueryModify checks re-creation after destroy,
// QUERY returning the CREATE data and a failed MODIFY changing nothing.
func TestRES_DEV_02_RecreateQueryModify(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	w.useAll(t)
	require.Equal(t, spec.StatusOK, w.raw(t, cmd(opCreate, spec.GroupSRIOV, 1, createData(3, 1)...), 0).Status)
	r := w.raw(t, cmd(opQuery, spec.GroupSRIOV, 1, objHdr(3)...), 16)
	require.Equal(t, spec.StatusOK, r.Status)
	assert.Equal(t, []byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, r.Data)
	before := w.snapshot()
	assert.Equal(t, spec.StatusEINVAL, w.raw(t, cmd(opModify, spec.GroupSRIOV, 1, createData(3, 0)...), 0).Status)
	assert.Equal(t, before, w.snapshot())
	assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opDestroy, spec.GroupSRIOV, 1, objHdr(3)...), 0).Status)
	assert.Equal(t, spec.StatusOK, w.raw(t, cmd(opCreate, spec.GroupSRIOV, 2, createData(3, 0)...), 0).Status)
}

// TestRES_DEV_03_ResetDestroysObjects checks that an owner reset destroys
// every object.
func TestRES_DEV_03_ResetDestroysObjects(t *testing.T) {
	w := probed(t, spec.Virtio14, 2)
	for vf := 1; vf <= 2; vf++ {
		_, err := w.drv.CreateObject(vf, spec.DevPartsObjTypeGet)
		require.NoError(t, err)
	}
	require.Len(t, w.pf.admin.objects, 2)
	require.NoError(t, w.drv.Probe())
	assert.Empty(t, w.pf.admin.objects)
	_, err := w.drv.CreateObject(1, spec.DevPartsObjTypeGet)
	assert.NoError(t, err, "id 0 can be used again")
}

// useAll puts every command group SR-IOV reports in use.
func (w *world) useAll(t *testing.T) {
	t.Helper()
	all := w.pf.admin.reported(w.pf.Edition(), spec.GroupSRIOV)
	require.Equal(t, spec.StatusOK, w.raw(t, cmd(opLU, spec.GroupSRIOV, 0, le64(all)...), 0).Status)
}
