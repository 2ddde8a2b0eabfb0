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
// before anything runs, at file:line:col of the token the error is about
// (the vm-vfs= that makes the VM too large, else the expectation's line),
// naming the expectation, and an expectation's set: entry counts.
func TestCheckVMRefusesAtLoad(t *testing.T) {
	ok, err := scenario.ParseScenario("ok.scn", []byte("scenario ok\nvfs 65535\nguest a vf=65535\n  probe\nexpect draft-2023 pass\n"))
	require.NoError(t, err)
	assert.NoError(t, CheckVM(ok))
	for _, tc := range []struct{ name, src, want string }{
		{"set: entry", "scenario bad\nvfs 65535\nguest a\n  probe\nexpect draft-2023 pass\nexpect virtio-1.4 set:vm-vfs=1-999 pass\n",
			"bad.scn:6:23: expect virtio-1.4: set vm-vfs=1-999: \"1-999\": at most 256 VFs migrate together"},
		{"set line", "scenario bad\nvfs 65535\nset vm-vfs=1-200,301-400\nguest a\n  probe\nexpect draft-2023 pass\n",
			"bad.scn:3:5: expect draft-2023 (line 6): the VM holds 300 VFs"},
		{"no guest", "scenario bad\nvfs 65535\nhypervisor\n  mode src stop\nexpect draft-2023 pass\n",
			"bad.scn:5:1: expect draft-2023: vfs 65535 with no guest"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad, err := scenario.ParseScenario("bad.scn", []byte(tc.src))
			require.NoError(t, err)
			err = CheckVM(bad)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
		})
	}
}

// TestCheckVMDeviceTypes: a guest whose driver does not bind the VFs'
// device type is refused at load at file:line:col of its driver= (of its
// name when it takes the default driver), naming the expectation; when
// other guests' drivers bind it, the error says that one vf-device covers
// every VF, so a VM of virtio-net and virtio-blk VFs cannot be built. A
// world of net VFs with too few queues is refused at the vf-device= that
// asks for it.
func TestCheckVMDeviceTypes(t *testing.T) {
	const mixed = "one for every VF of every host: a VM cannot hold VFs of two device types"
	for _, tc := range []struct{ name, src, want string }{
		{"net guest beside a blk guest", "scenario m\nvfs 2\nqueues 3\nguest d vf=1\n  probe\nguest n vf=2 driver=net\n  probe\nexpect draft-2023 pass\n",
			"m.scn:6:14: expect draft-2023 (line 8): guest n: driver net does not bind blk VFs (set vf-device=… names the VFs' device type, " + mixed + ")"},
		{"net guest alone", "scenario m\nvfs 1\nqueues 3\nguest n driver=net\n  probe\nexpect draft-2023 pass\n",
			"m.scn:4:9: expect draft-2023 (line 6): guest n: driver net does not bind blk VFs (set vf-device=… names the VFs' device type)"},
		{"default driver on net VFs", "scenario m\nvfs 1\nqueues 3\nguest  d\n  probe\nexpect draft-2023 set:vf-device=net pass\n",
			"m.scn:4:8: expect draft-2023 (line 6): guest d: driver blk does not bind net VFs (set vf-device=… names the VFs' device type)"},
		{"the network's operations on blk VFs", "scenario m\nvfs 1\nguest d\n  probe\npeer w\n  rx n=3\nexpect virtio-1.4 pass\n",
			"m.scn:6:3: expect virtio-1.4 (line 7): peer w: rx: the VFs are not virtio-net: the network's operations (rx, link, announce) need set vf-device=net"},
		{"link of an edition's peer", "scenario m\nvfs 1\nguest d\n  probe\npeer w edition=draft-2023\n  link down\nexpect virtio-1.4 pass\nexpect draft-2023 pass\n",
			"m.scn:6:3: expect draft-2023 (line 8): peer w: link: the VFs are not virtio-net: the network's operations (rx, link, announce) need set vf-device=net"},
		{"net VFs without a queue pair", "scenario m\nvfs 1\nqueues 1\nguest n driver=net\n  probe\nexpect draft-2023 set:vf-device=net pass\n",
			"m.scn:6:23: expect draft-2023: a virtio-net VF needs at least 2 queues (queues 2N+1: N pairs and the control queue), the scenario has 1"},
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
