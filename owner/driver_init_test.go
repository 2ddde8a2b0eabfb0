package owner

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/adminq"
	"github.com/migsim/migsim/spec"
)

// initLog records the admin commands of the driver's initialisation.
type initLog struct{ got []adminq.Completion }

func (l *initLog) Submitted(uint64, adminq.Command) {}
func (l *initLog) Received(c adminq.Completion)     { l.got = append(l.got, c) }

// TestAdminInitAtDriverOK checks Linux's admin initialisation: it runs at
// the PF's DRIVER_OK, before any VF exists (vp_modern_avq_activate), once;
// migratability is decided from it and enabling VFs later changes nothing.
// Under list-before-vf-enable=invalid-group (ADM-DEV-10's letter) the
// LIST_QUERY fails, the capability commands are refused by the driver itself
// (not in supported_cmds, EOPNOTSUPP) and the VFs are not migratable; under
// answer, and with the capability commands on the group cap-group names, a
// device that refuses them on SR-IOV (before VF Enable the SR-IOV group does
// not exist, ADM-DEV-10; after it CAP-DEV-02 refuses them) is not migratable
// either, although its device-parts commands are in supported_cmds.
func TestAdminInitAtDriverOK(t *testing.T) {
	tests := []struct {
		name       string
		ed         spec.Edition
		list       spec.ListBeforeVFEnable
		capGroup   spec.GroupType
		migratable bool
		wantOps    []spec.Opcode
		wantStatus []spec.Status
		why        error
	}{
		{"answer, Self", spec.Virtio14, spec.ListBeforeVFEnableAnswer, spec.GroupSelf, true,
			[]spec.Opcode{spec.OpListQuery, spec.OpListUse, spec.OpCapIDListQuery, spec.OpDeviceCapGet, spec.OpDriverCapSet},
			[]spec.Status{spec.StatusOK, spec.StatusOK, spec.StatusOK, spec.StatusOK, spec.StatusOK}, nil},
		{"invalid-group", spec.Virtio14, spec.ListBeforeVFEnableInvalidGroup, spec.GroupSelf, false,
			[]spec.Opcode{spec.OpListQuery}, []spec.Status{spec.StatusEINVAL}, ErrInvalidGroup},
		{"answer, capability commands on SR-IOV", spec.Virtio14, spec.ListBeforeVFEnableAnswer, spec.GroupSRIOV, false,
			[]spec.Opcode{spec.OpListQuery, spec.OpListUse, spec.OpCapIDListQuery}, []spec.Status{spec.StatusOK, spec.StatusOK, spec.StatusEINVAL},
			ErrInvalidGroup},
		{"draft answer", spec.Draft2023, spec.ListBeforeVFEnableAnswer, spec.GroupSelf, true,
			[]spec.Opcode{spec.OpListQuery, spec.OpListUse}, []spec.Status{spec.StatusOK, spec.StatusOK}, nil},
		{"draft invalid-group", spec.Draft2023, spec.ListBeforeVFEnableInvalidGroup, spec.GroupSelf, false,
			[]spec.Opcode{spec.OpListQuery}, []spec.Status{spec.StatusEINVAL}, ErrInvalidGroup},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newWorld(t, tt.ed, withListBeforeVFEnable(tt.list))
			log := &initLog{}
			w.drv.cfg.Observer, w.drv.cfg.CapGroup = log, tt.capGroup
			require.NoError(t, w.drv.Probe(), "a failed initialisation is not a probe error")
			require.Len(t, log.got, len(tt.wantOps))
			for i, c := range log.got {
				assert.Equal(t, uint16(tt.wantOps[i]), c.Command.Opcode, "command %d", i)
				assert.Equal(t, tt.wantStatus[i], c.Result.Status, "command %d", i)
			}
			require.NoError(t, w.drv.EnableVFs(2))
			assert.Len(t, log.got, len(tt.wantOps), "enabling VFs sends no admin command")
			stop := func() error { return w.drv.SetMode(1, true) }
			if tt.ed == spec.Draft2023 {
				stop = func() error { return w.drv.DraftSetMode(1, spec.ModeStop) }
			}
			err := w.drv.Migratable()
			if tt.migratable {
				assert.NoError(t, err)
				require.NoError(t, stop())
				return
			}
			assert.ErrorIs(t, err, ErrNotMigratable)
			assert.ErrorIs(t, err, tt.why)
			if !w.drv.listed {
				assert.ErrorIs(t, stop(), ErrNotSupported, "the driver refuses what it could not enable")
			}
		})
	}
}
