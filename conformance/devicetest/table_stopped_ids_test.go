package devicetest

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/conformance/extdevice"
	"github.com/migsim/migsim/member"
	"github.com/migsim/migsim/member/blk"
	"github.com/migsim/migsim/pcie"
	"github.com/migsim/migsim/spec"
)

// busyWhenStopped reads guest memory and sends an MSI-X message on every
// register write it takes while quiesced, whatever the register.
type busyWhenStopped struct {
	member.Device
	c member.Config
}

func (d *busyWhenStopped) Handle(ev member.Event) member.Effects {
	fx := d.Device.Handle(ev)
	if ev.Kind == member.EvTLP && len(ev.TLP.Data) > 0 && d.Device.Status().Mode.Quiesced() {
		var b [2]byte
		_ = d.c.Mem.ReadMem(d.c.RID, 0x1000, b[:])
		fx.Interrupts = append(fx.Interrupts, pcie.MSIXMessage{Source: d.c.RID, Addr: 0xfee00000})
	}
	return fx
}

// TestTableStoppedCellsChargeTheStopRules: a guest-memory access or an
// MSI-X message in Stop or Freeze breaks the rule that forbids it
// (DRAFT-STOP-02, DRAFT-STOP-01; virtio-1.4's DP-DEV-11), whatever event
// the cell sends:
// a device that reads guest memory on a reset or a configuration write in
// Stop is charged with that rule, not with the reset's or the register's.
func TestTableStoppedCellsChargeTheStopRules(t *testing.T) {
	f := func(c member.Config) member.Device { return &busyWhenStopped{Device: blk.New(c), c: c} }
	for _, tc := range []struct {
		ed             spec.Edition
		id, name       string
		dmaReq, irqReq string
	}{
		{spec.Draft2023, "PCI-DEV-03", "table-stop-reset", "DRAFT-STOP-02", "DRAFT-STOP-01"},
		{spec.Draft2023, "DRAFT-PCI-01", "table-stop-common-config-write", "DRAFT-STOP-02", "DRAFT-STOP-01"},
		{spec.Draft2023, "PCI-DEV-03", "table-freeze-reset", "DRAFT-STOP-02", "DRAFT-STOP-01"},
		{spec.Draft2023, "DRAFT-FRZ-03", "table-freeze-device-config-write", "DRAFT-STOP-02", "DRAFT-STOP-01"},
		{spec.Virtio14, "PCI-DEV-03", "table-stopped-reset", "DP-DEV-11", "DP-DEV-11"},
		{spec.Virtio14, "DP-DEV-10", "table-stopped-device-config-write", "DP-DEV-11", "DP-DEV-11"},
	} {
		t.Run(tc.name+"/"+tc.ed.String(), func(t *testing.T) {
			dt := testNamed(t, tc.id, tc.name)
			assert.Contains(t, dt.Requirements(), tc.dmaReq, "the unit exercises the rule it charges")
			res := Run(dt, tc.ed, spec.DefaultRules(tc.ed), f, extdevice.TypeBlk)
			require.NoError(t, res.Fatal)
			got := map[string][]string{}
			for _, fl := range res.Failures {
				switch {
				case len(fl.Message) > 20 && fl.Message[:20] == "guest-memory accesse":
					got["dma"] = fl.Requirements
				case len(fl.Message) > 5 && fl.Message[:5] == "MSI-X":
					got["msix"] = fl.Requirements
				}
			}
			assert.Equal(t, map[string][]string{"dma": {tc.dmaReq}, "msix": {tc.irqReq}}, got, "%+v", res.Failures)
		})
	}
}
