package oracle_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/oracle"
	"github.com/migsim/migsim/spec"
)

// splitVM moves a VM of VFs 1 and 2 and resumes only VF 1 on the
// destination, the source resumed whole.
const splitVM = `scenario split
vfs 2
guest vcpu0 vf=1
  probe
  signal ready1
guest vcpu1 vf=2
  probe
  signal ready2
hypervisor
  await ready1
  await ready2
  halt-vcpus
  mode src stop
  mode src freeze
  read src
  copy-memory dst
  copy-pci dst
  mode dst freeze
  write dst
  mode dst active vf=1
  mode src active
  resume-vcpus
`

// TestOneRunningSplitNamesTheVFs: when hosts share the VM's VFs the
// finding says which host runs which of them, so that the VF that went
// astray among many is named (it said "dst (1 of 2 VFs) run some").
func TestOneRunningSplitNamesTheVFs(t *testing.T) {
	f := runPlant(t, plant{oracle: "one-running", ed: spec.Draft2023, scn: splitVM}, oracle.All())
	require.NotNil(t, f)
	assert.Equal(t, "one-running", f.Oracle, f.Message)
	assert.True(t, strings.HasPrefix(f.Message, "VFs split across hosts: src runs them all, dst runs 1 of 2: vf1 (Active) at the end of the migration"), f.Message)
}

// TestVFList: VFs print as runs, at most eight, the rest counted.
func TestVFList(t *testing.T) {
	for _, c := range []struct {
		vfs  []int
		want string
	}{
		{[]int{200}, "vf200"},
		{[]int{1, 2, 3, 7}, "vf1-vf3, vf7"},
		{[]int{1, 3, 5, 7, 9, 11, 13, 15, 17, 18, 19, 21}, "vf1, vf3, vf5, vf7, vf9, vf11, vf13, vf15, 4 more"},
	} {
		assert.Equal(t, c.want, oracle.VFListForTest(c.vfs))
	}
}
