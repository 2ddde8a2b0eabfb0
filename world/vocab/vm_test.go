package vocab

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/migsim/migsim/scenario"
	"github.com/migsim/migsim/spec"
)

func TestVMVFs(t *testing.T) {
	tests := []struct {
		name    string
		src     string
		want    []int
		wantErr string
	}{
		{"guests and VF peers", "vfs 8\nguest a vf=3\n  probe\nguest b\n  probe\npeer p vf=5\n  kick vf=3\npeer q\n  kick vf=1\n", []int{1, 3, 5}, ""},
		{"named", "vfs 1024\nset vm-vfs=1-8,12,8\nguest a vf=9\n  probe\n", []int{1, 2, 3, 4, 5, 6, 7, 8, 12}, ""},
		{"no guest: every VF", "vfs 3\n", []int{1, 2, 3}, ""},
		{"no guest, too many VFs", "vfs 65535\n", nil, "the VM would hold every VF"},
		{"range too large", "vfs 65535\nset vm-vfs=1-65535\n", nil, "at most 256 VFs"},
		{"list too large", "vfs 1024\nset vm-vfs=1-200,301-400\n", nil, "the VM holds 300 VFs"},
		{"past the VFs", "vfs 4\nset vm-vfs=2-5\n", nil, "inside 1..4"},
		{"not a number", "vfs 4\nset vm-vfs=x\n", nil, "want VF numbers"},
		{"backwards", "vfs 4\nset vm-vfs=3-2\n", nil, `"3-2": a range runs from its lower VF to its higher: write 2-3`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := scenario.ParseScenario("vm.scn", []byte("scenario vm\n"+tt.src))
			require.NoError(t, err)
			got, err := VMVFs(s, spec.Draft2023, s.Settings)
			if tt.wantErr != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.wantErr)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestCheckVMRefusesAtLoad: a scenario whose VM cannot be built is refused
// before anything runs, naming the expectation's line, and an expectation's
// set: entry counts.
func TestCheckVMRefusesAtLoad(t *testing.T) {
	ok, err := scenario.ParseScenario("ok.scn", []byte("scenario ok\nvfs 65535\nguest a vf=65535\n  probe\nexpect draft-2023 pass\n"))
	require.NoError(t, err)
	assert.NoError(t, CheckVM(ok))
	bad, err := scenario.ParseScenario("bad.scn", []byte("scenario bad\nvfs 65535\nguest a\n  probe\nexpect draft-2023 pass\nexpect virtio-1.4 set:vm-vfs=1-999 pass\n"))
	require.NoError(t, err)
	err = CheckVM(bad)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "bad.scn:6: expect virtio-1.4: set vm-vfs=1-999")
}

// TestCheckVMDeviceTypes: a guest whose driver does not bind the VFs'
// device type is refused at load at the expectation's line; when other
// guests' drivers bind it, the error says that one vf-device covers every
// VF, so a VM of virtio-net and virtio-blk VFs cannot be built.
func TestCheckVMDeviceTypes(t *testing.T) {
	const mixed = "one for every VF of every host: a VM cannot hold VFs of two device types"
	for _, tc := range []struct{ name, src, want string }{
		{"net guest beside a blk guest", "scenario m\nvfs 2\nqueues 3\nguest d vf=1\n  probe\nguest n vf=2 driver=net\n  probe\nexpect draft-2023 pass\n",
			"m.scn:8: expect draft-2023: guest n (line 6): driver net does not bind blk VFs (set vf-device=… names the VFs' device type, " + mixed + ")"},
		{"net guest alone", "scenario m\nvfs 1\nqueues 3\nguest n driver=net\n  probe\nexpect draft-2023 pass\n",
			"m.scn:6: expect draft-2023: guest n (line 4): driver net does not bind blk VFs (set vf-device=… names the VFs' device type)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := scenario.ParseScenario("m.scn", []byte(tc.src))
			require.NoError(t, err)
			err = CheckVM(s)
			require.Error(t, err)
			assert.Equal(t, tc.want, err.Error())
		})
	}
}
