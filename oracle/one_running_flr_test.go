package oracle_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
)

// flrDuringStop stops the source VF while an FLR of it runs, then moves
// the VM; the hypervisor stops the source only once.
const flrDuringStop = `scenario flr-during-stop
vfs 1
guest vcpu0 vf=1
  probe
  signal ready
  await vf-reset
  sleep ms=101
  probe
peer fault
  await ready
  vf-flr src vf=1
  signal vf-reset
hypervisor
  await vf-reset
  mode src stopped
  sleep ms=150
  save src
  halt-vcpus
  copy-memory dst
  copy-pci dst
  mode dst stopped
  load dst
  switchover dst
  mode dst running
  resume-vcpus
`

// TestOneRunningNamesTheVFsAnFLRRan: when a VF runs at the end because an
// FLR ended after the owner had stopped it (a DEV_MODE_SET answered during
// the FLR under flr-vs-mode=complete-anyway, mode-after-flr=running), the
// finding says so and names the VF, since the owner's last command on it
// stopped it; a VF that runs for another reason is not named so.
func TestOneRunningNamesTheVFsAnFLRRan(t *testing.T) {
	for _, c := range []struct {
		name  string
		ed    spec.Edition
		knobs []string
		scn   string
		want  string // "" for no finding
		flr   bool   // the message names the VFs an FLR ran
	}{
		{"stop answered during the FLR", spec.Virtio14, []string{"flr-vs-mode=complete-anyway"}, flrDuringStop, "one-running", true},
		{"stop held until the FLR ended", spec.Virtio14, nil, flrDuringStop, "", false},
		{"the FLR's end keeps the mode", spec.Virtio14, []string{"flr-vs-mode=complete-anyway", "mode-after-flr=keep"}, flrDuringStop, "", false},
		{"resumed by the owner", spec.Draft2023, nil, splitVM, "one-running", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := runPlant(t, plant{oracle: "one-running", ed: c.ed, knobs: c.knobs, scn: c.scn}, oracle.All())
			if c.want == "" {
				assert.Nil(t, f)
				return
			}
			require.NotNil(t, f)
			assert.Equal(t, c.want, f.Oracle, f.Message)
			const byFLR = "running again since an FLR ended after the owner quiesced them (mode-after-flr=running), with no mode command since: src: vf1"
			if c.flr {
				assert.Contains(t, f.Message, "the VM's VFs run on src and dst (running) at the end of the migration; "+byFLR)
			} else {
				assert.NotContains(t, f.Message, "FLR")
			}
		})
	}
}
